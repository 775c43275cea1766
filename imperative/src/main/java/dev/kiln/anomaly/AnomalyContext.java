package dev.kiln.anomaly;

/**
 * Where the op running on this thread sits, as anomaly mode reports it: the block being called, the graph node being
 * run and where a hybridized block's nodes were traced, and, in a backward pass, the forward op being differentiated
 * with where that op ran. Kiln's blocks, graph runner and autograd enter these only while {@link Anomaly#isEnabled()}
 * so that nothing is kept when the mode is off; each {@code enter} returns a handle that restores the previous state.
 */
public final class AnomalyContext {
    private static final ThreadLocal<Where> CURRENT = new ThreadLocal<>();

    private AnomalyContext() {
    }

    /**
     * Where a traced graph node came from.
     *
     * @param node      the traced node's name: the node asked for, or for a node the gradient added
     *                  ({@code dense0_fwd_backward}) the forward node it differentiates ({@code dense0_fwd})
     * @param opName    that traced node's op
     * @param blockPath the path of the block whose trace created it
     * @param callSite  the line of code that applied its op while tracing
     */
    public record NodeSite(String node, String opName, String blockPath, String callSite) {
    }

    /**
     * Finds the {@link NodeSite} of a graph node by its name (a gradient node by the forward node its name starts
     * with), or {@code null} for a node it does not know.
     */
    @FunctionalInterface
    public interface NodeSites {
        NodeSite site(String nodeName);
    }

    /**
     * The state entered so far; each field is the innermost one entered.
     *
     * @param blockPath  the path of the block being called
     * @param node       the graph node being run
     * @param sites      where the nodes of the graph being run were traced
     * @param backwardOf in a backward pass, the forward op being differentiated
     */
    record Where(String blockPath, String node, NodeSites sites, Recorded backwardOf) {
        static final Where NONE = new Where(null, null, null, null);
    }

    /**
     * An op application as autograd's tape noted it while anomaly mode was on: the op, where it ran and the line that
     * applied it. A backward pass reports it as the forward it differentiates.
     */
    public static final class Recorded {
        private final String opName;
        private final Where where;
        private final CallSite site;

        private Recorded(String opName, Where where, CallSite site) {
            this.opName = opName;
            this.where = where;
            this.site = site;
        }

        String opName() {
            return opName;
        }

        Where where() {
            return where;
        }

        CallSite site() {
            return site;
        }
    }

    /** Enters the call of the block at {@code path} ({@code net0.features.1}). */
    public static Entered block(String path) {
        return enter(with(path, current().node(), current().sites(), current().backwardOf()));
    }

    /** Enters the run of graph node {@code nodeName}. */
    public static Entered node(String nodeName) {
        Where w = current();
        return enter(with(w.blockPath(), nodeName, w.sites(), w.backwardOf()));
    }

    /** Enters the run of a hybridized block's graph whose nodes' origins {@code sites} knows. */
    public static Entered graph(NodeSites sites) {
        Where w = current();
        return enter(with(w.blockPath(), null, sites, w.backwardOf()));
    }

    /**
     * Enters the backward of {@code opName}, applied as {@code forward} notes ({@code null} when the tape noted
     * nothing, the op having run before anomaly mode was turned on). Node and block are those of the backward.
     */
    public static Entered backward(String opName, Recorded forward) {
        Recorded f = forward != null ? forward : new Recorded(opName, Where.NONE, null);
        return enter(with(current().blockPath(), null, null, f));
    }

    /** Notes, for the tape, where {@code opName} runs now: the state entered and the line that applied it. */
    public static Recorded record(String opName) {
        return new Recorded(opName, current(), CallSite.here());
    }

    static Where current() {
        Where w = CURRENT.get();
        return w == null ? Where.NONE : w;
    }

    private static Where with(String blockPath, String node, NodeSites sites, Recorded backwardOf) {
        return new Where(blockPath, node, sites, backwardOf);
    }

    private static Entered enter(Where w) {
        Entered e = new Entered(CURRENT.get());
        CURRENT.set(w);
        return e;
    }

    /** Restores the state that was current when it was entered. */
    public static final class Entered implements AutoCloseable {
        private final Where previous;

        private Entered(Where previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
