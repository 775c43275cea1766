package dev.kiln.symbol;

import dev.kiln.KilnException;
import dev.kiln.graph.NodeException;

import java.util.Map;

/**
 * A node error with the node's origin added: the block path and the line whose op call created the node, as noted
 * while tracing ({@link NodeOrigins}). The original error is the cause.
 */
public final class TracedNodeException extends NodeException {
    private final NodeOrigin origin;

    private TracedNodeException(NodeException node, String message, NodeOrigin origin, Throwable cause) {
        super(node.nodeName(), node.opName(), message, cause);
        this.origin = origin;
    }

    /** Where the failing node was traced from. */
    public NodeOrigin origin() {
        return origin;
    }

    /**
     * {@code error} with the origin of the node it names: the first {@link NodeException} in its cause chain whose
     * node is in {@code origins} (a trace's {@code Recording.origins()}) gives
     * {@code node 'x' (Op): ...; created by block 'net0.dense1' at com.acme.Net.hybridForward(Net.java:31)}, or, when
     * it is a cause, the same clause naming the node. An error already attributed, or naming no traced node, is
     * returned as it is.
     */
    public static KilnException attribute(KilnException error, Map<String, NodeOrigin> origins) {
        int depth = 0;
        for (Throwable t = error; t != null && depth < 64; t = t.getCause(), depth++) {
            if (t instanceof TracedNodeException) {
                return error;
            }
            if (t instanceof NodeException n && origins.containsKey(n.nodeName())) {
                NodeOrigin o = origins.get(n.nodeName());
                String clause = t == error ? "; created by " : "; node '" + n.nodeName() + "' was created by ";
                return new TracedNodeException(n, error.getMessage() + clause + o.describe(), o, error);
            }
        }
        return error;
    }
}
