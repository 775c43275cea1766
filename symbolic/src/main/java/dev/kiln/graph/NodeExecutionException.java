package dev.kiln.graph;

/**
 * An op node failed while a graph ran ({@link Interpreter}): {@code node 'x' (Op): <what the op said>}, with the
 * op's own error as the cause.
 */
public class NodeExecutionException extends NodeException {
    private final String detail;

    public NodeExecutionException(String nodeName, String opName, String detail, Throwable cause) {
        super(nodeName, opName, "node '" + nodeName + "' (" + opName + "): " + detail, cause);
        this.detail = detail;
    }

    /** What the op itself reported, without the node prefix. */
    public String detail() {
        return detail;
    }
}
