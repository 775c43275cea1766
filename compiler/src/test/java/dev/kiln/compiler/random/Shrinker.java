package dev.kiln.compiler.random;

import dev.kiln.compiler.random.BackendCheck.Outcome;
import dev.kiln.graph.Entry;
import dev.kiln.graph.Node;

import java.util.List;

/**
 * Makes a failing random graph small for the report: the graph that computes only the earliest node value on which
 * a backend already differs, else only one of the original outputs, else the graph as it was.
 */
final class Shrinker {
    private Shrinker() {
    }

    /** The smallest graph found on which {@code check} still finds a difference. */
    static RandomGraph shrink(RandomGraph g, BackendCheck check) {
        for (int i = 0; i < g.graph().size(); i++) {
            Node n = g.graph().node(i);
            if (!(n instanceof dev.kiln.graph.OpNode)) {
                continue;
            }
            for (int k = 0; k < n.numVisibleOutputs(); k++) {
                RandomGraph smaller = g.withOutputs(List.of(new Entry(i, k)));
                if (differs(smaller, check)) {
                    return smaller;
                }
            }
        }
        for (Entry out : g.graph().outputs()) {
            RandomGraph smaller = g.withOutputs(List.of(out));
            if (differs(smaller, check)) {
                return smaller;
            }
        }
        return g;
    }

    private static boolean differs(RandomGraph g, BackendCheck check) {
        try {
            return check.check(g).outcome() == Outcome.DIFFER;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
