package dev.kiln.compiler.jit;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.Node;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.IntPredicate;

/**
 * Replaces groups of nodes of a graph by one node each, the part shared by the fusion passes. A group must be convex
 * (no path leaves it and comes back, {@link #convex}) so the graph stays acyclic. The group node reads every value
 * the members read from outside, in first-use order, and outputs every member read outside the group (by another
 * node, a graph output or nothing at all), in node order; graph outputs keep their positions and a gradient graph's
 * forward part stays first ({@link UnitOrder}).
 */
final class GroupRewrite {
    /** Builds the node of one group; its inputs are replaced by the remapped {@code inputs}. */
    interface Fuser {
        OpNode fuse(BitSet members, List<Entry> inputs, List<Integer> outputs);
    }

    /**
     * A rewritten graph.
     *
     * @param numForwardNodes how many leading nodes belong to the forward part
     * @param groups          how many group nodes were made
     */
    record Result(Graph graph, int numForwardNodes, int groups) {
    }

    private final Graph graph;
    private final List<List<Integer>> readers = new ArrayList<>();
    private final BitSet graphOutputs = new BitSet();
    /**
     * Per node, the nodes it must run after besides those it reads: a side-effecting node after the previous one, and
     * after the earlier readers of the inputs it updates in place ({@code OpDef.auxInputIndices}); their later readers
     * after it. These orderings count as reads for convexity too, so fusion never reorders random draws or moves a
     * read of a BatchNorm statistic across its update.
     */
    private final List<List<Integer>> runsAfter = new ArrayList<>();
    /** Per node, its readers and the nodes {@link #runsAfter} orders after it: the edges convexity follows. */
    private final List<List<Integer>> successors = new ArrayList<>();

    GroupRewrite(Graph graph) {
        this.graph = graph;
        int n = graph.size();
        for (int i = 0; i < n; i++) {
            readers.add(new ArrayList<>());
            runsAfter.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (Entry e : graph.node(i).inputs()) {
                readers.get(e.node()).add(i);
            }
        }
        for (int i = 0; i < n; i++) {
            successors.add(new ArrayList<>(readers.get(i)));
        }
        int previous = -1;
        for (int i = 0; i < n; i++) {
            if (graph.node(i) instanceof OpNode op && (op.op().hasSideEffects(op.params(), true)
                    || op.op().hasSideEffects(op.params(), false))) {
                if (previous >= 0) {
                    order(previous, i);
                }
                previous = i;
                for (int k : op.op().auxInputIndices(op.params())) {
                    for (int m : readers.get(op.inputs().get(k).node())) {
                        if (m != i) {
                            order(Math.min(m, i), Math.max(m, i));
                        }
                    }
                }
            }
        }
        for (Entry e : graph.outputs()) {
            graphOutputs.set(e.node());
        }
    }

    /** Records that node {@code later} must run after node {@code earlier}. */
    private void order(int earlier, int later) {
        runsAfter.get(later).add(earlier);
        successors.get(earlier).add(later);
    }

    /** The nodes reading node {@code i} (a node reading it twice is listed twice). */
    List<Integer> readers(int i) {
        return readers.get(i);
    }

    /** True if a graph output is node {@code i}. */
    boolean isGraphOutput(int i) {
        return graphOutputs.get(i);
    }

    /**
     * Groups the nodes {@code fusible} accepts, greedily in node order: a node joins the groups of the nodes it reads
     * ({@code compatible(producer, consumer)}) if the merged group stays convex and within {@code maxGroup} nodes,
     * else the largest of them it can join, else starts its own. Returns the groups (some may be single nodes).
     */
    List<BitSet> groupGreedily(IntPredicate fusible, BiPredicate<Integer, Integer> compatible, int maxGroup) {
        int[] group = new int[graph.size()];
        java.util.Arrays.fill(group, -1);
        List<BitSet> members = new ArrayList<>();
        for (int i = 0; i < graph.size(); i++) {
            if (!fusible.test(i)) {
                continue;
            }
            List<Integer> candidates = new ArrayList<>();
            for (Entry e : graph.node(i).inputs()) {
                int g = group[e.node()];
                if (g >= 0 && !candidates.contains(g) && compatible.test(e.node(), i)) {
                    candidates.add(g);
                }
            }
            if (!joins(i, candidates, members, group, maxGroup)) {
                candidates.sort((x, y) -> members.get(y).cardinality() - members.get(x).cardinality());
                boolean joined = false;
                for (int g : candidates) {
                    if (joins(i, List.of(g), members, group, maxGroup)) {
                        joined = true;
                        break;
                    }
                }
                if (!joined) {
                    BitSet single = new BitSet();
                    single.set(i);
                    group[i] = members.size();
                    members.add(single);
                }
            }
        }
        members.removeIf(BitSet::isEmpty);
        return members;
    }

