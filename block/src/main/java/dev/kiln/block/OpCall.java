package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.OpBackend;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An op applied by name with fixed attributes, as {@code Lambda("tanh")} and {@code HybridLambda("tanh")} do: the
 * name and attributes are checked against the op registry when the block is made, and a variadic op
 * ({@code concat}) gets {@code num_args} from the number of inputs unless given.
 *
 * @param op          the op's MXNet name or alias
 * @param attrs       its attributes, by MXNet name
 * @param fillNumArgs whether {@code num_args} is filled in per call
 */
record OpCall(String op, Map<String, Object> attrs, boolean fillNumArgs) {
    private static final String NUM_ARGS = "num_args";

    /** Checks {@code op} and {@code attrs}; {@code owner} names the block class in the error. */
    static OpCall of(String owner, String op, Map<String, ?> attrs) {
        if (op == null || op.isEmpty()) {
            throw new IllegalArgumentException(owner + " needs an op name or a function");
        }
        OpDef def;
        try {
            def = OpRegistry.global().get(op);
        } catch (KilnException e) {
            throw new IllegalArgumentException(owner + "('" + op + "'): " + e.getMessage()
                    + " (the name is an op of the registry, as in MXNet's nd/sym namespaces)", e);
        }
        Map<String, Object> given = new LinkedHashMap<>(attrs);
        boolean fill = !given.containsKey(NUM_ARGS)
                && def.attrSpecs().stream().map(AttrSpec::name).anyMatch(NUM_ARGS::equals);
        Map<String, Object> check = new LinkedHashMap<>(given);
        if (fill) {
            check.put(NUM_ARGS, 1);
        }
        try {
            def.attrs(check);
        } catch (KilnException e) {
            throw new IllegalArgumentException(owner + "('" + op + "'): " + e.getMessage(), e);
        }
        return new OpCall(op, java.util.Collections.unmodifiableMap(given), fill);
    }

    /** The op's outputs on {@code inputs}, through {@code backend}. */
    <T> List<T> apply(OpBackend<T> backend, List<T> inputs) {
        if (!fillNumArgs) {
            return backend.apply(op, attrs, inputs);
        }
        Map<String, Object> a = new LinkedHashMap<>(attrs);
        a.put(NUM_ARGS, inputs.size());
        return backend.apply(op, a, inputs);
    }
}
