package dev.kiln.compiler.jit;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.graph.infer.ShapeInference;
import dev.kiln.graph.infer.TypeInference;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.IntTuple;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds the head split and merge of multi-head attention into the {@code batch_dot} between them
 * ({@link HeadsBatchDotOp}). A float32 {@code batch_dot} operand made by {@code Reshape (B, T, H, D)},
 * {@code transpose (0, 2, 1, 3)}, {@code Reshape (B * H, T, D)} from a (B, T, H * D) value is read straight from that
 * value; a result read only by {@code Reshape (B, H, T, N)}, {@code transpose (0, 2, 1, 3)}, {@code Reshape (B, T,
 * H * N)} is written in that final form. The chain is recognised by the ops, the transpose's axes and the inferred
 * shapes (a Reshape keeps row-major order, so only its shapes matter), so it runs only for static shapes. Chain
 * nodes nothing else reads go, so their copies do not run. Forward part only; the backward part, which may still
 * read a chain's values, keeps them.
 */
final class HeadLayoutFusion {
    private static final int[] SWAP_MIDDLE = {0, 2, 1, 3};

    private HeadLayoutFusion() {
    }

    /** The head split a batch_dot operand reads: the (B, T, H * D) source, H, and the chain's nodes. */
    private record Split(Entry source, int heads, int[] chain) {
    }

    /** A batch_dot rewritten: its node, the splits of its operands (or null), and the merge chain (or null). */
    private record Fold(int dot, Split lhs, Split rhs, int[] merge, int headsOut) {
    }

    /** Folds the chains of the first {@code numForwardNodes} nodes of {@code graph}. */
    static FusionPass.Result apply(Graph graph, int numForwardNodes, Map<String, Shape> shapes,
                                   Map<String, DType> types) {
        return new Rewrite(graph, numForwardNodes, ShapeInference.infer(graph, shapes),
                TypeInference.infer(graph, types)).run();
    }

    private static final class Rewrite {
        private final Graph graph;
        private final int numForwardNodes;
        private final InferenceResult<Shape> shapes;
        private final InferenceResult<DType> types;
        private final List<List<Integer>> readers = new ArrayList<>();
        private final BitSet graphOutputs = new BitSet();

        Rewrite(Graph graph, int numForwardNodes, InferenceResult<Shape> shapes, InferenceResult<DType> types) {
            this.graph = graph;
            this.numForwardNodes = numForwardNodes;
            this.shapes = shapes;
            this.types = types;
            for (int i = 0; i < graph.size(); i++) {
                readers.add(new ArrayList<>());
            }
            for (int i = 0; i < graph.size(); i++) {
                for (Entry e : graph.node(i).inputs()) {
                    readers.get(e.node()).add(i);
                }
            }
            for (Entry e : graph.outputs()) {
                graphOutputs.set(e.node());
            }
        }

        FusionPass.Result run() {
            Map<Integer, Fold> folds = new HashMap<>();
            BitSet removed = new BitSet();
            for (int i = 0; i < numForwardNodes; i++) {
                Fold f = fold(i);
                if (f != null) {
                    folds.put(i, f);
                    if (f.merge() != null) {
                        Arrays.stream(f.merge()).forEach(removed::set);
                    }
                }
            }
            if (folds.isEmpty()) {
                return new FusionPass.Result(graph, numForwardNodes, 0);
            }
            for (Fold f : folds.values()) {
                for (Split s : new Split[] {f.lhs(), f.rhs()}) {
                    if (s != null) {
                        removeUnread(s.chain(), folds, removed);
                    }
                }
            }
            Entry[] remap = new Entry[graph.size()];
            List<Node> nodes = new ArrayList<>();
            int forward = 0;
            for (int i = 0; i < graph.size(); i++) {
                if (removed.get(i)) {
                    continue;
                }
                Fold f = folds.get(i);
                Node n = graph.node(i);
                if (f != null) {
                    OpNode dot = (OpNode) n;
                    HeadsBatchDotOp op = new HeadsBatchDotOp(dot.name(), flag(dot, "transpose_a"),
                            flag(dot, "transpose_b"), heads(f.lhs()), heads(f.rhs()), f.headsOut());
                    List<Entry> in = List.of(operand(dot, 0, f.lhs()), operand(dot, 1, f.rhs()));
                    n = new OpNode(dot.name(), op, op.defaultAttrs(), remapped(in, remap), dot.attrs());
                    if (f.merge() != null) {
                        remap[f.merge()[2]] = new Entry(nodes.size(), 0);
                    }
                } else if (n instanceof OpNode op) {
                    n = op.withInputs(remapped(op.inputs(), remap));
                }
                remap[i] = new Entry(nodes.size(), 0);
                nodes.add(n);
                if (i < numForwardNodes) {
                    forward++;
                }
            }
            List<Entry> outputs = remapped(graph.outputs(), remap);
            return new FusionPass.Result(new Graph(nodes, outputs), forward, folds.size());
        }

        /** Removes the chain's nodes (last first) whose every reader is removed or a fold reading past them. */
        private void removeUnread(int[] chain, Map<Integer, Fold> folds, BitSet removed) {
            for (int c : chain) {
                if (removed.get(c) || graphOutputs.get(c)) {
                    return;
                }
                for (int r : readers.get(c)) {
                    boolean foldedPast = folds.containsKey(r) && readsThroughSplit(folds.get(r), c);
                    if (!removed.get(r) && !foldedPast) {
                        return;
                    }
                }
                removed.set(c);
            }
        }

