package dev.kiln.compiler.pass;

import dev.kiln.compiler.pass.RuleMatch.Rewrite;
import dev.kiln.compiler.pass.SimplificationRules.Rule;
import dev.kiln.graph.Entry;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.IntTuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inference-time folding rules, as tables for the rule-driven pass ({@link AlgebraicSimplification}). They move
 * arithmetic from the per-call data path onto values that depend only on parameters and constants
 * ({@link ParameterDependence}), which the parameter stage then computes once. Unlike {@link SimplificationRules} they
 * change rounding (a product of scales is rounded once instead of applied twice), so the folded graph agrees with the
 * unfolded one within float tolerance, not bit for bit. They fire only for a producer nobody else reads.
 */
final class FoldingRules {
    private static final List<String> LINEAR = List.of("Convolution", "FullyConnected", "Deconvolution");
    private static final List<String> MUL = List.of("broadcast_mul", "elemwise_mul");
    private static final List<String> ADD = List.of("broadcast_add", "elemwise_add");

    /**
     * {@code fold-batchnorm}: BatchNorm in inference after the Convolution, FullyConnected or (one-group)
     * Deconvolution it normalises.
     */
    static final List<Rule> BATCH_NORM = List.of(
            new Rule("BatchNorm", "BatchNorm(layer(x, W, b), gamma, beta, mean, var) -> "
                    + "layer(x, W * s, (b - mean) * s + beta), s = gamma / sqrt(var + eps) along W's output axis",
                    FoldingRules::batchNorm));

    /** {@code fold-scale}: scale and bias chains with parameter operands, and per-channel ones after a layer. */
    static final List<Rule> SCALE_BIAS = rules();

    private FoldingRules() {
    }

    private static List<Rule> rules() {
        List<Rule> rules = new ArrayList<>();
        for (String mul : MUL) {
            rules.add(new Rule(mul, "(x * a) * c -> x * (a * c)", FoldingRules::mulOfMul));
            rules.add(new Rule(mul, "(x + b) * c -> x * c + b * c", FoldingRules::mulOfAdd));
            rules.add(new Rule(mul, "layer(x, W, b) * s -> layer(x, W * s, b * s), s per output channel",
                    FoldingRules::layerTimesScale));
        }
        for (String add : ADD) {
            rules.add(new Rule(add, "(x + b) + d -> x + (b + d)", FoldingRules::addOfAdd));
            rules.add(new Rule(add, "layer(x, W, b) + t -> layer(x, W, b + t), t per output channel",
                    FoldingRules::layerPlusBias));
        }
        rules.add(new Rule("_mul_scalar", "(x * a) * c -> x * (a c) on scalars", m -> scalarChain(m, true)));
        rules.add(new Rule("_mul_scalar", "(x + b) * c -> x * c + b c on scalars", FoldingRules::scalarMulOfAdd));
        rules.add(new Rule("_plus_scalar", "(x + a) + b -> x + (a + b) on scalars", m -> scalarChain(m, false)));
        return List.copyOf(rules);
    }

    // ---- BatchNorm ---------------------------------------------------------------------------------------------

    private static Rewrite batchNorm(RuleMatch m) {
        OpNode layer = m.producerApplying(0, LINEAR);
        DType t = m.inputType(0);
        if (layer == null || m.readers(0) != 1 || !m.hiddenUnread() || !isFloat(t) || m.inputType(1) != t) {
            return null;
        }
        int rank = m.inputRank(0);
        int axis = ((Number) m.attr("axis")).intValue();
        if (rank < 0 || (axis < 0 ? axis + rank : axis) != channelAxis(layer, rank)) {
            return null;
        }
        Shape w = m.producerInputShape(0, 1);
        if (w == null || !w.isRankKnown()) {
            return null;
        }
        Entry gamma = m.input(1);
        Entry beta = m.input(2);
        Entry mean = m.input(3);
        Entry var = m.input(4);
        Entry inv = m.emit("inv_std", "rsqrt", Map.of(),
                m.emit("var_eps", "_plus_scalar", Map.of("scalar", m.attr("eps")), var));
        Entry s = Boolean.TRUE.equals(m.attr("fix_gamma")) ? inv : m.emit("scale", "broadcast_mul", Map.of(), gamma,
                inv);
        Entry b = hasBias(layer)
                ? m.emit("bias", "broadcast_add", Map.of(), m.emit("shift", "broadcast_mul", Map.of(),
                m.emit("centred", "broadcast_sub", Map.of(), layer.inputs().get(2), mean), s), beta)
                : m.emit("bias", "broadcast_sub", Map.of(), beta, m.emit("shift", "broadcast_mul", Map.of(), mean, s));
        return new Rewrite.Forward(foldedLayer(m, layer, w.rank(), s, b));
    }

