package dev.kiln.symbol;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Annotations given to every node created while the scope is open, as MXNet's {@code mx.AttrScope}
 * ({@code ctx_group}, {@code lr_mult}, user keys). MXNet's hidden keys are stored in their {@code __key__} form, as
 * MXNet does. Scopes nest: inner values win, and closing restores the outer scope.
 */
public final class AttrScope implements AutoCloseable {
    /** Keys MXNet stores as {@code __key__} annotations. */
    static final Set<String> HIDDEN_KEYS = Set.of("ctx_group", "lr_mult", "wd_mult", "force_mirroring",
            "mirror_stage");
    private static final ThreadLocal<Map<String, String>> CURRENT = ThreadLocal.withInitial(Map::of);

    private final Map<String, String> previous;

    private AttrScope(Map<String, String> previous) {
        this.previous = previous;
    }

    /** Opens a scope adding {@code attrs} to every node created on this thread until it closes. */
    public static AttrScope of(Map<String, String> attrs) {
        Map<String, String> previous = CURRENT.get();
        Map<String, String> merged = new LinkedHashMap<>(previous);
        attrs.forEach((k, v) -> merged.put(annotationKey(k), v));
        CURRENT.set(Map.copyOf(merged));
        return new AttrScope(previous);
    }

    /** The annotations of the open scopes (empty if none). */
    public static Map<String, String> current() {
        return CURRENT.get();
    }

    /** {@code lr_mult} becomes {@code __lr_mult__}; other keys are kept as given. */
    static String annotationKey(String key) {
        return HIDDEN_KEYS.contains(key) ? "__" + key + "__" : key;
    }

    /** The scope's annotations under {@code own}: what a new node carries. */
    static Map<String, String> withScope(Map<String, String> own) {
        Map<String, String> scope = CURRENT.get();
        if (scope.isEmpty()) {
            return own;
        }
        Map<String, String> out = new LinkedHashMap<>(scope);
        out.putAll(own);
        return out;
    }

    @Override
    public void close() {
        CURRENT.set(previous);
    }
}
