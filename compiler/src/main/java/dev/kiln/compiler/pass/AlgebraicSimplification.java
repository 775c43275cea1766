package dev.kiln.compiler.pass;

import dev.kiln.compiler.pass.RuleMatch.Rewrite;
import dev.kiln.compiler.pass.SimplificationRules.Rule;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code simplify}: applies the rule table of {@link SimplificationRules} (identities such as {@code x * 1},
 * {@code _copy}, same-dtype casts, reshape and transpose chains) node by node, the first matching rule of a node's op
 * winning, and sweeps again while a sweep changed something (a rewrite may enable another), up to
 * {@value #MAX_SWEEPS} sweeps. A node that would disappear into a variable, a constant or another output while it is
 * itself a graph output stays, and so does one whose hidden outputs something reads. A graph a gradient will be built
 * from ({@link PassContext#differentiated()}) is left alone: a value that disappears into its input adds its readers'
 * gradients to the input's in another grouping than the graph as traced, which rounds differently; the pipeline on the
 * forward and backward graph together simplifies without that change.
 */
final class AlgebraicSimplification implements Pass {
    static final int MAX_SWEEPS = 4;

    private final Map<String, List<Rule>> rulesByOp = new HashMap<>();

    AlgebraicSimplification() {
        for (Rule r : SimplificationRules.RULES) {
            rulesByOp.computeIfAbsent(r.op(), k -> new ArrayList<>()).add(r);
        }
    }

    @Override
    public String name() {
        return "simplify";
    }

    @Override
    public Graph apply(Graph graph, PassContext ctx) {
        if (ctx.differentiated()) {
            return graph;
        }
        Graph g = graph;
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            Graph next = sweep(g, ctx);
            if (next == g) {
                break;
            }
            g = next;
        }
        return g;
    }

    private Graph sweep(Graph graph, PassContext ctx) {
        InferenceResult<Shape> shapes = ctx.shapes(graph);
        InferenceResult<DType> types = ctx.types(graph);
        int[][] reads = GraphRewriter.readCounts(graph);
        GraphRewriter r = new GraphRewriter(graph);
        boolean changed = false;
        for (int i = 0; i < graph.size(); i++) {
            Rewrite rw = graph.node(i) instanceof OpNode op ? rewrite(graph, i, op, r, ctx, shapes, types) : null;
            if (rw instanceof Rewrite.Forward f && hiddenUnread(reads[i]) && r.mayForward(i, f.target())) {
                r.forward(i, f.target());
                changed = true;
            } else if (rw instanceof Rewrite.Replace p) {
                r.put(i, p.node());
                changed = true;
            } else {
                r.keep(i);
            }
        }
        return changed ? r.build() : graph;
    }

    private Rewrite rewrite(Graph graph, int i, OpNode op, GraphRewriter r, PassContext ctx,
                            InferenceResult<Shape> shapes, InferenceResult<DType> types) {
        List<Rule> rules = rulesByOp.get(op.op().name());
        if (rules == null) {
            return null;
        }
        RuleMatch m = new RuleMatch(graph, i, r, ctx, shapes, types);
        for (Rule rule : rules) {
            Rewrite rw = rule.rewrite().apply(m);
            if (rw != null) {
                return rw;
            }
        }
        return null;
    }

    private static boolean hiddenUnread(int[] reads) {
        for (int k = 1; k < reads.length; k++) {
            if (reads[k] > 0) {
                return false;
            }
        }
        return true;
    }
}
