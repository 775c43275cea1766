package dev.kiln.tornado.testing;

/**
 * A kernel class for tests of the plan and the runtimes: its static method computes a node by calling the node's
 * CPU kernel ({@link OpCallKernels}) on the device buffers it is given. The emulation runtime loads it from its
 * bytes like a generated kernel; it is no device code (TornadoVM would refuse its calls).
 */
public final class OpCallKernel {
    private OpCallKernel() {
    }

    /** Computes node {@code node} of the registry on buffers {@code b0...} (unused slots receive an int). */
    public static void call(int node, Object b0, Object b1, Object b2, Object b3, Object b4, Object b5, Object b6,
                            Object b7, Object b8, Object b9, Object b10, Object b11, Object b12, Object b13) {
        OpCallKernels.compute(node, new Object[] {b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12, b13});
    }
}