    /**
     * The axis of a layer's output that holds its output channels (its weight's axis {@link #weightChannelAxis}), or
     * -1 if not folded: a Deconvolution of several groups spreads an output channel's weights over the groups' rows.
     */
    private static int channelAxis(OpNode layer, int outRank) {
        if (layer.op().name().equals("FullyConnected")) {
            return Boolean.TRUE.equals(layer.params().values().get("flatten")) ? 1 : outRank - 1;
        }
        Object groups = layer.params().values().getOrDefault("num_group", 1);
        if (isDeconvolution(layer) && ((Number) groups).intValue() != 1) {
            return -1;
        }
        Object layout = layer.params().values().get("layout");
        return layout == null || layout.toString().startsWith("NC") ? 1 : -1;
    }

    /** The axis of a layer's weight along its output channels: 1 for a Deconvolution's (in, out, kernel...). */
    private static int weightChannelAxis(OpNode layer) {
        return isDeconvolution(layer) ? 1 : 0;
    }

    private static boolean isDeconvolution(OpNode layer) {
        return layer.op().name().equals("Deconvolution");
    }

    private static boolean hasBias(OpNode layer) {
        return !Boolean.TRUE.equals(layer.params().values().get("no_bias"));
    }

    /**
     * Adds {@code layer} again with its weight scaled by {@code scale} (a per-output-channel vector, or {@code null}
     * for none) along its output axis ({@link #weightChannelAxis}) and {@code bias} as its bias (or its own bias when
     * {@code null}), under its name and annotations; returns its output.
     */
    private static Entry foldedLayer(RuleMatch m, OpNode layer, int weightRank, Entry scale, Entry bias) {
        List<Entry> in = new ArrayList<>(layer.inputs().subList(0, 2));
        if (scale != null) {
            int[] spec = new int[weightRank];
            Arrays.fill(spec, 1);
            spec[weightChannelAxis(layer)] = -1;
            Entry column = m.emit("scale_w", "Reshape", Map.of("shape", IntTuple.of(spec)), scale);
            in.set(1, m.emit("weight", "broadcast_mul", Map.of(), in.get(1), column));
        }
        Entry b = bias != null ? bias : hasBias(layer) ? layer.inputs().get(2) : null;
        Map<String, Object> attrs = new LinkedHashMap<>(layer.params().toMXNetStrings(layer.op()));
        if (b != null) {
            in.add(b);
            attrs.put("no_bias", false);
        }
        return m.emitNode(new OpNode(layer.name(), layer.op(), layer.op().attrs(attrs), in, layer.attrs()));
    }

    // ---- per-channel scale and bias after a layer --------------------------------------------------------------

    /** The input of a binary op that is fixed (depends only on parameters) while the other is not, or -1. */
    private static int fixedSide(RuleMatch m) {
        boolean f0 = m.isFixed(m.input(0));
        boolean f1 = m.isFixed(m.input(1));
        return f0 == f1 ? -1 : f0 ? 0 : 1;
    }

    /** True if the node, its inputs and output share one floating dtype. */
    private static boolean sameFloat(RuleMatch m) {
        DType t = m.outputType(0);
        return isFloat(t) && m.inputType(0) == t && m.inputType(1) == t;
    }

    private static boolean isFloat(DType t) {
        return t == DType.FLOAT32 || t == DType.FLOAT64;
    }

    /**
     * The fixed operand of a layer-reading binary op as a vector of one value per output channel (or one value),
     * or {@code null} when the op does not read a layer's unshared output with such an operand.
     */
    private static Entry channelVector(RuleMatch m, int side, OpNode layer) {
        int data = 1 - side;
        Shape v = m.inputShape(side);
        Shape out = m.inputShape(data);
        if (layer == null || m.readers(data) != 1 || !sameFloat(m) || v == null || !v.isKnown() || out == null
                || !out.isRankKnown() || v.rank() > out.rank() || m.producerInputType(data, 1) != m.outputType(0)) {
            return null;
        }
        int axis = channelAxis(layer, out.rank());
        if (axis < 0) {
            return null;
        }
        for (int d = 0; d < v.rank(); d++) {
            int outAxis = out.rank() - v.rank() + d;
            if (v.get(d) != 1 && (outAxis != axis || out.isKnown() && v.get(d) != out.get(axis))) {
                return null;
            }
        }
        return v.rank() == 1 ? m.input(side) : m.emit("channels", "Reshape", Map.of("shape", IntTuple.of(-1)),
                m.input(side));
    }

    private static Rewrite layerTimesScale(RuleMatch m) {
        int side = fixedSide(m);
        OpNode layer = side < 0 ? null : m.producerApplying(1 - side, LINEAR);
        Shape w = layer == null ? null : m.producerInputShape(1 - side, 1);
        Entry s = w == null || !w.isRankKnown() ? null : channelVector(m, side, layer);
        if (s == null) {
            return null;
        }
        Entry b = hasBias(layer) ? m.emit("bias", "broadcast_mul", Map.of(), layer.inputs().get(2), s) : null;
        return new Rewrite.Forward(foldedLayer(m, layer, w.rank(), s, b));
    }

