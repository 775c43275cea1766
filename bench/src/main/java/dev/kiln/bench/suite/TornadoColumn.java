package dev.kiln.bench.suite;

import dev.kiln.compiler.Backends;
import dev.kiln.compiler.CompiledGraph;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.ndarray.NDArray;

import java.util.List;
import java.util.Optional;

/**
 * The suite's TornadoVM column: the same model (same seed, so the same weights and input) hybridized on the
 * {@code tornado} backend with static allocation and shapes (as the hybridized column), checked against Kiln eager and timed. It is measured only when
 * TornadoVM's runtime is in this JVM (launched with TornadoVM's flags, docs/TORNADOVM.md) and the {@code kiln-tornado}
 * backend is on the class path; otherwise the column reads {@value #ABSENT}.
 */
final class TornadoColumn {
    /** What the column shows when TornadoVM is not in this JVM. */
    static final String ABSENT = "n/a (TornadoVM absent)";
    private static final String BACKEND = "tornado";
    private static final String TORNADO_API = "uk.ac.manchester.tornado.api.TaskGraph";

    private TornadoColumn() {
    }

    /** Whether TornadoVM's API classes and Kiln's tornado backend are both present. */
    static boolean present() {
        try {
            Class.forName(TORNADO_API, false, ClassLoader.getSystemClassLoader());
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
        return Backends.available().containsKey(BACKEND);
    }

    /**
     * The median time of one pass on the tornado backend, or NaN when it failed (the reason goes to {@code notes});
     * a device that did not run the graph, or results that differ from {@code eager}, are noted too.
     */
    static double measure(ModelCase row, List<NDArray> eager, Timer timer, long seed, List<String> notes) {
        try {
            KilnModel model = new KilnModel(row, seed);
            model.block().hybridize(HybridizeOptions.builder().backend(BACKEND).staticAlloc(true).staticShape(true)
                    .build());
            RowMeasurement.check(notes, "Kiln on TornadoVM", model.run(), eager);
            Optional<String> ranBy = lastGraph(model).flatMap(CompiledGraph::executedBy);
            if (ranBy.isEmpty() || !ranBy.get().startsWith(BACKEND + " on tornadovm")) {
                notes.add("TornadoVM column ran by " + ranBy.orElse("an unknown backend"));
            }
            return timer.medianMillis(model::step);
        } catch (RuntimeException e) {
            notes.add("TornadoVM failed: " + RowMeasurement.firstLine(e));
            return Double.NaN;
        }
    }

    private static Optional<CompiledGraph> lastGraph(KilnModel model) {
        List<CompiledGraph> graphs = model.block().compiledGraphs();
        return graphs.isEmpty() ? Optional.empty() : Optional.of(graphs.get(graphs.size() - 1));
    }
}
