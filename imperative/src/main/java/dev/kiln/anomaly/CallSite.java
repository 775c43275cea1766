package dev.kiln.anomaly;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The code that applied an op: {@code opSite}, the first stack frame outside Kiln's op plumbing (a layer's or the
 * user's {@code hybridForward}, or the user's line for a direct op call), and {@code userSite}, the first frame
 * outside Kiln altogether (the user's line that called the layer); {@code null} where the stack has none.
 */
record CallSite(String opSite, String userSite) {
    /** Packages whose frames only carry an op to its kernel: never a call site. */
    private static final List<String> PLUMBING = List.of("java.", "jdk.", "sun.", "com.sun.", "dev.kiln.anomaly.",
            "dev.kiln.op.", "dev.kiln.autograd.", "dev.kiln.ndarray.", "dev.kiln.kernel.", "dev.kiln.parallel.",
            "dev.kiln.graph.", "dev.kiln.symbol.", "dev.kiln.compiler.", "dev.kiln.hybrid.");
    /** The block module's classes that call {@code hybridForward} or apply ops on a block's behalf. */
    private static final Set<String> BLOCK_PLUMBING = Set.of("dev.kiln.block.Block", "dev.kiln.block.HybridBlock",
            "dev.kiln.block.CallPath", "dev.kiln.block.OpCall", "dev.kiln.block.TraceErrors",
            "dev.kiln.block.Hybridization");
    private static final String KILN = "dev.kiln.";
    private static final StackWalker WALKER = StackWalker.getInstance();

    /** The call site of the op being applied on this thread now. */
    static CallSite here() {
        return WALKER.walk(frames -> {
            String op = null;
            for (StackWalker.StackFrame f : (Iterable<StackWalker.StackFrame>) frames::iterator) {
                String c = f.getClassName();
                if (op == null && !isPlumbing(c)) {
                    op = format(f);
                }
                if (op != null && !c.startsWith(KILN) && !isPlumbing(c)) {
                    return new CallSite(op, format(f));
                }
            }
            return new CallSite(op, null);
        });
    }

    /** The first frame outside Kiln on this thread's stack now, or {@code null}. */
    static String userFrame() {
        Optional<String> f = WALKER.walk(frames -> frames
                .filter(s -> !s.getClassName().startsWith(KILN) && !isPlumbing(s.getClassName()))
                .findFirst().map(CallSite::format));
        return f.orElse(null);
    }

    /** {@code com.acme.Net.hybridForward(Net.java:31)}, or with {@code , called from <user line>} after a layer. */
    String describe() {
        if (opSite == null) {
            return userSite == null ? "an unknown call site" : userSite;
        }
        return userSite == null || userSite.equals(opSite) ? opSite : opSite + ", called from " + userSite;
    }

    private static boolean isPlumbing(String className) {
        int inner = className.indexOf('$');
        String outer = inner < 0 ? className : className.substring(0, inner);
        if (BLOCK_PLUMBING.contains(outer)) {
            return true;
        }
        for (String p : PLUMBING) {
            if (outer.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private static String format(StackWalker.StackFrame f) {
        String file = f.getFileName();
        int line = f.getLineNumber();
        String where = file == null ? "Unknown Source" : line >= 0 ? file + ":" + line : file;
        return f.getClassName() + "." + f.getMethodName() + "(" + where + ")";
    }
}
