package dev.kiln.compiler.pass;

import java.util.Locale;

/**
 * What one pass of a pipeline run did: its name, the graph's node count before and after, and how long it took.
 *
 * @param pass        the pass's name
 * @param nodesBefore nodes (variables included) of the graph it read
 * @param nodesAfter  nodes of the graph it returned
 * @param nanos       its running time
 */
public record PassRecord(String pass, int nodesBefore, int nodesAfter, long nanos) {
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%-10s %5d -> %5d nodes  %8.3f ms", pass, nodesBefore, nodesAfter,
                nanos / 1e6);
    }
}
