package dev.kiln.compiler.jit;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A topological order of a graph's nodes after some were grouped: each unit (one node, or a fused group) comes after
 * every unit it reads, and among the units ready to go, the one whose last node came first in the original order goes
 * first. Original orders are kept as far as possible, in particular a gradient graph's forward part stays ahead of its
 * backward part when no group spans the two.
 */
final class UnitOrder {
    private UnitOrder() {
    }

    /**
     * The units' indices in order; {@code unitOf[i]} is the unit of node {@code i}, and {@code after.get(i)} the
     * nodes node {@code i} must follow besides those it reads (side-effect orderings). Units must form a DAG.
     */
    static List<Integer> of(List<BitSet> units, int[] unitOf, Graph graph, List<List<Integer>> after) {
        int count = units.size();
        List<List<Integer>> dependents = new ArrayList<>();
        int[] pending = new int[count];
        for (int u = 0; u < count; u++) {
            dependents.add(new ArrayList<>());
        }
        for (int u = 0; u < count; u++) {
            BitSet deps = new BitSet();
            BitSet s = units.get(u);
            for (int m = s.nextSetBit(0); m >= 0; m = s.nextSetBit(m + 1)) {
                List<Integer> before = new ArrayList<>();
                for (Entry e : graph.node(m).inputs()) {
                    before.add(e.node());
                }
                before.addAll(after.get(m));
                for (int b : before) {
                    int d = unitOf[b];
                    if (d != u && !deps.get(d)) {
                        deps.set(d);
                        dependents.get(d).add(u);
                        pending[u]++;
                    }
                }
            }
        }
        PriorityQueue<Integer> ready = new PriorityQueue<>((a, b) -> units.get(a).length() - units.get(b).length());
        for (int u = 0; u < count; u++) {
            if (pending[u] == 0) {
                ready.add(u);
            }
        }
        List<Integer> order = new ArrayList<>(count);
        while (!ready.isEmpty()) {
            int u = ready.poll();
            order.add(u);
            for (int d : dependents.get(u)) {
                if (--pending[d] == 0) {
                    ready.add(d);
                }
            }
        }
        if (order.size() != count) {
            throw new IllegalStateException("fused groups form a cycle; fusion must keep groups convex");
        }
        return order;
    }
}
