package dev.kiln.bench.suite;

import dev.kiln.compiler.MemoryPlan;
import dev.kiln.conformance.MXNet;
import dev.kiln.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Measures one row in this process: Kiln eager, then MXNet (op by op and static cached op) on the block's weights,
 * then Kiln hybridized with static allocation and shapes, then (when TornadoVM is in this JVM) Kiln hybridized on the
 * {@code tornado} backend ({@link TornadoColumn}); for a training row, also the heap one step
 * allocates in each Kiln mode ({@link StepAllocation}). Before timing, the hybridized, MXNet imperative and MXNet
 * cached-op outputs are checked against Kiln's eager output ({@link Agreement}); a disagreement is reported in the
 * row's note as a WARNING, and the row is still timed.
 */
public final class RowMeasurement {
    private static final long SEED = 1;

    private RowMeasurement() {
    }

    /** Measures {@code row}; {@code mx} null leaves the MXNet columns empty (NaN). */
    public static ModelRow measure(ModelCase row, MXNet mx, Timer timer, int threads) {
        List<String> notes = new ArrayList<>();
        KilnModel kiln = new KilnModel(row, SEED);
        List<NDArray> eager = kiln.run();
        double eagerMs = timer.medianMillis(kiln::step);
        long eagerAlloc = row.training() ? StepAllocation.leastBytes(kiln::step) : -1;

        double imperativeMs = Double.NaN;
        double cachedMs = Double.NaN;
        if (mx != null) {
            try (MXNetModel m = new MXNetModel(mx, kiln.block(), kiln.input(), row.training())) {
                check(notes, "MXNet CachedOp", m.cachedOp(), eager);
                check(notes, "MXNet imperative", m.imperative(), eager);
                imperativeMs = timer.medianMillis(m::imperativeStep);
                cachedMs = timer.medianMillis(m::cachedOpStep);
            } catch (RuntimeException e) {
                notes.add("MXNet failed: " + firstLine(e));
            }
        }

        kiln.hybridize();
        check(notes, "Kiln hybridized", kiln.run(), eager);
        double hybridMs = timer.medianMillis(kiln::step);
        long hybridAlloc = row.training() ? StepAllocation.leastBytes(kiln::step) : -1;
        long planned = -1;
        long unplanned = -1;
        try {
            MemoryPlan plan = kiln.memoryPlan();
            planned = plan.plannedBytes();
            unplanned = plan.unplannedBytes();
        } catch (RuntimeException e) {
            notes.add("no memory plan: " + firstLine(e));
        }
        boolean tornado = TornadoColumn.present();
        double tornadoMs = tornado ? TornadoColumn.measure(row, eager, timer, SEED, notes) : Double.NaN;
        return new ModelRow(row.model(), row.pass(), row.batch(), threads, eagerMs, hybridMs, imperativeMs, cachedMs,
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
