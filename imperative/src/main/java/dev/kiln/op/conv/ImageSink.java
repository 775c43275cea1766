package dev.kiln.op.conv;

import dev.kiln.op.OutputEpilogue;

/**
 * Where a float32 convolution kernel that works image by image ({@link VectorDirectConv}, {@link VectorPlaneConv})
 * writes each output image, and what finishes the image once every element of it is written: the bias and epilogue
 * in place ({@link Direct}), or those and then a pooling into a smaller output ({@link PooledConvolution}), so that
 * the image is pooled while it is still in cache. A kernel asks for image {@code n}'s array on the thread that will
 * finish it (the array may be that thread's own), finishes each image once, and writes a second image to the same
 * thread's array only after finishing the first.
 */
interface ImageSink {
    /** The array image {@code n} is written into, starting at {@link #offset}. */
    float[] array(int n);

    /** Where image {@code n} starts in its array. */
    int offset(int n);

    /**
     * Finishes image {@code n}, complete in {@code image} (what {@link #array} gave) from {@link #offset}; over the
     * threads when {@code split} (the caller runs no other part of a parallel loop).
     */
    void finish(int n, float[] image, boolean split);

    /**
     * Images written in place into {@code y} ({@code filters x grid} each, in batch order), then given their
     * {@code bias} (unless null) and {@code epilogue} (unless null), as {@link ConvKernels#finishImage} does.
     */
    record Direct(float[] y, float[] bias, int filters, int grid, OutputEpilogue epilogue) implements ImageSink {
        @Override
        public float[] array(int n) {
            return y;
        }

        @Override
        public int offset(int n) {
            return n * filters * grid;
        }

        @Override
        public void finish(int n, float[] image, boolean split) {
            ConvKernels.finishImage(y, n * filters * grid, bias, filters, grid, epilogue, split);
        }
    }
}
