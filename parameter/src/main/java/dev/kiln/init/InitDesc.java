package dev.kiln.init;

import java.util.Map;
import java.util.Objects;

/**
 * What is being initialised: the parameter's full name (whose suffix picks its role), its string attributes (an
 * {@code "__init__"} entry names the initialiser to use, as a registered name or {@link Initializer#dumps()} JSON),
 * and the parameter's own initialiser, if it has one, which takes precedence over both.
 *
 * @param name     the parameter's full name, e.g. {@code dense0_weight}
 * @param attrs    string attributes of the parameter (never null; copied)
 * @param explicit the parameter's own initialiser, or null to use the attributes or the caller's initialiser
 */
public record InitDesc(String name, Map<String, String> attrs, Initializer explicit) {
    /** The attribute key that carries a per-parameter initialiser, as in MXNet's symbol attributes. */
    public static final String INIT_ATTR = "__init__";

    public InitDesc {
        Objects.requireNonNull(name, "parameter name");
        attrs = attrs == null ? Map.of() : Map.copyOf(attrs);
    }

    /** A parameter with no attributes and no initialiser of its own. */
    public InitDesc(String name) {
        this(name, Map.of(), null);
    }

    /** A parameter with attributes but no initialiser of its own. */
    public InitDesc(String name, Map<String, String> attrs) {
        this(name, attrs, null);
    }

    /** The {@code "__init__"} attribute, or null when absent or empty (MXNet treats an empty string as unset). */
    public String initAttr() {
        String v = attrs.get(INIT_ATTR);
        return v == null || v.isEmpty() ? null : v;
    }
}
