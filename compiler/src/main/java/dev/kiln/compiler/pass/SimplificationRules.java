package dev.kiln.compiler.pass;

import dev.kiln.compiler.pass.RuleMatch.Rewrite;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.IntTuple;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The algebraic simplification rules as a table: each names the op it applies to and turns a match into a rewrite,
 * or {@code null} where it does not apply. Every rewrite computes exactly what the node computed (same shape, same
 * dtype, same values, the sign of zero included), and a rule that relies on
 * inferred dims rather than ranks applies only with static shapes.
 */
final class SimplificationRules {
    /**
     * One rule: {@code pattern} says in words what it matches and what it becomes.
     *
     * @param op      the op name (as registered, not an alias) of the nodes it applies to
     * @param pattern the rewrite in words, e.g. {@code _mul_scalar(x, 1) -> x}
     * @param rewrite the rewrite of a match, or {@code null}
     */
    record Rule(String op, String pattern, Function<RuleMatch, Rewrite> rewrite) {
    }

    /** Ops that only relabel their input's elements in row-major order, which a later Reshape makes irrelevant. */
    private static final List<String> RELABELLING = List.of("Reshape", "Flatten", "expand_dims", "squeeze");

    static final List<Rule> RULES = List.of(
            new Rule("_mul_scalar", "x * 1 -> x", m -> m.scalarIs(1) && m.keepsDType() ? m.identity() : null),
            new Rule("_div_scalar", "x / 1 -> x", m -> m.scalarIs(1) && m.keepsDType() ? m.identity() : null),
            // -0.0 + 0 is 0.0, so on floats x + 0 is not x (its sign shows in 1 / x); x - 0 is x
            new Rule("_plus_scalar", "x + 0 -> x for integer x", m -> m.scalarIs(0) && m.keepsDType()
                    && !m.inputType(0).isFloating() ? m.identity() : null),
            new Rule("_minus_scalar", "x - 0 -> x", m -> m.scalarIs(0) && m.keepsDType() ? m.identity() : null),
            new Rule("_copy", "_copy(x) -> x", RuleMatch::identity),
            new Rule("BlockGrad", "BlockGrad(x) -> x when no gradient is built from the graph",
                    m -> m.ctx().differentiated() ? null : m.identity()),
            new Rule("Dropout", "Dropout(x) -> x when it drops nothing (predict mode, p = 0)",
                    SimplificationRules::inactive),
            new Rule("_contrib_DropBlock", "DropBlock(x) -> x when it drops nothing (predict mode, p = 0)",
                    SimplificationRules::inactive),
            new Rule("Cast", "Cast(x, dtype) -> x when x has that dtype",
                    m -> m.attr("dtype") == m.inputType(0) && m.inputType(0) != null ? m.identity() : null),
            new Rule("Flatten", "Flatten(x) -> x for 2-D x", m -> m.inputRank(0) == 2 ? m.identity() : null),
            new Rule("Reshape", "Reshape(x) -> x when it keeps x's shape", SimplificationRules::reshapeNoop),
            new Rule("Reshape", "Reshape(Reshape|Flatten|expand_dims|squeeze(x)) -> Reshape(x)",
                    SimplificationRules::reshapeOfRelabel),
            new Rule("reshape_like", "reshape_like(x, y) -> x when x already has y's shape (static shapes)",
                    SimplificationRules::reshapeLikeNoop),
            new Rule("transpose", "transpose(x, identity axes) -> x", SimplificationRules::transposeNoop),
            new Rule("transpose", "transpose(transpose(x, a), b) -> transpose(x, a[b]), or x if that is the identity",
                    SimplificationRules::transposeOfTranspose));

    private SimplificationRules() {
    }

    /** A Dropout-like op that is not random in this mode copies its input. */
    private static Rewrite inactive(RuleMatch m) {
        OpNode n = m.node();
        return n.op().isRandom(n.params(), m.ctx().training()) ? null : m.identity();
    }

    private static Rewrite reshapeNoop(RuleMatch m) {
        int[] spec = RuleMatch.ints(m.attr("shape"));
        if (spec.length == 0) {
            return null; // the legacy target_shape form
        }
        boolean copiesEveryDim = spec.length == m.inputRank(0) && Arrays.stream(spec).allMatch(d -> d == 0);
        return copiesEveryDim || keepsShapeForGood(m) ? m.identity() : null;
    }

    private static Rewrite reshapeLikeNoop(RuleMatch m) {
        return keepsShapeForGood(m) ? m.identity() : null;
    }

    /** True if shapes are static and output 0 has input 0's known shape. */
    private static boolean keepsShapeForGood(RuleMatch m) {
        Shape in = m.inputShape(0);
        return m.ctx().staticShapes() && in != null && in.isKnown() && in.equals(m.outputShape(0));
    }

    /**
     * A Reshape whose spec does not refer to its input's dims (only sizes and one -1) gives the same result from any
     * relabelling of the same elements; with static shapes any outer Reshape does, given its inferred shape.
     */
    private static Rewrite reshapeOfRelabel(RuleMatch m) {
        OpNode inner = m.producerApplying(0, RELABELLING);
        int[] spec = RuleMatch.ints(m.attr("shape"));
        if (inner == null || spec.length == 0) {
            return null;
        }
        if (Arrays.stream(spec).allMatch(d -> d > 0 || d == -1)) {
            return m.rewired(inner.inputs().get(0));
        }
        Shape out = m.outputShape(0);
        if (m.ctx().staticShapes() && out != null && out.isKnown()) {
            return m.sameOp(inner.inputs().get(0), Map.of("shape", IntTuple.of(out.dims())));
        }
        return null;
    }

    private static Rewrite transposeNoop(RuleMatch m) {
        int[] axes = axes(m.attr("axes"), m.inputRank(0));
        return axes != null && isIdentity(axes) ? m.identity() : null;
    }

    /** Output axis i of the outer transpose is inner axis b[i], which is axis a[b[i]] of x. */
    private static Rewrite transposeOfTranspose(RuleMatch m) {
        OpNode inner = m.producerApplying(0, List.of("transpose"));
        int rank = m.inputRank(0);
        if (inner == null || rank < 0) {
            return null;
        }
        int[] a = axes(inner.params().values().get("axes"), rank);
        int[] b = axes(m.attr("axes"), rank);
        if (a == null || b == null) {
            return null;
        }
        int[] c = new int[rank];
        for (int i = 0; i < rank; i++) {
            c[i] = a[b[i]];
        }
        if (isIdentity(c)) {
            return new Rewrite.Forward(inner.inputs().get(0));
        }
        return m.sameOp(inner.inputs().get(0), Map.of("axes", IntTuple.of(c)));
    }

    /** A transpose's axes normalised to {@code [0, rank)}; empty means reversed; {@code null} if rank is unknown. */
    private static int[] axes(Object tuple, int rank) {
        if (rank < 0) {
            return null;
        }
        int[] axes = RuleMatch.ints(tuple);
        if (axes.length == 0) {
            axes = new int[rank];
            for (int i = 0; i < rank; i++) {
                axes[i] = rank - 1 - i;
            }
            return axes;
        }
        if (axes.length != rank) {
            return null;
        }
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = axes[i] < 0 ? axes[i] + rank : axes[i];
        }
        return out;
    }

    private static boolean isIdentity(int[] axes) {
        for (int i = 0; i < axes.length; i++) {
            if (axes[i] != i) {
                return false;
            }
        }
        return true;
    }
}
