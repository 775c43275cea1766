package dev.kiln.parameter;

import dev.kiln.KilnException;
import dev.kiln.graph.VarAttrs;
import dev.kiln.ndarray.Shape;

/** Shape merging for parameters, where an unknown dimension ({@link Shape#UNKNOWN}) takes the other side's value. */
final class Shapes {
    private Shapes() {
    }

    /**
     * The dimension-wise merge of {@code current} and {@code given} (either may be {@code null} or of unknown rank);
     * fails naming the parameter and both shapes when ranks differ or two known dimensions disagree.
     */
    static Shape merge(String parameter, Shape current, Shape given) {
        if (current == null || !current.isRankKnown()) {
            return given == null ? current : given;
        }
        if (given == null || !given.isRankKnown()) {
            return current;
        }
        int[] a = current.dims();
        int[] b = given.dims();
        if (a.length != b.length) {
            throw conflict(parameter, current, given, "ranks differ (" + a.length + " vs " + b.length + ")");
        }
        int[] out = new int[a.length];
        for (int i = 0; i < a.length; i++) {
            if (a[i] == Shape.UNKNOWN || a[i] == b[i]) {
                out[i] = b[i];
            } else if (b[i] == Shape.UNKNOWN) {
                out[i] = a[i];
            } else {
                throw conflict(parameter, current, given, "dimension " + i + " is " + a[i] + " vs " + b[i]);
            }
        }
        return Shape.partial(out);
    }

    /** MXNet's text for a parameter shape: a Python tuple, 0 for each unknown dimension, {@code None} if unset. */
    static String text(Shape s) {
        return s == null ? "None" : VarAttrs.formatShape(s);
    }

    static boolean isComplete(Shape s) {
        return s != null && s.isRankKnown() && s.isKnown();
    }

    private static KilnException conflict(String parameter, Shape current, Shape given, String detail) {
        return new KilnException("Parameter '" + parameter + "': shape " + text(given) + " is incompatible with its "
                + "shape " + text(current) + ": " + detail);
    }
}
