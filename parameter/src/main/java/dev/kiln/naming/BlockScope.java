package dev.kiln.naming;

import dev.kiln.parameter.ParameterDict;
import dev.kiln.symbol.NameManager;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Gluon 1.x block naming. A block created at top level takes the prefix {@code <hint><n>_} from the thread's
 * {@link NameManager} counter for its class hint ({@code dense0_}, {@code dense1_}); a block created while a parent's
 * scope is entered takes the parent's prefix plus a counter kept by that parent ({@code model0_dense0_}), so two
 * instances of one model name their children alike. An explicit prefix is kept (after the parent's), and a given
 * {@code ParameterDict} makes the new block share its parameters. Entering a scope also prefixes the names of
 * symbolic nodes created inside it ({@code dense0_fwd}).
 */
public final class BlockScope {
    private static final ThreadLocal<BlockScope> CURRENT = new ThreadLocal<>();

    private final ScopeOwner owner;
    private final Map<String, Integer> counters = new HashMap<>();

    /** The scope of one block; keep one per block so its children's counters persist across entries. */
    public BlockScope(ScopeOwner owner) {
        this.owner = Objects.requireNonNull(owner, "owner");
    }

    /** A new block's prefix and its own parameter dict. */
    public record Naming(String prefix, ParameterDict params) {
    }

    /**
     * Names a new block (Gluon's {@code _BlockScope.create}).
     *
     * @param prefix explicit prefix, or {@code null} for {@code <hint><n>_}
     * @param params another block's parameters to share, or {@code null} for a new dict
     * @param hint   the block's class hint, e.g. {@code dense}, {@code conv}, {@code relu}
     */
    public static Naming create(String prefix, ParameterDict params, String hint) {
        BlockScope current = CURRENT.get();
        if (current == null) {
            String p = prefix != null ? prefix : NameManager.current().get(null, hint) + "_";
            return new Naming(p, params == null ? new ParameterDict(p) : new ParameterDict(params.prefix(), params));
        }
        String p = prefix;
        if (p == null) {
            int count = current.counters.merge(hint, 1, Integer::sum) - 1;
            p = hint + count + "_";
        }
        ParameterDict parent = current.owner.params();
        ParameterDict dict = params == null ? new ParameterDict(parent.prefix() + p, parent.shared())
                : new ParameterDict(params.prefix(), params);
        return new Naming(current.owner.prefix() + p, dict);
    }

    /** The scope entered on this thread, or {@code null} at top level. */
    public static BlockScope current() {
        return CURRENT.get();
    }

    /** The block this scope names children for. */
    public ScopeOwner owner() {
        return owner;
    }

    /**
     * Enters the scope until the returned handle is closed: blocks created meanwhile are this block's children by
     * name, and symbolic nodes get this block's prefix. A block with an empty prefix enters nothing.
     */
    public Entered enter() {
        if (owner.prefix().isEmpty()) {
            return new Entered(null, null, false);
        }
        BlockScope previous = CURRENT.get();
        CURRENT.set(this);
        return new Entered(previous, NameManager.prefix(owner.prefix()), true);
    }

    /** An entered scope; closing restores the previous one. */
    public static final class Entered implements AutoCloseable {
        private final BlockScope previous;
        private final NameManager.Scope names;
        private final boolean active;

        private Entered(BlockScope previous, NameManager.Scope names, boolean active) {
            this.previous = previous;
            this.names = names;
            this.active = active;
        }

        @Override
        public void close() {
            if (active) {
                names.close();
                if (previous == null) {
                    CURRENT.remove();
                } else {
                    CURRENT.set(previous);
                }
            }
        }
    }
}