    /** Merges node {@code i} and the groups {@code gs} into the first of them if the result stays convex. */
    private boolean joins(int i, List<Integer> gs, List<BitSet> members, int[] group, int maxGroup) {
        if (gs.isEmpty()) {
            return false;
        }
        BitSet merged = new BitSet();
        merged.set(i);
        for (int g : gs) {
            merged.or(members.get(g));
        }
        if (merged.cardinality() > maxGroup || !convex(merged)) {
            return false;
        }
        int target = gs.get(0);
        members.set(target, merged);
        for (int g : gs.subList(1, gs.size())) {
            members.set(g, new BitSet());
        }
        for (int m = merged.nextSetBit(0); m >= 0; m = merged.nextSetBit(m + 1)) {
            group[m] = target;
        }
        return true;
    }

    /** True if no path goes from a member through a non-member back to a member. */
    boolean convex(BitSet s) {
        int last = s.length() - 1;
        BitSet seen = new BitSet();
        List<Integer> stack = new ArrayList<>();
        for (int m = s.nextSetBit(0); m >= 0; m = s.nextSetBit(m + 1)) {
            for (int r : successors.get(m)) {
                if (!s.get(r) && r < last) {
                    stack.add(r);
                }
            }
        }
        while (!stack.isEmpty()) {
            int x = stack.removeLast();
            if (seen.get(x)) {
                continue;
            }
            seen.set(x);
            for (int r : successors.get(x)) {
                if (s.get(r)) {
                    return false;
                }
                if (r < last && !seen.get(r)) {
                    stack.add(r);
                }
            }
        }
        return true;
    }

    /** The graph with each group (disjoint, convex, two or more nodes) replaced by the node {@code fuser} builds. */
    Result rewrite(List<BitSet> groups, int numForwardNodes, Fuser fuser) {
        int n = graph.size();
        int[] groupOf = new int[n];
        java.util.Arrays.fill(groupOf, -1);
        for (int g = 0; g < groups.size(); g++) {
            BitSet s = groups.get(g);
            for (int m = s.nextSetBit(0); m >= 0; m = s.nextSetBit(m + 1)) {
                groupOf[m] = g;
            }
        }
        List<BitSet> units = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (groupOf[i] < 0) {
                BitSet single = new BitSet();
                single.set(i);
                units.add(single);
            } else if (groups.get(groupOf[i]).nextSetBit(0) == i) {
                units.add(groups.get(groupOf[i]));
            }
        }
        int[] unitOf = new int[n];
        for (int u = 0; u < units.size(); u++) {
            BitSet s = units.get(u);
            for (int m = s.nextSetBit(0); m >= 0; m = s.nextSetBit(m + 1)) {
                unitOf[m] = u;
            }
        }
        List<Node> nodes = new ArrayList<>();
        Entry[] remap = new Entry[n];
        int forward = 0;
        int made = 0;
        for (int u : UnitOrder.of(units, unitOf, graph, runsAfter)) {
            BitSet s = units.get(u);
            int first = s.nextSetBit(0);
            if (s.cardinality() == 1) {
                nodes.add(copy(graph.node(first), remap));
                remap[first] = new Entry(nodes.size() - 1, 0);
            } else {
                nodes.add(fuse(s, remap, nodes.size(), fuser));
                made++;
            }
            if (first < numForwardNodes) {
                forward++;
            }
        }
        List<Entry> outputs = new ArrayList<>();
        for (Entry e : graph.outputs()) {
            outputs.add(remapped(e, remap));
        }
        return new Result(new Graph(nodes, outputs), forward, made);
    }

    private static Entry remapped(Entry e, Entry[] remap) {
        Entry r = remap[e.node()];
        return e.output() == 0 ? r : new Entry(r.node(), r.output() + e.output());
    }

    private static Node copy(Node node, Entry[] remap) {
        if (node instanceof OpNode op) {
            List<Entry> in = new ArrayList<>();
            for (Entry e : op.inputs()) {
                in.add(remapped(e, remap));
            }
            return op.withInputs(in);
        }
        return (Variable) node;
    }

    /** The node of group {@code s}, placed at {@code index}; records where its outputs went. */
    private OpNode fuse(BitSet s, Entry[] remap, int index, GroupRewrite.Fuser fuser) {
        Set<Entry> inputs = new LinkedHashSet<>();
        List<Integer> outs = new ArrayList<>();
        for (int m = s.nextSetBit(0); m >= 0; m = s.nextSetBit(m + 1)) {
            for (Entry e : graph.node(m).inputs()) {
                if (!s.get(e.node())) {
                    inputs.add(e);
                }
            }
            if (readOutside(m, s)) {
                remap[m] = new Entry(index, outs.size());
                outs.add(m);
            }
        }
        List<Entry> original = List.copyOf(inputs);
        OpNode node = fuser.fuse(s, original, outs);
        List<Entry> in = new ArrayList<>();
        for (Entry e : original) {
            in.add(remapped(e, remap));
        }
        return node.withInputs(in);
    }

    /** True if something outside the group reads node {@code m}, or nothing reads it at all. */
    private boolean readOutside(int m, BitSet s) {
        if (graphOutputs.get(m) || readers.get(m).isEmpty()) {
            return true;
        }
        for (int r : readers.get(m)) {
            if (!s.get(r)) {
                return true;
            }
        }
        return false;
    }
}
