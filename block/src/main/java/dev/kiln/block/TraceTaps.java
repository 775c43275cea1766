package dev.kiln.block;

import dev.kiln.symbol.Symbol;

import java.util.ArrayList;
import java.util.List;

/**
 * While a hybridized block traces its graph, the children with forward hooks met on the way: their symbolic inputs
 * and outputs become extra outputs of the compiled graph, and their hooks run on the real arrays after each call
 * instead of on Symbols during the trace.
 */
final class TraceTaps {
    private static final ThreadLocal<TraceTaps> ACTIVE = new ThreadLocal<>();

    /** One hooked child call in the trace. */
    record Call(Block block, List<Symbol> inputs, List<Symbol> outputs) {
    }

    private final List<Call> calls = new ArrayList<>();
    private final TraceTaps outer;

    private TraceTaps(TraceTaps outer) {
        this.outer = outer;
    }

    /** Starts collecting on this thread (until {@link #stop}). */
    static TraceTaps start() {
        TraceTaps t = new TraceTaps(ACTIVE.get());
        ACTIVE.set(t);
        return t;
    }

    /** Stops collecting; an enclosing collection resumes. */
    void stop() {
        if (outer == null) {
            ACTIVE.remove();
        } else {
            ACTIVE.set(outer);
        }
    }

    /** The collection in progress on this thread, or {@code null}. */
    static TraceTaps active() {
        return ACTIVE.get();
    }

    @SuppressWarnings("unchecked")
    void add(Block block, List<?> inputs, List<?> outputs) {
        calls.add(new Call(block, (List<Symbol>) inputs, (List<Symbol>) outputs));
    }

    List<Call> calls() {
        return calls;
    }
}
