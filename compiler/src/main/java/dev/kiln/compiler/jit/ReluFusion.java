package dev.kiln.compiler.jit;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.op.conv.MaxPoolReluBackwardOp;
import dev.kiln.op.nn.BatchNormReluOp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges float32 ReLUs of a graph (forward part first, then a gradient part) with the nodes around them, each step
 * equal bit for bit to what it replaces:
 * <ol>
 * <li>the product of a max-pooling gradient and the ReLU gradient before the pooling,
 * {@code broadcast_mul(_backward_Pooling(dy, r, y), _greater_scalar[scalar=0](x))} (either order, or
 * {@code elemwise_mul}) with {@code r = relu(x)}, becomes one {@link MaxPoolReluBackwardOp} node {@code (dy, r, y)}
 * when the two factors are read by the product alone: the pooling gradient lands only on window maxima, so one
 * kernel writes the gradient of {@code x} and the elementwise pass over the data goes;</li>
 * <li>other ReLU slopes {@code _greater_scalar[scalar=0](x)} read the ReLU's output {@code r} instead of {@code x}
 * ({@code r > 0} exactly where {@code x > 0}, NaN included), so the gradient no longer needs {@code x};</li>
 * <li>a BatchNorm whose output only a ReLU reads becomes one {@link BatchNormReluOp} node that writes the ReLU's
 * output, saving a pass over the data and its buffer.</li>
 * </ol>
 * Runs before the other fusions of the JIT, which would otherwise fuse the product with the comparison.
 */
public final class ReluFusion {
    private ReluFusion() {
    }

    /**
     * {@code graph}, whose first {@code numForwardNodes} nodes are the forward part, rewritten; returns the graph and
     * the size of its forward part.
     */
    public static FusionPass.Result apply(Graph graph, int numForwardNodes, Map<String, DType> types) {
        InferenceResult<DType> dtypes = TypeInference.infer(graph, types);
        int n = graph.size();
        int[] readers = new int[n];
        Map<Entry, Integer> reluOf = new HashMap<>();
        for (int i = 0; i < n; i++) {
            for (Entry e : graph.node(i).inputs()) {
                readers[e.node()]++;
            }
            if (i < numForwardNodes && isRelu(graph.node(i)) && dtypes.entry(i, 0) == DType.FLOAT32) {
                reluOf.putIfAbsent(graph.node(i).inputs().getFirst(), i);
            }
        }
        for (Entry e : graph.outputs()) {
            readers[e.node()] += 2;
        }
        List<Node> nodes = new ArrayList<>(graph.nodes());
        Entry[] replaced = new Entry[n];
        int forward = numForwardNodes;
        for (int i = numForwardNodes; i < n; i++) {
            if (nodes.get(i) instanceof OpNode mul && isProduct(mul)) {
                for (int side = 0; side < 2; side++) {
                    Entry p = mul.inputs().get(side);
                    Entry m = mul.inputs().get(1 - side);
                    if (p.node() != m.node() && p.node() >= numForwardNodes && m.node() >= numForwardNodes
                            && readers[p.node()] == 1 && readers[m.node()] == 1
                            && nodes.get(p.node()) instanceof OpNode pool && isMaxPoolGradient(pool)
                            && nodes.get(m.node()) instanceof OpNode mask && isSlope(mask)
                            && pool.inputs().get(1).equals(reluOutput(graph, numForwardNodes, dtypes, reluOf,
                                    mask.inputs().getFirst()))) {
                        nodes.set(i, new OpNode(mul.name(), MaxPoolReluBackwardOp.INSTANCE, pool.params(),
                                pool.inputs(), pool.attrs()));
                        replaced[p.node()] = new Entry(i, 0);
                        replaced[m.node()] = new Entry(i, 0);
                        break;
                    }
                }
            }
        }
        for (int i = numForwardNodes; i < n; i++) {
            if (replaced[i] == null && nodes.get(i) instanceof OpNode mask && isSlope(mask)
                    && reluOf.get(mask.inputs().getFirst()) instanceof Integer r) {
                nodes.set(i, mask.withInputs(List.of(new Entry(r, 0))));
            }
        }
        int[] firstOutputReads = new int[n];
        for (int i = 0; i < n; i++) {
            if (replaced[i] == null) {
                for (Entry e : nodes.get(i).inputs()) {
                    firstOutputReads[e.node()] += e.output() == 0 ? 1 : 0;
                }
            }
        }
        for (Entry e : graph.outputs()) {
            firstOutputReads[e.node()] += 2;
        }
        for (var relu : reluOf.entrySet()) {
            Entry x = relu.getKey();
            int r = relu.getValue();
            if (x.output() == 0 && firstOutputReads[x.node()] == 1 && nodes.get(x.node()) instanceof OpNode bn
                    && bn.op().name().equals("BatchNorm") && !isOutput(graph, r)) {
                nodes.set(x.node(), new OpNode(bn.name(), BatchNormReluOp.INSTANCE, bn.params(), bn.inputs(),
                        bn.attrs()));
                replaced[r] = new Entry(x.node(), 0);
                forward--;
            }
        }
        Graph rewritten = renumbered(new Graph(nodes, graph.outputs()), replaced);
        return new FusionPass.Result(rewritten, forward, n - rewritten.size());
    }

