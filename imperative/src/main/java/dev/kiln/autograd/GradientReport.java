package dev.kiln.autograd;

import dev.kiln.ndarray.Shape;

import java.util.Arrays;

/**
 * The outcome of a gradient check: how many coordinates were compared, and the worst one (input, position,
 * autograd's value, the central difference, and its relative error).
 *
 * @param ratio the worst {@code |analytic - numeric| / (atol + rtol * max(|analytic|, |numeric|))}; at most 1 passes
 */
public record GradientReport(String subject, int checked, double ratio, int worstInput, int[] worstIndex,
                             double analytic, double numeric, double rtol, double atol) {

    public boolean passed() {
        return ratio <= 1.0;
    }

    /** {@code |analytic - numeric| / max(|analytic|, |numeric|)} at the worst coordinate. */
    public double relativeError() {
        double scale = Math.max(Math.abs(analytic), Math.abs(numeric));
        return scale == 0 ? 0 : Math.abs(analytic - numeric) / scale;
    }

    @Override
    public String toString() {
        if (checked == 0) {
            return "gradient check of " + subject + ": no coordinates checked";
        }
        return "gradient check of " + subject + " " + (passed() ? "passed" : "FAILED") + " over " + checked
                + " coordinates; worst: input " + worstInput + " at " + Arrays.toString(worstIndex) + ": autograd "
                + analytic + ", numeric " + numeric + " (relative error " + String.format("%.3g", relativeError())
                + ", rtol " + rtol + ", atol " + atol + ")";
    }

    /** Collects coordinates and keeps the worst. */
    static final class Builder {
        private final String subject;
        private final double rtol;
        private final double atol;
        private int checked;
        private double worst = -1;
        private int input = -1;
        private int[] index = new int[0];
        private double analytic;
        private double numeric;

        Builder(String subject, double rtol, double atol) {
            this.subject = subject;
            this.rtol = rtol;
            this.atol = atol;
        }

        void add(int inputIndex, Shape shape, int flat, double a, double n) {
            checked++;
            double ratio = Math.abs(a - n) / (atol + rtol * Math.max(Math.abs(a), Math.abs(n)));
            if (Double.isNaN(ratio)) {
                ratio = Double.isNaN(a) && Double.isNaN(n) ? 0 : Double.POSITIVE_INFINITY;
            }
            if (ratio > worst) {
                worst = ratio;
                input = inputIndex;
                index = shape.unravel(flat);
                analytic = a;
                numeric = n;
            }
        }

        GradientReport build() {
            return new GradientReport(subject, checked, Math.max(worst, 0), input, index, analytic, numeric, rtol,
                    atol);
        }
    }
}
