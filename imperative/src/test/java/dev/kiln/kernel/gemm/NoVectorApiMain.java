package dev.kiln.kernel.gemm;

import dev.kiln.kernel.simd.VectorSupport;

import java.util.Arrays;

/** Run by {@link NoVectorApiTest} in a JVM started without {@code jdk.incubator.vector}. */
public final class NoVectorApiMain {
    private NoVectorApiMain() {
    }

    public static void main(String[] args) {
        float[] a = {1, 2, 3, 4, 5, 6};
        float[] b = {1, 0, 0, 1, 1, 1};
        float[] c = new float[4];
        Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 0f, c, 0, 2);
        Gemm.sgemm(false, false, 2, 2, 3, 1f, a, 0, 3, b, 0, 2, 1f, c, 0, 2);
        System.out.println("available=" + VectorSupport.isAvailable() + " c=" + Arrays.toString(c));
    }
}