        private static boolean readsThroughSplit(Fold f, int node) {
            return f.lhs() != null && f.lhs().chain()[0] == node || f.rhs() != null && f.rhs().chain()[0] == node;
        }

        private Fold fold(int i) {
            if (!(graph.node(i) instanceof OpNode dot) || !dot.op().name().equals("batch_dot")
                    || types.entry(new Entry(i, 0)) != DType.FLOAT32) {
                return null;
            }
            for (Entry e : dot.inputs()) {
                if (shape(e) == null || shape(e).rank() != 3) {
                    return null;
                }
            }
            Split lhs = split(dot.inputs().get(0));
            Split rhs = split(dot.inputs().get(1));
            int[] merge = merge(i);
            if (lhs == null && rhs == null && merge == null) {
                return null;
            }
            int headsOut = merge == null ? 0 : shape(new Entry(merge[0], 0)).get(1);
            return new Fold(i, lhs, rhs, merge, headsOut);
        }

        /** The split chain producing {@code e}: Reshape (B*H, T, D) of transpose (0,2,1,3) of Reshape (B, T, H, D). */
        private Split split(Entry e) {
            OpNode outer = opAt(e, "Reshape");
            OpNode swap = outer == null ? null : opAt(outer.inputs().get(0), "transpose");
            OpNode inner = swap == null || !swapsMiddle(swap) ? null : opAt(swap.inputs().get(0), "Reshape");
            if (inner == null) {
                return null;
            }
            Entry source = inner.inputs().get(0);
            Shape x = shape(source);
            Shape split = shape(swap.inputs().get(0));
            Shape moved = shape(outer.inputs().get(0));
            Shape out = shape(e);
            if (x == null || split == null || moved == null || x.rank() != 3 || split.rank() != 4) {
                return null;
            }
            int b = x.get(0);
            int t = x.get(1);
            int h = split.get(2);
            int d = split.get(3);
            boolean matches = split.equals(Shape.of(b, t, h, d)) && h * d == x.get(2)
                    && moved.equals(Shape.of(b, h, t, d)) && out.equals(Shape.of(b * h, t, d));
            return matches ? new Split(source, h, new int[] {e.node(), index(outer), index(swap)}) : null;
        }

        /**
         * The merge chain reading node {@code i}'s (B*H, T, N) result, each link its producer's only reader:
         * Reshape (B, H, T, N), transpose (0,2,1,3), Reshape (B, T, H*N); their indices in order, or null.
         */
        private int[] merge(int i) {
            int split = onlyReader(i, "Reshape");
            int swap = split < 0 ? -1 : onlyReader(split, "transpose");
            int merged = swap < 0 || !swapsMiddle((OpNode) graph.node(swap)) ? -1 : onlyReader(swap, "Reshape");
            if (merged < 0 || graphOutputs.get(merged)) {
                return null;
            }
            Shape y = shape(new Entry(i, 0));
            Shape s = shape(new Entry(split, 0));
            if (s == null || s.rank() != 4 || y == null) {
                return null;
            }
            int b = s.get(0);
            int h = s.get(1);
            int t = s.get(2);
            int n = s.get(3);
            boolean matches = y.equals(Shape.of(b * h, t, n))
                    && Shape.of(b, t, h, n).equals(shape(new Entry(swap, 0)))
                    && Shape.of(b, t, h * n).equals(shape(new Entry(merged, 0)));
            return matches ? new int[] {split, swap, merged} : null;
        }

        /** The single reader of node {@code i}'s single output if it applies {@code op}, in the forward part; else -1. */
        private int onlyReader(int i, String op) {
            List<Integer> r = readers.get(i);
            if (r.size() != 1 || graphOutputs.get(i)) {
                return -1;
            }
            int reader = r.get(0);
            return reader < numForwardNodes && graph.node(reader) instanceof OpNode n && n.op().name().equals(op)
                    && n.inputs().get(0).node() == i ? reader : -1;
        }

        private OpNode opAt(Entry e, String op) {
            return e.output() == 0 && graph.node(e.node()) instanceof OpNode n && n.op().name().equals(op) ? n : null;
        }

        private static boolean swapsMiddle(OpNode transpose) {
            Object axes = transpose.params().values().get("axes");
            return axes instanceof IntTuple t && Arrays.equals(t.toArray(), SWAP_MIDDLE);
        }

        /** The node whose output {@code n} reads first. */
        private static int index(OpNode n) {
            return n.inputs().get(0).node();
        }

        private Shape shape(Entry e) {
            Shape s = shapes.entry(e);
            return s == null || !s.isKnown() ? null : s;
        }
    }

    private static Entry operand(OpNode dot, int k, Split s) {
        return s == null ? dot.inputs().get(k) : s.source();
    }

    private static int heads(Split s) {
        return s == null ? 0 : s.heads();
    }

    private static boolean flag(OpNode n, String attr) {
        return Boolean.TRUE.equals(n.params().values().get(attr));
    }

    private static List<Entry> remapped(List<Entry> entries, Entry[] remap) {
        List<Entry> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            Entry r = remap[e.node()];
            out.add(r == null ? e : new Entry(r.node(), e.output()));
        }
        return out;
    }
}
