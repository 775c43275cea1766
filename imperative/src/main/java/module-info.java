/**
 * Kiln's eager core: {@code NDArray}, the op registry with every op's definition, the typed op surface
 * ({@code F}, {@code ND}), autograd, random numbers and the array file formats. Kernels, the op families'
 * implementations and the worker pool stay inside; the few the compiler and the layers build on are exported to
 * those Kiln modules only.
 */
@SuppressWarnings("module") // the qualified exports name modules built after this one
module dev.kiln.imperative {
    // Optional at run time: kernels take their SIMD paths only when the JVM resolved the Vector API
    // (--add-modules jdk.incubator.vector); without it VectorSupport reports so and the scalar loops run.
    requires static jdk.incubator.vector;

    exports dev.kiln;
    exports dev.kiln.anomaly;
    exports dev.kiln.autograd;
    exports dev.kiln.io;
    exports dev.kiln.ndarray;
    exports dev.kiln.op;
    exports dev.kiln.op.creation; // NDArrays: arange, linspace, eye, full
    exports dev.kiln.op.custom;
    exports dev.kiln.op.surface;
    exports dev.kiln.random;
    exports dev.kiln.op.rnn; // RnnMode and the fused RNN's parameter layout appear in the recurrent layers' API

    // the JIT fuses elementwise, row and reduction kernels; the image transforms build on the image ops
    exports dev.kiln.op.elementwise to dev.kiln.compiler, dev.kiln.tornado; // FastErf's forms for device erf
    exports dev.kiln.op.nn to dev.kiln.compiler;
    exports dev.kiln.op.conv to dev.kiln.compiler; // the pooling and ReLU gradient the JIT merges
    exports dev.kiln.op.reduce to dev.kiln.compiler, dev.kiln.tornado; // ReduceAxes for the device reductions
    exports dev.kiln.op.image to dev.kiln.block;
    exports dev.kiln.parallel to dev.kiln.compiler, dev.kiln.cli;
    exports dev.kiln.kernel.gemm to dev.kiln.compiler; // attention's strided batch_dot (HeadsBatchDotOp)

    // op libraries of other modules or jars (META-INF/services or provides dev.kiln.op.OpLibrary)
    uses dev.kiln.op.OpLibrary;
}
