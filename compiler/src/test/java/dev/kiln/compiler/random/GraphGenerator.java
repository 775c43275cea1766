package dev.kiln.compiler.random;

import dev.kiln.compiler.random.GraphBuilder.Value;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Builds a random valid graph from a seed: one to three inputs (rank 1 to 4, dims 1 to 4, float32 or float64, now and
 * then an int32 one), then ops drawn uniformly from the {@link RecipeBook} applied to values of the graph so far
 * (values are reused by several nodes), then one to three outputs among the op values (some stay unused). The same
 * seed gives the same graph.
 */
final class GraphGenerator {
    /** Per op, how many proposals were tried and how many became nodes. */
    private final Map<String, int[]> stats = new HashMap<>();

    /** The graph for {@code seed}, with about {@code ops} op nodes. */
    RandomGraph generate(long seed, int ops) {
        Random rnd = new Random(seed);
        DType floatType = rnd.nextBoolean() ? DType.FLOAT32 : DType.FLOAT64;
        GraphBuilder b = new GraphBuilder(rnd, floatType);
        int inputs = 1 + rnd.nextInt(3);
        Shape first = Recipe.shape(rnd, 1 + rnd.nextInt(4), 4);
        for (int k = 0; k < inputs; k++) {
            Shape s = k > 0 && rnd.nextBoolean() ? first : Recipe.shape(rnd, 1 + rnd.nextInt(4), 4);
            DType t = rnd.nextInt(8) == 0 ? DType.INT32 : floatType;
            b.input(k == 0 ? first : s, t, rnd.nextInt(4) == 0 ? Domain.POSITIVE : Domain.SIGNED);
        }
        List<String> names = new ArrayList<>(RecipeBook.recipes().keySet());
        for (int tries = 0; b.opValues().size() < ops && tries < ops * 40; tries++) {
            String name = names.get(rnd.nextInt(names.size()));
            GraphBuilder.Proposal p;
            try {
                p = RecipeBook.recipes().get(name).propose(b);
            } catch (RuntimeException e) {
                p = null;
            }
            int[] st = stats.computeIfAbsent(name, n -> new int[2]);
            st[0]++;
            if (p != null && b.tryAdd(p) != null) {
                st[1]++;
            }
        }
        List<Value> values = b.opValues();
        if (values.isEmpty()) {
            return b.finish(seed, List.of(b.pool().get(0)));
        }
        Set<Value> outs = new LinkedHashSet<>();
        outs.add(values.get(values.size() - 1));
        for (int k = rnd.nextInt(3); k > 0; k--) {
            outs.add(values.get(rnd.nextInt(values.size())));
        }
        List<Value> ordered = new ArrayList<>(outs.stream().filter(Value::isFloat).toList());
        outs.stream().filter(v -> !v.isFloat()).forEach(ordered::add);
        return b.finish(seed, ordered);
    }

    /** Ops whose proposals never became a node in the graphs generated so far. */
    List<String> neverBuilt() {
        return stats.entrySet().stream().filter(e -> e.getValue()[1] == 0).map(Map.Entry::getKey).sorted().toList();
    }
}
