package dev.kiln.graph;

import java.util.List;
import java.util.Map;

/**
 * A node of the graph IR: a {@link Variable} (MXNet's {@code null} op: an argument or auxiliary state) or an
 * {@link OpNode} applying a registered op. Nodes are immutable values; their inputs are entries of earlier nodes.
 */
public sealed interface Node permits Variable, OpNode {

    /** The node's name, e.g. {@code data}, {@code dense0_fwd}. */
    String name();

    /** Annotations other than op attributes, as strings: {@code __shape__}, {@code __lr_mult__}, user attributes. */
    Map<String, String> attrs();

    /** The entries this node reads, in the op's input order; empty for variables. */
    List<Entry> inputs();

    /** Every output the node computes, hidden ones included. */
    int numOutputs();

    /** The outputs a caller sees (MXNet's {@code FNumVisibleOutputs}). */
    int numVisibleOutputs();
}
