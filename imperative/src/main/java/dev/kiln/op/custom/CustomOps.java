package dev.kiln.op.custom;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The custom operator types, by name, as MXNet's {@code mx.operator.register}. A registered type is applied through
 * the registry op {@code Custom} with attribute {@code op_type} (eagerly here, and in graphs the same way); its
 * other attributes are handed to the factory as strings, as MXNet passes keyword arguments:
 *
 * <pre>{@code
 * CustomOps.register("scaled_fc", kwargs -> new ScaledFcProp(kwargs));
 * NDArray y = CustomOps.call("scaled_fc", Map.of("num_hidden", 3, "k", 0.5), x, w, b, label);
 * // the same as Ops.call("Custom", Map.of("op_type", "scaled_fc", "num_hidden", 3, "k", 0.5), x, w, b, label)
 * }</pre>
 */
public final class CustomOps {
    private static final Map<String, Registration> REGISTERED = new ConcurrentHashMap<>();

    /** A factory and the props it built, one per distinct set of keyword arguments. */
    private record Registration(Function<Map<String, String>, CustomOpProp> factory,
                                Map<Map<String, String>, CustomOpProp> props) {
    }

    private CustomOps() {
    }

    /**
     * Registers (or replaces) the custom operator type {@code opType}. The factory receives the call's keyword
     * arguments other than {@code op_type}, as strings; its prop is kept and reused for calls with the same ones.
     */
    public static void register(String opType, Function<Map<String, String>, CustomOpProp> factory) {
        if (opType == null || opType.isEmpty()) {
            throw new KilnException("CustomOps.register: the op type must be a non-empty name");
        }
        REGISTERED.put(opType, new Registration(factory, new ConcurrentHashMap<>()));
    }

    /** True if {@code opType} has been registered. */
    public static boolean isRegistered(String opType) {
        return REGISTERED.containsKey(opType);
    }

    /** Applies the custom operator {@code opType} and returns its only output. */
    public static NDArray call(String opType, Map<String, ?> kwargs, NDArray... inputs) {
        return Ops.call("Custom", withOpType(opType, kwargs), inputs);
    }

    /** Applies the custom operator {@code opType} and returns all its outputs. */
    public static List<NDArray> invoke(String opType, Map<String, ?> kwargs, NDArray... inputs) {
        return Ops.invoke("Custom", withOpType(opType, kwargs), inputs);
    }

    private static Map<String, Object> withOpType(String opType, Map<String, ?> kwargs) {
        Map<String, Object> attrs = new LinkedHashMap<>(kwargs);
        attrs.put("op_type", opType);
        return attrs;
    }

    /** The prop for the op type and keyword arguments of a {@code Custom} or {@code _backward_Custom} call. */
    static CustomOpProp prop(Attrs attrs) {
        String opType = attrs.get(CustomOpDef.OP_TYPE);
        Registration r = REGISTERED.get(opType);
        if (r == null) {
            throw OpRegistry.global().get("Custom").error("no custom operator type '" + opType + "' is registered "
                    + "(registered: " + new TreeSet<>(REGISTERED.keySet()) + "); register it first with "
                    + "CustomOps.register(\"" + opType + "\", kwargs -> new MyProp(...))");
        }
        return r.props().computeIfAbsent(attrs.extras(), kwargs -> {
            CustomOpProp p = r.factory().apply(kwargs);
            if (p == null) {
                throw new KilnException("custom op '" + opType + "': the registered factory returned null for "
                        + kwargs);
            }
            return p;
        });
    }
}
