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
 * A pass driven by a rule table. As {@code simplify} it applies {@link SimplificationRules} (identities such as
 * {@code x * 1}, {@code _copy}, same-dtype casts, reshape and transpose chains); as {@code fold-batchnorm} and
 * {@code fold-scale} the inference-only tables of {@link FoldingRules}. Rules apply node by node, the first matching
 * rule of a node's op winning, and the pass sweeps again while a sweep changed something (a rewrite may enable
 * another), up to {@value #MAX_SWEEPS} sweeps. A node that would disappear into a variable, a constant or another
 * output while it is itself a graph output stays, and so does one whose hidden outputs something reads. Tables whose
 * rules add helper nodes leave the nodes they bypass unread; the pass drops them after each sweep
 * ({@link DeadCodeElimination}). A graph a gradient will be built from ({@link PassContext#differentiated()}) is left
 * alone: a value that disappears into its input adds its readers' gradients to the input's in another grouping than
 * the graph as traced, which rounds differently; the pipeline on the forward and backward graph together simplifies
 * without that change.
 */
final class AlgebraicSimplification implements Pass {
    static final int MAX_SWEEPS = 4;
    private static final Pass DCE = new DeadCodeElimination();

    private final String name;
    private final boolean inferenceOnly;
    private final Map<String, List<Rule>> rulesByOp = new HashMap<>();

    /** {@code simplify}: the exact rewrites of {@link SimplificationRules}, in every mode. */
    AlgebraicSimplification() {
        this("simplify", SimplificationRules.RULES, false);
    }

    /**
     * A pass called {@code name} applying {@code rules}; with {@code inferenceOnly} it changes nothing in training or
     * when a gradient graph will be built from the result.
     */
    AlgebraicSimplification(String name, List<Rule> rules, boolean inferenceOnly) {
        this.name = name;
        this.inferenceOnly = inferenceOnly;
        for (Rule r : rules) {
            rulesByOp.computeIfAbsent(r.op(), k -> new ArrayList<>()).add(r);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Graph apply(Graph graph, PassContext ctx) {
        if (ctx.differentiated() || (inferenceOnly && ctx.training())) {
            return graph;
        }
        Graph g = graph;
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            Graph next = sweep(g, ctx);
            if (next == g) {
                break;
            }
            g = inferenceOnly ? DCE.apply(next, ctx) : next; // bypassed producers go, so they count no readers
        }
        return g;
    }

    private Graph sweep(Graph graph, PassContext ctx) {
        InferenceResult<Shape> shapes = ctx.shapes(graph);
        InferenceResult<DType> types = ctx.types(graph);
        int[][] reads = GraphRewriter.readCounts(graph);
        GraphRewriter r = new GraphRewriter(graph);
        ParameterDependence fixed = new ParameterDependence(r::node, ctx.parameters(), ctx.training());
        boolean changed = false;
        for (int i = 0; i < graph.size(); i++) {
            Rewrite rw = graph.node(i) instanceof OpNode op
                    ? rewrite(new RuleMatch(graph, i, r, ctx, shapes, types, reads, fixed)) : null;
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

    private Rewrite rewrite(RuleMatch m) {
        List<Rule> rules = rulesByOp.get(m.node().op().name());
        if (rules == null) {
            return null;
        }
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
