package dev.kiln.symbol;

import java.util.HashMap;
import java.util.Map;

/**
 * Names the nodes op calls create, as MXNet's {@code mx.name.NameManager}: an explicit name is kept, otherwise the
 * op's name in lower case plus a counter ({@code fullyconnected0}, {@code fullyconnected1}). A prefix scope puts a
 * prefix before every name ({@code dense0_} gives {@code dense0_fwd}), as Gluon blocks do. The current manager is
 * per thread; scopes nest and restore the previous manager when closed.
 */
public class NameManager {
    private static final ThreadLocal<NameManager> CURRENT = ThreadLocal.withInitial(NameManager::new);

    private final Map<String, Integer> counters = new HashMap<>();
    private final String prefix;

    public NameManager() {
        this("");
    }

    private NameManager(String prefix) {
        this.prefix = prefix;
    }

    /** The manager op calls on this thread use. */
    public static NameManager current() {
        return CURRENT.get();
    }

    /** A new manager with fresh counters, current until the scope closes. */
    public static Scope fresh() {
        return enter(new NameManager());
    }

    /** A new manager with fresh counters that puts {@code prefix} before every name (MXNet's {@code Prefix}). */
    public static Scope prefix(String prefix) {
        return enter(new NameManager(prefix));
    }

    private static Scope enter(NameManager m) {
        NameManager previous = CURRENT.get();
        CURRENT.set(m);
        return new Scope(previous);
    }

    /** The prefix this manager puts before names ({@code ""} if none). */
    public String prefix() {
        return prefix;
    }

    /**
     * The name for a new node: {@code name} if given, else {@code hint} plus this manager's next counter for that
     * hint; then the prefix.
     */
    public synchronized String get(String name, String hint) {
        if (name == null) {
            int n = counters.merge(hint, 1, Integer::sum) - 1;
            name = hint + n;
        }
        return prefix + name;
    }

    /** Restores the manager that was current before the scope opened. */
    public static final class Scope implements AutoCloseable {
        private final NameManager previous;

        private Scope(NameManager previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            CURRENT.set(previous);
        }
    }
}
