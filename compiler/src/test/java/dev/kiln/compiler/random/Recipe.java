package dev.kiln.compiler.random;

import dev.kiln.compiler.random.GraphBuilder.Fresh;
import dev.kiln.compiler.random.GraphBuilder.Input;
import dev.kiln.compiler.random.GraphBuilder.Proposal;
import dev.kiln.compiler.random.GraphBuilder.Use;
import dev.kiln.compiler.random.GraphBuilder.Value;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * How the generator applies one op: proposes a node (attributes and inputs) on the graph built so far, or null when
 * the graph has no value it fits. Proposals need not be valid; {@link GraphBuilder#tryAdd} keeps only those that
 * shape and dtype inference and the kernel accept.
 */
@FunctionalInterface
interface Recipe {
    Proposal propose(GraphBuilder b);

    /** Inputs that are an op's learned parameters: new variables whose shapes inference finds from the data. */
    Set<String> PARAMETERS = Set.of("weight", "bias", "gamma", "beta", "moving_mean", "moving_var", "parameters");

    /**
     * The common recipe: the first input is a value {@code first} accepts, attributes come from {@code attrs} (given
     * that value), and the other inputs follow {@link #inputsFor}.
     */
    static Recipe simple(String opName, Predicate<Value> first, BiFunction<GraphBuilder, Value, Map<String, Object>> attrs) {
        OpDef op = OpRegistry.global().get(opName);
        return b -> {
            Value x = b.any(first);
            if (x == null) {
                return null;
            }
            Map<String, Object> a = attrs.apply(b, x);
            if (a == null) {
                return null;
            }
            return new Proposal(op, a, inputsFor(b, op, a, x));
        };
    }

    /** {@link #simple} with attributes drawn from the op's declarations ({@link #randomAttrs}). */
    static Recipe simple(String opName, Predicate<Value> first) {
        OpDef op = OpRegistry.global().get(opName);
        return simple(opName, first, (b, x) -> randomAttrs(b.rnd, op));
    }

    /**
     * Inputs for {@code op} whose first is {@code x}: parameters are new variables (positive for variances), other
     * inputs are shaped like {@code x} most of the time, else broadcastable to it, else any value.
     */
    static List<Input> inputsFor(GraphBuilder b, OpDef op, Map<String, Object> attrs, Value x) {
        List<String> names = op.inputNames(op.attrs(attrs));
        List<Input> in = new ArrayList<>();
        in.add(new Use(x));
        for (String name : names.subList(1, names.size())) {
            if (PARAMETERS.contains(name)) {
                in.add(new Fresh(null, null, name.endsWith("var") ? Domain.POSITIVE : Domain.SIGNED));
            } else {
                int k = b.rnd.nextInt(6);
                in.add(k < 4 ? b.like(x.shape(), x.dtype(), Domain.SIGNED)
                        : k == 4 ? new Fresh(broadcastable(b.rnd, x.shape()), x.dtype(), Domain.SIGNED)
                        : new Use(b.any()));
            }
        }
        return in;
    }

    /**
     * Attributes from the op's declarations where the domain is simple: a choice among a fixed set (half the time),
     * a bool (a third of the time); everything else keeps its default.
     */
    static Map<String, Object> randomAttrs(Random rnd, OpDef op) {
        Map<String, Object> a = new LinkedHashMap<>();
        for (AttrSpec<?> s : op.attrSpecs()) {
            String type = s.type().name();
            if (type.startsWith("{") && rnd.nextBoolean()) {
                String[] choices = type.substring(1, type.length() - 1).split(", ");
                a.put(s.name(), choices[rnd.nextInt(choices.length)]);
            } else if (s.type() == AttrType.BOOL && rnd.nextInt(3) == 0) {
                a.put(s.name(), rnd.nextBoolean());
            }
        }
        return a;
    }

    /** A shape that broadcasts to {@code s}: some dims set to 1, sometimes leading axes dropped. */
    static Shape broadcastable(Random rnd, Shape s) {
        int drop = s.rank() > 1 && rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(s.rank() - 1) : 0;
        int[] d = new int[s.rank() - drop];
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextInt(3) == 0 ? 1 : s.get(i + drop);
        }
        return Shape.of(d);
    }

    /** A random axis of a rank-{@code r} value, negative half the time. */
    static int axis(Random rnd, int r) {
        int a = rnd.nextInt(r);
        return rnd.nextBoolean() ? a : a - r;
    }

    /** A random small shape of rank {@code r} (dims 1 to {@code max}). */
    static Shape shape(Random rnd, int r, int max) {
        int[] d = new int[r];
        for (int i = 0; i < r; i++) {
            d[i] = 1 + rnd.nextInt(max);
        }
        return Shape.of(d);
    }

    /** Any value whose dtype is floating point. */
    Predicate<Value> FLOAT = Value::isFloat;
    /** Any value, integer ones included (graphs have few). */
    Predicate<Value> ANY = v -> true;

    /** A map of alternating names and values. */
    static Map<String, Object> attrs(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }
}
