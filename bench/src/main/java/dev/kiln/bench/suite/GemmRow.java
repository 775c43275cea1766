package dev.kiln.bench.suite;

/** One GEMM row: {@code Gemm.sgemm} of m x n x k at {@code threads} threads, against the measured FMA peak. */
public record GemmRow(int m, int n, int k, boolean transposeB, int threads, double gflops, double peakGflops) {
}
