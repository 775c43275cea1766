package dev.kiln.op.conv;

import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;
import dev.kiln.op.Gradient;
import dev.kiln.op.OpDef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A spatial op's gradient as an op of its own, named as MXNet names it ({@code _backward_Convolution},
 * {@code _backward_contrib_BilinearResize2D}): it takes the forward op's attributes, the output gradient first and
 * then the forward values it needs (the forward inputs among them, so its output shapes follow from its inputs), and
 * returns one gradient per forward input. Its inputs and gradients share one floating dtype. It has no gradient of its
 * own unless a subclass gives one.
 */
abstract class SpatialBackwardOp extends FloatingOp {
    private final OpDef forward;

    SpatialBackwardOp(OpDef forward, List<String> inputs) {
        this(forward, backwardName(forward), inputs);
    }

    /** A gradient op of {@code forward} under another name (a fused variant the compiler emits). */
    SpatialBackwardOp(OpDef forward, String name, List<String> inputs) {
        super(name, forward.family(), inputs, forward.attrSpecs());
        this.forward = forward;
    }

    /** MXNet's name for the gradient op of {@code forward}: {@code _backward_} and the name without its underscore. */
    static String backwardName(OpDef forward) {
        String n = forward.name();
        return "_backward_" + (n.startsWith("_") ? n.substring(1) : n);
    }

    /** The forward op whose attributes and checks this op shares. */
    OpDef forward() {
        return forward;
    }

    @Override
    public String doc() {
        return "gradient of " + forward.name();
    }

    @Override
    public boolean isDifferentiable() {
        return false;
    }

    @Override
    public boolean hasZeroGradient() {
        return false;
    }

    /** {@code ograd} followed by the forward values it needs, as this op's input names. */
    static List<String> withOutGrad(List<String> forwardValues) {
        List<String> names = new ArrayList<>(forwardValues.size() + 1);
        names.add("ograd");
        names.addAll(forwardValues);
        return names;
    }

    /**
     * Applies the backward op of the rule's forward op to {@code inputs}, passing on the attributes the forward call
     * was given, and returns all its outputs.
     */
    @SafeVarargs
    static <T> List<T> applyBackward(Gradient<T> g, T... inputs) {
        return applyBackward(g, List.of(inputs));
    }

    /** {@link #applyBackward(Gradient, Object[])} on a list of inputs. */
    static <T> List<T> applyBackward(Gradient<T> g, List<T> inputs) {
        return g.backend().apply(backwardName(g.op()), givenAttrs(g.op(), g.attrs()), inputs);
    }

    /** The attributes a call gave explicitly, as Java values (defaults are filled in again on the other side). */
    static Map<String, Object> givenAttrs(OpDef op, Attrs attrs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (AttrSpec<?> s : op.attrSpecs()) {
            if (attrs.isExplicit(s)) {
                out.put(s.name(), attrs.values().get(s.name()));
            }
        }
        return out;
    }
}
