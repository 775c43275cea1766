package dev.kiln.compiler.memory;

import dev.kiln.graph.Entry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random 2-D float32 graphs for property tests: element-wise unary and binary ops (in place), broadcasting, reshapes
 * (identities), FullyConnected (new sizes), split (two outputs), Dropout (a hidden mask), sums and concatenation, with
 * a few random graph outputs. Shapes are tracked here so every op is valid.
 */
final class RandomGraphs {
    private static final String[] UNARY = {"exp", "sin", "relu", "negative", "tanh"};

    private final Random rnd;
    final GraphFixture fixture = new GraphFixture();
    final List<String> variables = new ArrayList<>();
    private final List<Entry> pool = new ArrayList<>();
    private final List<int[]> dims = new ArrayList<>();
    private final List<Entry> opValues = new ArrayList<>();
    private int names;

    RandomGraphs(long seed) {
        rnd = new Random(seed);
    }

    /** Builds a graph of {@code ops} op nodes; returns its outputs. */
    Entry[] build(int ops) {
        int inputs = 1 + rnd.nextInt(2);
        int[] shape = {1 + rnd.nextInt(3), 1 + rnd.nextInt(6)};
        for (int k = 0; k < inputs; k++) {
            String name = "x" + k;
            variables.add(name);
            add(fixture.var(name, shape), shape.clone());
        }
        while (opValues.size() < ops) {
            step();
        }
        List<Entry> outs = new ArrayList<>();
        outs.add(opValues.get(opValues.size() - 1));
        for (int k = rnd.nextInt(3); k > 0; k--) {
            outs.add(opValues.get(rnd.nextInt(opValues.size())));
        }
        return outs.toArray(new Entry[0]);
    }

    private void add(Entry e, int[] shape) {
        pool.add(e);
        dims.add(shape);
    }

    private void addOp(Entry e, int[] shape) {
        add(e, shape);
        opValues.add(e);
    }

    private String name() {
        return "n" + names++;
    }

    private void step() {
        int i = rnd.nextInt(pool.size());
        Entry a = pool.get(i);
        int[] s = dims.get(i);
        switch (rnd.nextInt(9)) {
            case 0 -> addOp(fixture.op(name(), UNARY[rnd.nextInt(UNARY.length)], a), s);
            case 1 -> {
                Entry b = partner(s, (p, q) -> p[0] == q[0] && p[1] == q[1], a);
                addOp(fixture.op(name(), rnd.nextBoolean() ? "elemwise_add" : "elemwise_mul", a, b), s);
            }
            case 2 -> {
                Entry b = partner(s, (p, q) -> (p[0] == q[0] || q[0] == 1) && (p[1] == q[1] || q[1] == 1), a);
                addOp(fixture.op(name(), "broadcast_add", a, b), s);
            }
            case 3 -> {
                int units = 1 + rnd.nextInt(8);
                String w = "w" + names;
                variables.add(w);
                Entry weight = fixture.var(w);
                addOp(fixture.op(name(), "FullyConnected", Map.of("num_hidden", units, "no_bias", true), a, weight),
                        new int[] {s[0], units});
            }
            case 4 -> addOp(fixture.op(name(), "Reshape", Map.of("shape", "(" + s[1] + ", " + s[0] + ")"), a),
                    new int[] {s[1], s[0]});
            case 5 -> {
                int axis = s[1] % 2 == 0 ? 1 : s[0] % 2 == 0 ? 0 : -1;
                if (axis < 0) {
                    addOp(fixture.op(name(), "exp", a), s);
                    return;
                }
                Entry first = fixture.op(name(), "split", Map.of("num_outputs", 2, "axis", axis), a);
                int[] half = s.clone();
                half[axis] /= 2;
                addOp(first, half);
                addOp(new Entry(first.node(), 1), half.clone());
            }
            case 6 -> addOp(fixture.op(name(), "Dropout", Map.of("p", 0.5), a), s);
            case 7 -> addOp(fixture.op(name(), "sum", Map.of("axis", 1, "keepdims", true), a), new int[] {s[0], 1});
            default -> {
                Entry b = partner(s, (p, q) -> p[0] == q[0], a);
                int[] q = dims.get(pool.indexOf(b));
                addOp(fixture.op(name(), "Concat", Map.of("num_args", 2, "dim", 1), a, b), new int[] {s[0], s[1] + q[1]});
            }
        }
    }

    private interface Fits {
        boolean test(int[] of, int[] candidate);
    }

    /** A random value whose shape fits {@code s}, else {@code self}. */
    private Entry partner(int[] s, Fits fits, Entry self) {
        List<Entry> found = new ArrayList<>();
        for (int k = 0; k < pool.size(); k++) {
            if (fits.test(s, dims.get(k))) {
                found.add(pool.get(k));
            }
        }
        return found.isEmpty() ? self : found.get(rnd.nextInt(found.size()));
    }

    /** Random options: match range (searched or not), reuse, in-place and where outputs live. */
    PlanOptions options() {
        int[] ranges = {1, 2, 4, 16};
        return new PlanOptions(ranges[rnd.nextInt(ranges.length)], rnd.nextInt(4) > 0, rnd.nextInt(4) > 0,
                rnd.nextBoolean(), 0, rnd.nextInt(4) == 0);
    }
}
