package dev.kiln.graph.json;

import dev.kiln.KilnException;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The node order MXNet writes and reads symbols in (nnvm's {@code DFSVisit}): depth-first from each head in turn,
 * inputs in order, each node after its inputs and only once. Nodes no head reaches are left out. Iterative, so
 * deep chains cannot overflow the stack; a cycle is an error naming the nodes on it.
 */
final class DepthFirst {
    private static final byte NEW = 0;
    private static final byte OPEN = 1;
    private static final byte DONE = 2;

    private DepthFirst() {
    }

    /**
     * The post-order of the nodes reachable from {@code heads}.
     *
     * @param size   number of nodes
     * @param inputs the node indices node {@code i} reads, in input order
     * @param heads  the nodes to start from, in order
     * @param label  how an error names node {@code i}
     */
    static int[] postOrder(int size, IntFunction<int[]> inputs, int[] heads, IntFunction<String> label) {
        byte[] state = new byte[size];
        int[] order = new int[size];
        int done = 0;
        int[] stackNode = new int[16];
        int[] stackNext = new int[16];
        for (int head : heads) {
            if (state[head] != NEW) {
                continue;
            }
            int depth = 0;
            stackNode[0] = head;
            stackNext[0] = 0;
            state[head] = OPEN;
            while (depth >= 0) {
                int n = stackNode[depth];
                int[] in = inputs.apply(n);
                int k = stackNext[depth];
                if (k < in.length) {
                    stackNext[depth] = k + 1;
                    int m = in[k];
                    if (state[m] == OPEN) {
                        throw cycle(m, stackNode, depth, label);
                    }
                    if (state[m] == NEW) {
                        state[m] = OPEN;
                        depth++;
                        if (depth == stackNode.length) {
                            stackNode = Arrays.copyOf(stackNode, depth * 2);
                            stackNext = Arrays.copyOf(stackNext, depth * 2);
                        }
                        stackNode[depth] = m;
                        stackNext[depth] = 0;
                    }
                } else {
                    state[n] = DONE;
                    order[done++] = n;
                    depth--;
                }
            }
        }
        return Arrays.copyOf(order, done);
    }

    private static KilnException cycle(int start, int[] stack, int depth, IntFunction<String> label) {
        int from = depth;
        while (stack[from] != start) {
            from--;
        }
        int length = depth - from + 1;
        StringBuilder path = new StringBuilder();
        for (int i = from; i <= depth; i++) {
            if (i - from == 8 && length > 10) {
                path.append("... (").append(depth - i + 1).append(" more) -> ");
                break;
            }
            path.append(label.apply(stack[i])).append(" -> ");
        }
        path.append(label.apply(start));
        return new KilnException("the graph has a cycle: " + path + " (each node reads the next)");
    }
}