    private static Rewrite layerPlusBias(RuleMatch m) {
        int side = fixedSide(m);
        OpNode layer = side < 0 ? null : m.producerApplying(1 - side, LINEAR);
        Entry t = layer == null ? null : channelVector(m, side, layer);
        if (t == null) {
            return null;
        }
        Entry b;
        if (hasBias(layer)) {
            b = m.emit("bias", "broadcast_add", Map.of(), layer.inputs().get(2), t);
        } else {
            Shape v = m.inputShape(side);
            if (v.size() == 1) {
                return null; // a bias needs one value per channel; a single value cannot stand for it here
            }
            b = t;
        }
        return new Rewrite.Forward(foldedLayer(m, layer, 0, null, b));
    }

    // ---- chains ------------------------------------------------------------------------------------------------

    /**
     * For {@code op(inner(x, a), c)} with {@code c} fixed, {@code inner} one of {@code innerOps} read only here with
     * a fixed operand {@code a} and a non-fixed {@code x}: {@code {x, a, c}}; else {@code null}.
     */
    private static Entry[] chain(RuleMatch m, List<String> innerOps) {
        int side = fixedSide(m);
        if (side < 0 || !sameFloat(m) || m.readers(1 - side) != 1) {
            return null;
        }
        OpNode inner = m.producerApplying(1 - side, innerOps);
        if (inner == null || m.producerInputType(1 - side, 0) != m.outputType(0)
                || m.producerInputType(1 - side, 1) != m.outputType(0)) {
            return null;
        }
        Entry i0 = inner.inputs().get(0);
        Entry i1 = inner.inputs().get(1);
        boolean f0 = m.isFixed(i0);
        if (f0 == m.isFixed(i1)) {
            return null;
        }
        return f0 ? new Entry[] {i1, i0, m.input(side)} : new Entry[] {i0, i1, m.input(side)};
    }

    private static Rewrite mulOfMul(RuleMatch m) {
        Entry[] c = chain(m, MUL);
        return c == null ? null : replace(m, "broadcast_mul", c[0], m.emit("scale", "broadcast_mul", Map.of(), c[1],
                c[2]));
    }

    private static Rewrite addOfAdd(RuleMatch m) {
        Entry[] c = chain(m, ADD);
        return c == null ? null : replace(m, "broadcast_add", c[0], m.emit("shift", "broadcast_add", Map.of(), c[1],
                c[2]));
    }

    private static Rewrite mulOfAdd(RuleMatch m) {
        Entry[] c = chain(m, ADD);
        if (c == null) {
            return null;
        }
        Entry scaled = m.emit("scaled", "broadcast_mul", Map.of(), c[0], c[2]);
        return replace(m, "broadcast_add", scaled, m.emit("shift", "broadcast_mul", Map.of(), c[1], c[2]));
    }

    /** The node replaced, under its name, by the broadcast op {@code op} of {@code a} and {@code b}. */
    private static Rewrite replace(RuleMatch m, String op, Entry a, Entry b) {
        return m.replacedBy(op, Map.of(), a, b);
    }

    /** {@code (x op a) op c -> x op (a op c)} for {@code _mul_scalar} ({@code mul}) or {@code _plus_scalar}. */
    private static Rewrite scalarChain(RuleMatch m, boolean mul) {
        OpNode inner = m.producerApplying(0, List.of(mul ? "_mul_scalar" : "_plus_scalar"));
        if (inner == null || !scalarFoldable(m)) {
            return null;
        }
        double a = (Double) inner.params().values().get("scalar");
        double c = (Double) m.attr("scalar");
        return m.sameOp(inner.inputs().get(0), Map.of("scalar", mul ? a * c : a + c));
    }

    /** {@code (x + b) * c -> (x * c) + b c} on scalars, so that a following multiplication meets the first. */
    private static Rewrite scalarMulOfAdd(RuleMatch m) {
        OpNode inner = m.producerApplying(0, List.of("_plus_scalar"));
        if (inner == null || !scalarFoldable(m)) {
            return null;
        }
        double b = (Double) inner.params().values().get("scalar");
        double c = (Double) m.attr("scalar");
        Entry scaled = m.emit("scaled", "_mul_scalar", Map.of("scalar", c), inner.inputs().get(0));
        return m.replacedBy("_plus_scalar", Map.of("scalar", b * c), scaled);
    }

    /** A scalar op on a float input that keeps its dtype, reading a producer nobody else reads. */
    private static boolean scalarFoldable(RuleMatch m) {
        return m.readers(0) == 1 && m.keepsDType() && isFloat(m.inputType(0))
                && m.producerInputType(0, 0) == m.inputType(0);
    }
}
