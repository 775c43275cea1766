package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@link Differential} found: for every output, every input and parameter gradient and every parameter a
 * forward changed (running statistics), the eager and the compiled value and their largest differences.
 * {@link #assertWithin} turns it into a pass or a failure naming what disagrees; {@link #toString()} is a table.
 *
 * @param block          the checked block's name
 * @param training       whether both paths ran in training mode
 * @param gradients      whether both paths recorded and ran backward
 * @param seed           the seed the global random generator was reset to before each path
 * @param compiledGraphs how many graphs the compiled path compiled and ran; 0 means every graph was within the
 *                       inline limit and ran op by op, so nothing compiled was compared
 * @param entries        one per compared value, outputs first, then input gradients, parameter gradients, states
 */
public record DifferentialReport(String block, boolean training, boolean gradients, long seed, long compiledGraphs,
                                 List<Entry> entries) {

    public DifferentialReport {
        entries = List.copyOf(entries);
    }

    /** What a compared value is. */
    public enum Kind {
        /** An output of the block. */
        OUTPUT("output"),
        /** The gradient of an input (named as Gluon names inputs: {@code data}, {@code data0}, ...). */
        INPUT_GRADIENT("grad of input"),
        /** A trainable parameter's {@code grad()}. */
        PARAMETER_GRADIENT("grad of"),
        /** A parameter's value after the forward, where a forward changed it (BatchNorm's running statistics). */
        STATE("state");

        private final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /**
     * One compared value.
     *
     * @param kind     what it is
     * @param name     its name: the output's graph name, the input's or parameter's name
     * @param eager    the eager value
     * @param compiled the compiled path's value
     * @param maxAbs   the largest {@code |eager - compiled|} (infinite when shapes differ or only one is NaN)
     * @param absAt    where it occurs
     * @param maxRel   the largest {@code |eager - compiled| / max(|eager|, |compiled|)} (0 where both are 0)
     * @param relAt    where it occurs
     */
    public record Entry(Kind kind, String name, NDArray eager, NDArray compiled, double maxAbs, int[] absAt,
                        double maxRel, int[] relAt) {

        /** Measures {@code eager} against {@code compiled}. */
        static Entry of(Kind kind, String name, NDArray eager, NDArray compiled) {
            if (!eager.shape().equals(compiled.shape())) {
                return new Entry(kind, name, eager, compiled, Double.POSITIVE_INFINITY, new int[0],
                        Double.POSITIVE_INFINITY, new int[0]);
            }
            double[] e = eager.toDoubleArray();
            double[] c = compiled.toDoubleArray();
            double maxAbs = 0;
            double maxRel = 0;
            int absAt = 0;
            int relAt = 0;
            for (int i = 0; i < e.length; i++) {
                double abs = difference(e[i], c[i]);
                double scale = Math.max(Math.abs(e[i]), Math.abs(c[i]));
                double rel = abs == 0 ? 0 : abs / scale;
                if (abs > maxAbs) {
                    maxAbs = abs;
                    absAt = i;
                }
                if (rel > maxRel) {
                    maxRel = rel;
                    relAt = i;
                }
            }
            Shape s = eager.shape();
            return new Entry(kind, name, eager, compiled, maxAbs, s.unravel(absAt), maxRel, s.unravel(relAt));
        }

        /** The label of the report's rows and errors: {@code "output 0 (dense0_fwd_output)"}, {@code "grad of x"}. */
        public String label() {
            return kind == Kind.OUTPUT ? name : kind.label + " " + name;
        }

        /**
         * Why this value fails {@code |eager - compiled| <= atol + rtol * |eager|} (elementwise, NaN equal to NaN),
         * or {@code null} when every element passes.
         */
        public String violation(double rtol, double atol) {
            if (!eager.shape().equals(compiled.shape())) {
                return label() + ": shape " + eager.shape() + " eager, " + compiled.shape() + " compiled";
            }
            double[] e = eager.toDoubleArray();
            double[] c = compiled.toDoubleArray();
            int failing = 0;
            int worst = -1;
            double worstRatio = 0;
            for (int i = 0; i < e.length; i++) {
                double diff = difference(e[i], c[i]);
                double ratio = diff == 0 ? 0 : diff / (atol + rtol * Math.abs(e[i]));
                if (ratio > 1 || Double.isNaN(ratio)) {
                    failing++;
                    if (worst < 0 || ratio > worstRatio || Double.isNaN(ratio)) {
                        worst = i;
                        worstRatio = ratio;
                    }
                }
            }
            if (failing == 0) {
                return null;
            }
            return String.format(Locale.ROOT, "%s: %d of %d elements differ; at %s eager %s, compiled %s "
                            + "(|difference| %s, allowed %s)", label(), failing, e.length,
                    at(eager.shape().unravel(worst)), number(e[worst]), number(c[worst]),
                    number(difference(e[worst], c[worst])), number(atol + rtol * Math.abs(e[worst])));
        }

        private static double difference(double a, double b) {
            if (Double.isNaN(a) || Double.isNaN(b)) {
                return Double.isNaN(a) && Double.isNaN(b) ? 0 : Double.POSITIVE_INFINITY;
            }
            return a == b ? 0 : Math.abs(a - b); // equal infinities are equal
        }

    }

    /** The entries of {@code kind}, in report order. */
    public List<Entry> entries(Kind kind) {
        return entries.stream().filter(e -> e.kind() == kind).toList();
    }

    /** The entry labelled {@code label} (see {@link Entry#label()}), or one named {@code label}. */
    public Entry entry(String label) {
        for (Entry e : entries) {
            if (e.label().equals(label) || e.name().equals(label)) {
                return e;
            }
        }
        throw new KilnException("differential report of '" + block + "': no entry '" + label + "'; entries: "
                + entries.stream().map(Entry::label).toList());
    }

    /** The largest absolute difference over every entry. */
    public double maxAbs() {
        return entries.stream().mapToDouble(Entry::maxAbs).max().orElse(0);
    }

    /**
     * Throws a {@link KilnException} listing every value for which some element fails
     * {@code |eager - compiled| <= atol + rtol * |eager|}, with its worst element; returns this report otherwise.
     */
    public DifferentialReport assertWithin(double rtol, double atol) {
        List<String> failures = new ArrayList<>();
        for (Entry e : entries) {
            String v = e.violation(rtol, atol);
            if (v != null) {
                failures.add(v);
            }
        }
        if (!failures.isEmpty()) {
            throw new KilnException("block '" + block + "': eager and hybridized disagree beyond rtol " + number(rtol)
                    + ", atol " + number(atol) + " (" + mode() + ")\n  " + String.join("\n  ", failures) + "\n"
                    + this);
        }
        return this;
    }

    private String mode() {
        return (training ? "training" : "predict") + " mode, " + (gradients ? "with" : "without") + " gradients, "
                + "seed " + seed + ", " + compiledGraphs + " compiled graph" + (compiledGraphs == 1 ? "" : "s");
    }

    /** A table: one row per entry with its shape, largest absolute and relative difference and where they are. */
    @Override
    public String toString() {
        int width = "value".length();
        for (Entry e : entries) {
            width = Math.max(width, e.label().length());
        }
        String row = "%-" + width + "s  %-16s  %-10s  %-12s  %-10s  %s%n";
        StringBuilder sb = new StringBuilder("eager vs hybridized, block '" + block + "' (" + mode() + ")\n");
        sb.append(String.format(Locale.ROOT, row, "value", "shape", "max |diff|", "at", "max rel", "at"));
        for (Entry e : entries) {
            String shape = e.eager().shape().equals(e.compiled().shape()) ? e.eager().shape().toString()
                    : e.eager().shape() + " vs " + e.compiled().shape();
            sb.append(String.format(Locale.ROOT, row, e.label(), shape, number(e.maxAbs()),
                    e.maxAbs() == 0 ? "-" : at(e.absAt()), number(e.maxRel()), e.maxRel() == 0 ? "-" : at(e.relAt())));
        }
        if (compiledGraphs == 0) {
            sb.append("note: no compiled graph ran (graphs within HybridizeOptions.inlineLimit run op by op while "
                    + "recording); use inlineLimit(0) to compare the compiled path\n");
        }
        return sb.toString();
    }

    private static String at(int[] index) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < index.length; i++) {
            sb.append(i > 0 ? ", " : "").append(index[i]);
        }
        return sb.append(')').toString();
    }

    /** Four significant digits without trailing zeros: {@code 12}, {@code 0.000121}, {@code 3.1e-05}. */
    private static String number(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return v == 0 ? "0" : Double.toString(v);
        }
        String s = String.format(Locale.ROOT, "%.4g", v);
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        if (mantissa.contains(".")) {
            mantissa = mantissa.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return e < 0 ? mantissa : mantissa + s.substring(e);
    }
}
