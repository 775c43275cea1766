package dev.kiln.graph;

import dev.kiln.KilnException;

/**
 * An error at one op node of a graph, naming it in fields as well as in the message, so that code holding more
 * about the graph (where each node was traced from) can add it; see {@link NodeExecutionException} for a failure
 * while running and shape or dtype inference for a failure while inferring.
 */
public class NodeException extends KilnException {
    private final String nodeName;
    private final String opName;

    public NodeException(String nodeName, String opName, String message, Throwable cause) {
        super(message, cause);
        this.nodeName = nodeName;
        this.opName = opName;
    }

    /** The failing node's name ({@code dense0_fwd}). */
    public String nodeName() {
        return nodeName;
    }

    /** The failing node's op, by its registry name ({@code FullyConnected}). */
    public String opName() {
        return opName;
    }
}
