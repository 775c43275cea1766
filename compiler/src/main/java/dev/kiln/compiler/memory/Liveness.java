package dev.kiln.compiler.memory;

import dev.kiln.KilnException;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;

/**
 * When each value of a graph is alive, by entry id ({@link Graph#entryOffsets}): it is born at its node and dies after
 * its last reader. Graph outputs, and values a re-runnable backward reads from the forward, are held to the end; a
 * value nobody reads dies at its own node. {@link #refs} counts the reads still to come plus one per hold, which is
 * what the planner's buffers count down.
 */
final class Liveness {
    final int[] rowPtr;
    /** Per entry: reads by op nodes, plus one per graph-output occurrence, plus one if held for a backward. */
    final int[] refs;
    /** Per entry: the index of the last node at which the value is alive (its node if never read). */
    final int[] lastStep;
    /** Per entry: the index of the node computing it. */
    final int[] nodeOf;
    /** Per entry: true if it is a graph output. */
    final boolean[] graphOutput;

    Liveness(Graph graph, int backwardFrom) {
        int n = graph.size();
        if (backwardFrom > n) {
            throw new KilnException("memory plan: backwardFrom " + backwardFrom + " is past the graph's " + n
                    + " nodes");
        }
        rowPtr = graph.entryOffsets();
        int entries = rowPtr[n];
        refs = new int[entries];
        lastStep = new int[entries];
        nodeOf = new int[entries];
        graphOutput = new boolean[entries];
        for (int i = 0; i < n; i++) {
            for (int e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
                nodeOf[e] = i;
                lastStep[e] = i;
            }
        }
        boolean[] held = new boolean[entries];
        for (int i = 0; i < n; i++) {
            if (!(graph.node(i) instanceof OpNode op)) {
                continue;
            }
            for (Entry in : op.inputs()) {
                int e = id(in);
                refs[e]++;
                lastStep[e] = Math.max(lastStep[e], i);
                if (backwardFrom > 0 && i >= backwardFrom && in.node() < backwardFrom && !held[e]) {
                    held[e] = true;
                    refs[e]++;
                }
            }
        }
        for (Entry out : graph.outputs()) {
            int e = id(out);
            refs[e]++;
            graphOutput[e] = true;
            held[e] = true;
        }
        for (int e = 0; e < entries; e++) {
            if (held[e]) {
                lastStep[e] = n - 1;
            }
        }
    }

    /** The entry id of {@code e}. */
    int id(Entry e) {
        return rowPtr[e.node()] + e.output();
    }
}
