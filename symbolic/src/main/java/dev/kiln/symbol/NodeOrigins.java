package dev.kiln.symbol;

import dev.kiln.KilnException;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Notes where traced nodes come from. While a {@link #record recording} is open on a thread (a block's
 * {@code hybridForward} being traced), every op node {@link Sym} creates there is noted by name with its
 * {@link NodeOrigin}: the block path the recording's supplier gives at that moment and the first stack frame outside
 * Kiln's op plumbing (the symbolic backend, the op registry and its generated typed surface, the graph IR, the block
 * internals that call {@code hybridForward}), which is the layer's or the user's own line. Stack walking costs only
 * while recording. Recordings nest (every open one notes the node); {@link #pause} hides them for Kiln's own work,
 * such as shape inference, done while a trace is open. A recording also marks values as symbolic: calls that would
 * read a concrete shape or value of the graph being traced fail ({@link #refuseWhileTracing}).
 */
public final class NodeOrigins {
    /** Packages whose frames are never a call site: the JDK, the op registry and surface, graphs and engines. */
    private static final List<String> PLUMBING_PACKAGES = List.of("java.", "jdk.", "sun.", "com.sun.",
            "dev.kiln.symbol.", "dev.kiln.op.", "dev.kiln.graph.", "dev.kiln.compiler.", "dev.kiln.hybrid.");
    /** The block module's classes that call {@code hybridForward} or apply ops on a block's behalf. */
    private static final Set<String> PLUMBING_CLASSES = Set.of("dev.kiln.block.Block", "dev.kiln.block.HybridBlock",
            "dev.kiln.block.CallPath", "dev.kiln.block.OpCall", "dev.kiln.block.TraceErrors");
    private static final ThreadLocal<Deque<Object>> OPEN = ThreadLocal.withInitial(ArrayDeque::new);
    private static final StackWalker WALKER = StackWalker.getInstance();

    private NodeOrigins() {
    }

    /**
     * Starts noting the origins of the nodes created on this thread until the recording is closed;
     * {@code blockPath} is asked at each node for the path of the block being traced.
     */
    public static Recording record(Supplier<String> blockPath) {
        Recording r = new Recording(blockPath);
        OPEN.get().push(r);
        return r;
    }

    /**
     * Hides the open recordings until closed: nodes are not noted and concrete values may be read. For Kiln's own
     * work inside a trace (inferring shapes to complete parameters), never for user code.
     */
    public static Pause pause() {
        Pause p = new Pause();
        OPEN.get().push(p);
        return p;
    }

    /** Whether a recording is open and not paused on this thread: a trace is running. */
    public static boolean active() {
        return OPEN.get().peek() instanceof Recording;
    }

    /**
     * Where a node created now would come from: the innermost recording's block path ({@code null} outside one)
     * and the first call site outside the plumbing.
     */
    public static NodeOrigin here() {
        return at(callSite(), blockPath());
    }

    private static Optional<StackWalker.StackFrame> callSite() {
        return WALKER.walk(frames -> frames.filter(f -> !isPlumbing(f.getClassName())).findFirst());
    }

    /**
     * The origin named by an exception's stack: the first frame outside the plumbing, with {@code blockPath}; how
     * an error thrown by user code inside {@code hybridForward} names the user's line.
     */
    public static NodeOrigin of(Throwable error, String blockPath) {
        for (StackTraceElement f : error.getStackTrace()) {
            if (!isPlumbing(f.getClassName())) {
                return new NodeOrigin(blockPath, f.getClassName(), f.getMethodName(), f.getFileName(),
                        f.getLineNumber());
            }
        }
        return new NodeOrigin(blockPath, null, null, null, -1);
    }

    /**
     * Fails if a trace is running: {@code call} ({@code "Symbol.inferShape"}) would read something concrete that
     * the traced graph would keep as a constant. The error names the block path and the caller's line (the first
     * frame outside the plumbing and outside the class that called this guard) and the symbolic alternative.
     */
    public static void refuseWhileTracing(String call, FrozenValueException.Reads reads) {
        if (!active()) {
            return;
        }
        NodeOrigin site = at(WALKER.walk(frames -> {
            Iterator<StackWalker.StackFrame> it = frames.skip(1).iterator();
            String guarded = it.next().getClassName();
            while (it.hasNext()) {
                StackWalker.StackFrame f = it.next();
                if (!f.getClassName().equals(guarded) && !isPlumbing(f.getClassName())) {
                    return Optional.of(f);
                }
            }
            return Optional.<StackWalker.StackFrame>empty();
        }), blockPath());
        throw new FrozenValueException(call, reads, site);
    }

    /** Notes {@code nodeName}'s origin in every open recording, innermost first up to a pause. */
    static void noteCreated(String nodeName) {
        Optional<StackWalker.StackFrame> site = null;
        for (Object open : OPEN.get()) {
            if (!(open instanceof Recording r)) {
                return;
            }
            if (site == null) {
                site = callSite();
            }
            r.note(nodeName, at(site, r.blockPath.get()));
        }
    }

    /** An error raised while applying an op during a trace, with the block path and the line that applied it. */
    static KilnException whileTracing(KilnException e) {
        return new KilnException(e.getMessage() + "; applied by " + here().describe(), e);
    }

    /**
     * Whether frames of {@code className} are Kiln's op plumbing rather than a call site: the JDK, the symbolic
     * backend, the op registry and its generated surface, graphs, engines, and the block internals.
     */
    static boolean isPlumbing(String className) {
        int inner = className.indexOf('$');
        String outer = inner < 0 ? className : className.substring(0, inner);
        if (PLUMBING_CLASSES.contains(outer)) {
            return true;
        }
        String pkg = outer.substring(0, Math.max(0, outer.lastIndexOf('.'))) + ".";
        for (String p : PLUMBING_PACKAGES) {
            if (pkg.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static String blockPath() {
        return OPEN.get().peek() instanceof Recording r ? r.blockPath.get() : null;
    }

    private static NodeOrigin at(Optional<StackWalker.StackFrame> frame, String blockPath) {
        return frame.map(f -> new NodeOrigin(blockPath, f.getClassName(), f.getMethodName(), f.getFileName(),
                f.getLineNumber())).orElseGet(() -> new NodeOrigin(blockPath, null, null, null, -1));
    }

    /** An open recording; {@link #origins} reads what it noted so far. */
    public static final class Recording implements AutoCloseable {
        private final Supplier<String> blockPath;
        private final Map<String, NodeOrigin> origins = new LinkedHashMap<>();

        private Recording(Supplier<String> blockPath) {
            this.blockPath = blockPath;
        }

        /**
         * The origin of every op node created while this recording was open, by node name in creation order; a
         * name created twice (a block called twice) keeps its first origin. An immutable snapshot.
         */
        public Map<String, NodeOrigin> origins() {
            return Collections.unmodifiableMap(new LinkedHashMap<>(origins));
        }

        private void note(String nodeName, NodeOrigin origin) {
            origins.putIfAbsent(nodeName, origin);
        }

        @Override
        public void close() {
            OPEN.get().removeFirstOccurrence(this);
        }
    }

    /** Hides the open recordings until closed. */
    public static final class Pause implements AutoCloseable {
        private Pause() {
        }

        @Override
        public void close() {
            OPEN.get().removeFirstOccurrence(this);
        }
    }
}
