package dev.kiln.init;

/**
 * He/MSRA initialisation for layers followed by (P)ReLU: {@link Xavier} with Gaussian values and
 * {@code magnitude = 2 / (1 + slope^2)}; {@code dumps()} reports only {@code factor_type} and {@code slope}.
 */
public final class MSRAPrelu extends Xavier {
    static final double DEFAULT_SLOPE = 0.25;

    /** MXNet's defaults: {@code factor_type="avg"}, {@code slope=0.25}. */
    public MSRAPrelu() {
        this(AVG, DEFAULT_SLOPE);
    }

    /**
     * @param factorType {@code "avg"}, {@code "in"} or {@code "out"}
     * @param slope      the initial negative slope of the following PReLU, finite
     */
    public MSRAPrelu(String factorType, Number slope) {
        super(GAUSSIAN, factorType, magnitude(slope), kwargs("factor_type", factorType, "slope", slope));
    }

    private static double magnitude(Number slope) {
        double s = ArgChecks.finite("msraprelu", "slope", slope);
        return 2 / (1 + s * s);
    }
}