    /**
     * The float32 forward ReLU output whose slope is taken of {@code x}: {@code x} itself when a ReLU gives it, else
     * the ReLU of {@code x}; {@code null} when neither.
     */
    private static Entry reluOutput(Graph graph, int numForwardNodes, InferenceResult<DType> dtypes,
                                    Map<Entry, Integer> reluOf, Entry x) {
        if (x.node() < numForwardNodes && isRelu(graph.node(x.node())) && dtypes.entry(x) == DType.FLOAT32) {
            return x;
        }
        Integer r = reluOf.get(x);
        return r == null ? null : new Entry(r, 0);
    }

    private static boolean isOutput(Graph graph, int node) {
        return graph.outputs().stream().anyMatch(e -> e.node() == node);
    }

    private static boolean isProduct(OpNode node) {
        String name = node.op().name();
        return (name.equals("broadcast_mul") || name.equals("elemwise_mul")) && node.inputs().size() == 2;
    }

    private static boolean isMaxPoolGradient(OpNode node) {
        return node.op().name().equals("_backward_Pooling") && "max".equals(node.params().values().get("pool_type"));
    }

    /** Whether {@code node} is {@code _greater_scalar[scalar=0]}, the slope of relu. */
    private static boolean isSlope(OpNode node) {
        return node.op().name().equals("_greater_scalar") && node.params().values().get("scalar") instanceof Number s
                && s.doubleValue() == 0;
    }

    /** Whether {@code node} is {@code relu(x)} or {@code Activation[act_type=relu](x)}. */
    private static boolean isRelu(Node node) {
        if (!(node instanceof OpNode op) || op.inputs().size() != 1) {
            return false;
        }
        String name = op.op().name();
        return name.equals("relu") || name.equals("Activation") && "relu".equals(op.params().values().get("act_type"));
    }

    /**
     * {@code graph} without the nodes that {@code replaced} maps (to the entry that now stands for their output 0,
     * which comes before every reader), indices renumbered.
     */
    private static Graph renumbered(Graph graph, Entry[] replaced) {
        int[] newIndex = new int[graph.size()];
        List<Node> kept = new ArrayList<>(graph.size());
        for (int i = 0; i < graph.size(); i++) {
            newIndex[i] = kept.size();
            if (replaced[i] == null) {
                Node node = graph.node(i);
                kept.add(node instanceof OpNode op ? op.withInputs(op.inputs().stream()
                        .map(e -> remap(e, replaced, newIndex)).toList()) : node);
            }
        }
        return new Graph(kept, graph.outputs().stream().map(e -> remap(e, replaced, newIndex)).toList());
    }

    private static Entry remap(Entry e, Entry[] replaced, int[] newIndex) {
        Entry to = replaced[e.node()] == null ? e : replaced[e.node()];
        return new Entry(newIndex[to.node()], to.output());
    }
}
