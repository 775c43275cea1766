package dev.kiln.op;

import dev.kiln.KilnException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The attribute values of one op application, checked against the op's {@link AttrSpec}s: unknown names and
 * unparsable values are rejected naming the op and attribute, defaults are filled in, and the names the caller gave
 * are remembered (symbol JSON writes only those, as MXNet does).
 */
public final class Attrs {
    /**
     * The key under which a caller may name the node an op call creates, as MXNet's {@code name=} keyword: symbolic
     * backends use it, the eager backend ignores it (as MXNet's {@code nd} functions do).
     */
    public static final String NODE_NAME = "name";

    private final String opName;
    private final Map<String, Object> values;
    private final Set<String> explicit;
    private final Map<String, String> extras;

    private Attrs(String opName, Map<String, Object> values, Set<String> explicit, Map<String, String> extras) {
        this.opName = opName;
        this.values = values;
        this.explicit = explicit;
        this.extras = extras;
    }

    /** Checks and completes {@code raw} (Java values or MXNet strings) against the op's declared attributes. */
    static Attrs parse(OpDef op, Map<String, ?> raw) {
        Map<String, AttrSpec<?>> specs = op.attrSpecsByName();
        Map<String, Object> values = new LinkedHashMap<>();
        Set<String> explicit = new LinkedHashSet<>();
        Map<String, String> extras = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : raw.entrySet()) {
            String name = e.getKey();
            AttrSpec<?> spec = specs.get(name);
            if (spec == null) {
                if (name.startsWith("__") && name.endsWith("__") || name.equals(NODE_NAME)) {
                    continue; // graph annotations (__shape__, __lr_mult__, ...) and a node name are not op attributes
                }
                if (op.acceptsExtraAttrs()) {
                    extras.put(name, PythonFormat.str(e.getValue()));
                    continue;
                }
                throw new KilnException("op '" + op.name() + "' has no attribute '" + name + "'; its attributes are "
                        + specs.keySet());
            }
            Object v = e.getValue();
            if (v == null || "None".equals(v)) {
                if (spec.required()) {
                    throw new KilnException("op '" + op.name() + "': attribute '" + name + "' is required, got None");
                }
                values.put(name, null);
            } else {
                try {
                    values.put(name, spec.type().coerce(v));
                } catch (KilnException ex) {
                    throw new KilnException("op '" + op.name() + "': bad value for attribute '" + name + "': "
                            + ex.getMessage(), ex);
                }
            }
            explicit.add(name);
        }
        for (AttrSpec<?> s : specs.values()) {
            if (!values.containsKey(s.name())) {
                if (s.required()) {
                    throw new KilnException("op '" + op.name() + "': attribute '" + s.name() + "' (" + s.type().name()
                            + ") is required: " + s.doc());
                }
                values.put(s.name(), s.defaultValue());
            }
        }
        return new Attrs(op.name(), Collections.unmodifiableMap(values), Collections.unmodifiableSet(explicit),
                Collections.unmodifiableMap(extras));
    }

    /** The value of {@code spec}, or {@code null} for an optional attribute left at {@code None}. */
    public <T> T get(AttrSpec<T> spec) {
        if (!values.containsKey(spec.name())) {
            throw new KilnException("op '" + opName + "' does not declare attribute '" + spec.name() + "'");
        }
        return spec.type().javaType().cast(values.get(spec.name()));
    }

    /** True if the caller gave {@code spec} a value (rather than taking the default). */
    public boolean isExplicit(AttrSpec<?> spec) {
        return explicit.contains(spec.name());
    }

    /** All values by name, defaults included. */
    public Map<String, Object> values() {
        return values;
    }

    /**
     * The undeclared attributes, as strings in the order given; only ops that {@link OpDef#acceptsExtraAttrs} have
     * any ({@code Custom}'s keyword arguments).
     */
    public Map<String, String> extras() {
        return extras;
    }

    /** The undeclared attribute {@code name} as a string, or {@code null} if it was not given. */
    public String extra(String name) {
        return extras.get(name);
    }

    /** The explicitly given attributes in MXNet's string form, in declaration order, then any undeclared ones. */
    public Map<String, String> toMXNetStrings(OpDef op) {
        Map<String, String> out = new LinkedHashMap<>();
        for (AttrSpec<?> s : op.attrSpecs()) {
            if (explicit.contains(s.name())) {
                out.put(s.name(), s.format(values.get(s.name())));
            }
        }
        out.putAll(extras);
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attrs a && opName.equals(a.opName) && values.equals(a.values) && extras.equals(a.extras);
    }

    @Override
    public int hashCode() {
        return (opName.hashCode() * 31 + values.hashCode()) * 31 + extras.hashCode();
    }

    @Override
    public String toString() {
        if (extras.isEmpty()) {
            return values.toString();
        }
        Map<String, Object> all = new LinkedHashMap<>(values);
        all.putAll(extras);
        return all.toString();
    }
}
