package dev.kiln.compiler.random;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpFamily;
import dev.kiln.op.OpRegistry;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every registered op the generator can build ({@link #recipes}), and every other one with the reason it is skipped
 * ({@link #skipped}); together they are the registry. {@link #coverage} prints both.
 */
final class RecipeBook {
    private static final Map<String, Recipe> RECIPES;

    static {
        Map<String, Recipe> r = new TreeMap<>();
        ElementwiseRecipes.register(r);
        ShapeRecipes.register(r);
        NNRecipes.register(r);
        IndexRecipes.register(r);
        r.keySet().removeIf(name -> skipReason(OpRegistry.global().get(name)) != null);
        RECIPES = Collections.unmodifiableMap(r);
    }

    private RecipeBook() {
    }

    /** The recipes by op name. */
    static Map<String, Recipe> recipes() {
        return RECIPES;
    }

    /** Registered ops without a recipe, each with why. */
    static Map<String, String> skipped() {
        Map<String, String> s = new TreeMap<>();
        for (OpDef op : OpRegistry.global().ops()) {
            if (!RECIPES.containsKey(op.name())) {
                String why = skipReason(op);
                s.put(op.name(), why == null ? "no recipe yet" : why);
            }
        }
        return s;
    }

    /** Why an op is never generated, or null if nothing rules it out. */
    private static String skipReason(OpDef op) {
        String n = op.name();
        if (n.startsWith("_backward_")) {
            return "gradient op: the graph gradient builds it (checked through backward)";
        }
        if (op.family() == OpFamily.CUSTOM) {
            return "needs a registered custom operator";
        }
        if (op.family() == OpFamily.OPTIMIZER) {
            return "optimizer update: optimizers run it eagerly on parameters and their states";
        }
        return switch (n) {
            case "RNN" -> "needs a packed parameter vector sized by mode, layers and state size";
            case "_sample_multinomial" -> "needs rows of probabilities as input";
            case "scatter_nd", "_scatter_along_axis" -> "duplicate indices make the result depend on write order";
            case "_dot_as_matrix" -> "internal op of the dense gradient";
            default -> null;
        };
    }

    /** The coverage report: counts, then the covered ops, then the skipped ones with their reasons. */
    static String coverage() {
        Map<String, String> skipped = skipped();
        StringBuilder sb = new StringBuilder();
        sb.append("random graph coverage: ").append(RECIPES.size()).append(" of ")
                .append(RECIPES.size() + skipped.size()).append(" registered ops\ncovered:");
        int k = 0;
        for (String n : RECIPES.keySet()) {
            sb.append(k++ % 10 == 0 ? "\n  " : " ").append(n);
        }
        sb.append("\nskipped:\n");
        skipped.forEach((n, why) -> sb.append("  ").append(n).append(": ").append(why).append('\n'));
        return sb.toString();
    }
}
