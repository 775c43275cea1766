package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.symbol.NodeOrigin;
import dev.kiln.symbol.NodeOrigins;
import dev.kiln.symbol.Symbol;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a block's symbolic forward does so that trace-time mistakes are reported where they were made: the outermost
 * trace records where every node comes from ({@link NodeOrigins}, which also refuses reads of concrete shapes and
 * values), and a cast between the symbolic and the eager backend inside {@code hybridForward} becomes an error
 * naming the block and the user's line instead of a bare {@link ClassCastException}.
 */
final class TraceErrors {
    private TraceErrors() {
    }

    /**
     * Runs {@code body}, {@code block}'s {@code hybridForward} on symbols. If no trace records yet on this thread,
     * this is the outermost one: it records node origins, hands them to {@code origins} when the body returns, and
     * a block traced on its own (outside any call) becomes the root of the block paths its children report.
     */
    static List<Symbol> trace(HybridBlock block, Supplier<List<Symbol>> body,
                              Consumer<Map<String, NodeOrigin>> origins) {
        if (NodeOrigins.active()) {
            return explainingCasts(block, body);
        }
        boolean root = CallPath.isEmpty();
        if (root) {
            CallPath.enter(block);
        }
        try (NodeOrigins.Recording r = NodeOrigins.record(() -> CallPath.current(block.name()))) {
            List<Symbol> out = explainingCasts(block, body);
            origins.accept(r.origins());
            return out;
        } finally {
            if (root) {
                CallPath.exit();
            }
        }
    }

    private static List<Symbol> explainingCasts(HybridBlock block, Supplier<List<Symbol>> body) {
        try {
            return body.get();
        } catch (ClassCastException e) {
            String problem = mixedBackends(e);
            if (problem == null) {
                throw e;
            }
            String path = CallPath.current(block.name());
            NodeOrigin site = NodeOrigins.of(e, path);
            throw new BlockForwardException(path, block.getClass().getSimpleName(), new KilnException(
                    "hybridForward at " + site.callSite() + " " + problem + " while the block is traced into a "
                            + "graph. hybridForward must compute only with F's ops on its inputs and on the values "
                            + "p gives for its parameters (symbols when traced, arrays when eager), so one piece of "
                            + "code serves both; constants come from F.zeros, F.ones, F.full or F.arange. (" 
                            + e.getMessage() + ")", e));
        }
    }

    /** What a cast between the backends did, or {@code null} for a cast that has nothing to do with them. */
    private static String mixedBackends(ClassCastException e) {
        String m = e.getMessage();
        if (m == null) {
            return null;
        }
        if (m.contains(Symbol.class.getName() + " cannot be cast")) {
            return "casts a symbolic value (an input, a parameter or an op's result) to a concrete type";
        }
        if (m.contains(NDArray.class.getName() + " cannot be cast")) {
            return "passes an NDArray (a parameter's data(), or an array made outside F) to an op";
        }
        return null;
    }
}
