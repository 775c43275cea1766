package dev.kiln.op.conv;

import dev.kiln.ndarray.NDArray;
import dev.kiln.op.DerivedWeights;
import dev.kiln.op.OutputEpilogue;

/**
 * A float32 convolution pooled image by image ({@link dev.kiln.op.PooledOutputOp}). Layers on the kernels that write
 * their output image by image ({@link ConvKernels#writesImages}) put each image into the finishing thread's own array,
 * where it gets its bias and epilogue and is pooled straight into the pooled output while it is still in cache: the
 * full-size output is neither stored nor read back. Other layers are convolved whole into a new array and then
 * pooled. Either way every element is what the convolution, its epilogue and the pooling give when run apart.
 */
final class PooledConvolution {
    private PooledConvolution() {
    }

    /**
     * Whether a layer of {@code filters} filters in {@code groups} groups over {@code win}, {@code kk} deep per filter,
     * followed by the pooling {@code spec}, is pooled image by image.
     */
    static boolean eachImage(Window win, int groups, int filters, int kk, PoolKernels.Spec spec) {
        return ConvKernels.writesImages(win, groups, filters, kk) && FastPoolKernels.handles(spec);
    }

    /**
     * The convolution of {@code batch} images of {@code x} with the float32 {@code weight} (and {@code bias} unless
     * null), {@code epilogue} (unless null) run on each image, pooled by {@code spec} into {@code pooled} (every element
     * written); what the kernel derives from the weight is kept in {@code derived} when not null.
     */
    static void convolution(float[] x, NDArray weight, float[] bias, int batch, int channels, int filters, int groups,
                            Window win, OutputEpilogue epilogue, DerivedWeights derived, PoolKernels.Spec spec,
                            float[] pooled) {
        float[] w = (float[]) weight.data();
        if (eachImage(win, groups, filters, channels / groups * win.kernelSize(), spec)) {
            ConvKernels.imageByImage(x, w, weight, derived, batch, channels, filters, win,
                    new Images(pooled, bias, filters, win.gridSize(), epilogue, spec));
            return;
        }
        float[] y = ConvKernels.convolution(x, weight, bias, batch, channels, filters, groups, win, epilogue, null,
                derived);
        if (FastPoolKernels.handles(spec)) {
            FastPoolKernels.pool(y, pooled, batch * filters, spec);
        } else {
            PoolKernels.pool(y, pooled, batch * filters, spec);
        }
    }

    /**
     * Images written into the finishing thread's own array, given their bias and epilogue there, then pooled into
     * {@code pooled} at their place in the batch.
     */
    private record Images(float[] pooled, float[] bias, int filters, int grid, OutputEpilogue epilogue,
                          PoolKernels.Spec spec) implements ImageSink {
        @Override
        public float[] array(int n) {
            return ConvScratch.floats(ConvScratch.Slot.IMAGE, filters * grid);
        }

        @Override
        public int offset(int n) {
            return 0;
        }

        @Override
        public void finish(int n, float[] image, boolean split) {
            ConvKernels.finishImage(image, 0, bias, filters, grid, epilogue, split);
            FastPoolKernels.pool(image, pooled, n * filters * spec.windows().gridSize(), filters, spec);
        }
    }
}
