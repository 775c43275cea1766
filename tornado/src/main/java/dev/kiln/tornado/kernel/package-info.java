/**
 * Device kernels for the TornadoVM backend, generated with ASM in TornadoVM's programming model: public static
 * methods of public classes in {@code dev.kiln.tornado.generated}, parallel loops marked with TornadoVM's
 * {@code @Parallel} type annotation on the loop index, a local-variable table for every local, arrays accessed
 * through an {@link dev.kiln.tornado.kernel.ArrayFlavor}, only {@link java.lang.Math} calls TornadoVM's OpenCL backend
 * compiles, and shapes and attributes baked in as constants. The same class bytes run as plain Java (the annotation
 * is inert, loops run sequentially), which is how the suite checks them against the CPU ops.
 * {@link dev.kiln.tornado.kernel.DeviceKernels} lowers graph nodes to {@link dev.kiln.tornado.kernel.KernelLaunch}es
 * over a {@link dev.kiln.tornado.kernel.BufferTable}.
 */
package dev.kiln.tornado.kernel;
