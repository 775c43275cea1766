package dev.kiln.compiler.jit;

/**
 * The loop of a fused elementwise group over elements {@code [from, to)}: reads each input array at an element and
 * writes each output array there. Arrays are {@code float[]} or {@code double[]} as the group's dtype says. Elements
 * are independent, so any split of the range across threads gives the same results.
 */
@FunctionalInterface
public interface FusedKernel {
    void run(Object[] inputs, Object[] outputs, int from, int to);
}
