package dev.kiln.bench.suite;

import dev.kiln.compiler.MemoryPlan;
import dev.kiln.conformance.MXNet;
import dev.kiln.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures one row in this process: Kiln eager, Kiln hybridized with static allocation and shapes, and MXNet (op by
 * op and static cached op) on the same weights, their timed runs interleaved; then, when TornadoVM is in this JVM,
 * Kiln hybridized on the {@code tornado} backend ({@link TornadoColumn}). For a training row, also the heap one step
 * allocates in each Kiln mode ({@link StepAllocation}). Before timing, the hybridized, MXNet imperative and MXNet
 * cached-op outputs are checked against Kiln's eager output ({@link Agreement}); a disagreement is reported in the
 * row's note as a WARNING, and the row is still timed. Timed rounds in which the JIT compilers were busy are run
 * again ({@link Timer#interleaved}); the note says how many.
 */
public final class RowMeasurement {
    private static final long SEED = 1;

    private RowMeasurement() {
    }

    /**
     * Measures {@code row}; {@code mx} null leaves the MXNet columns empty (NaN). The eager and hybridized columns
     * run two instances of the model with the same seed (so the same weights); the four timed columns are
     * interleaved ({@link Timer#interleavedMedians}), so their ratios do not depend on when each was taken.
     */
    public static ModelRow measure(ModelCase row, MXNet mx, Timer timer, int threads) {
        List<String> notes = new ArrayList<>();
        KilnModel kiln = new KilnModel(row, SEED);
        List<NDArray> eager = kiln.run();
        KilnModel hybrid = new KilnModel(row, SEED);
        hybrid.hybridize();
        check(notes, "Kiln hybridized", hybrid.run(), eager);

        List<Runnable> bodies = new ArrayList<>(List.of(kiln::step, hybrid::step));
        MXNetModel m = null;
        if (mx != null) {
            try {
                m = new MXNetModel(mx, kiln.block(), kiln.input(), row.training());
                check(notes, "MXNet CachedOp", m.cachedOp(), eager);
                check(notes, "MXNet imperative", m.imperative(), eager);
                bodies.add(m::imperativeStep);
                bodies.add(m::cachedOpStep);
            } catch (RuntimeException e) {
                notes.add("MXNet failed: " + firstLine(e));
                if (m != null) {
                    m.close();
                    m = null;
                }
            }
        }
        double[] ms;
        try {
            // Kiln's columns (0, 1) and MXNet's (2, 3) are told apart, for the pause between the two libraries
            Timer.Interleaved timed = timer.interleaved(bodies,
                    bodies.size() == 4 ? new int[] {0, 0, 1, 1} : new int[2]);
            ms = timed.medians();
            if (timed.repeatedRounds() > 0) {
                notes.add(String.format(Locale.ROOT, "%d timed round(s) run again while the JIT compiled"
                        + " (%d ms of compilation in the rounds kept)", timed.repeatedRounds(),
                        timed.keptCompilationMillis()));
            }
        } finally {
            if (m != null) {
                m.close();
            }
        }
        // after the timed runs, so that compilation and first-use allocations are over
        long eagerAlloc = row.training() ? StepAllocation.leastBytes(kiln::step) : -1;
        long hybridAlloc = row.training() ? StepAllocation.leastBytes(hybrid::step) : -1;
        double imperativeMs = ms.length > 2 ? ms[2] : Double.NaN;
        double cachedMs = ms.length > 2 ? ms[3] : Double.NaN;
        long planned = -1;
        long unplanned = -1;
        try {
            MemoryPlan plan = hybrid.memoryPlan();
            planned = plan.plannedBytes();
            unplanned = plan.unplannedBytes();
        } catch (RuntimeException e) {
            notes.add("no memory plan: " + firstLine(e));
        }
        boolean tornado = TornadoColumn.present();
        double tornadoMs = tornado ? TornadoColumn.measure(row, eager, timer, SEED, notes) : Double.NaN;
        return new ModelRow(row.model(), row.pass(), row.batch(), threads, ms[0], ms[1], imperativeMs, cachedMs,
                planned, unplanned, eagerAlloc, hybridAlloc, tornado, tornadoMs, String.join("; ", notes));
    }

    static void check(List<String> notes, String what, List<NDArray> actual, List<NDArray> eager) {
        double d = Agreement.scaledDifference(actual, eager);
        if (!(d <= Agreement.TOLERANCE)) {
            notes.add(String.format(Locale.ROOT, "WARNING: %s differs from Kiln eager (max diff / max |value| = %.2g,"
                    + " bound %.0g)", what, d, Agreement.TOLERANCE));
        }
    }

    static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return e.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
    }
}
