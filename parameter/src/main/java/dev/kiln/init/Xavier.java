package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.List;
import java.util.Map;

/**
 * Glorot/"Xavier" initialisation, as MXNet defines it: for a weight of shape {@code (out, in, k...)},
 * {@code fan_in = in * prod(k)}, {@code fan_out = out * prod(k)}, the factor is their mean ({@code "avg"}),
 * {@code fan_in} ({@code "in"}) or {@code fan_out} ({@code "out"}), and {@code scale = sqrt(magnitude / factor)};
 * values are uniform on {@code [-scale, scale)} ({@code "uniform"}) or normal with standard deviation {@code scale}
 * ({@code "gaussian"}). Weights need at least two dimensions.
 */
public class Xavier extends Initializer {
    static final String UNIFORM = "uniform";
    static final String GAUSSIAN = "gaussian";
    static final String AVG = "avg";
    static final int DEFAULT_MAGNITUDE = 3;

    private final String rndType;
    private final String factorType;
    private final double magnitude;

    /** MXNet's defaults: {@code rnd_type="uniform"}, {@code factor_type="avg"}, {@code magnitude=3}. */
    public Xavier() {
        this(UNIFORM, AVG, DEFAULT_MAGNITUDE);
    }

    /**
     * @param rndType    {@code "uniform"} or {@code "gaussian"}
     * @param factorType {@code "avg"}, {@code "in"} or {@code "out"}
     * @param magnitude  finite, not negative; an int stays an int in {@link #dumps()}
     */
    public Xavier(String rndType, String factorType, Number magnitude) {
        this(rndType, factorType, magnitude,
                kwargs("rnd_type", rndType, "factor_type", factorType, "magnitude", magnitude));
    }

    /** For variants that report their own constructor arguments in {@link #dumps()}. */
    protected Xavier(String rndType, String factorType, Number magnitude, Map<String, ?> kwargs) {
        super(kwargs);
        this.rndType = ArgChecks.oneOf(name(), "rnd_type", rndType, List.of(UNIFORM, GAUSSIAN));
        this.factorType = ArgChecks.oneOf(name(), "factor_type", factorType, List.of(AVG, "in", "out"));
        this.magnitude = ArgChecks.nonNegative(name(), "magnitude", magnitude);
    }

    @Override
    protected void initWeight(InitDesc desc, NDArray target) {
        FloatTarget.requireFloating(name(), desc, target);
        Shape shape = target.shape();
        if (shape.rank() < 2) {
            throw new KilnException("initializer '" + name() + "' cannot be applied to vector '" + desc.name()
                    + "' of shape " + shape + ": it needs at least 2 dimensions (out, in, ...) to find fan-in and"
                    + " fan-out");
        }
        double receptive = shape.sizeOf(2, shape.rank());
        double fanIn = shape.get(1) * receptive;
        double fanOut = shape.get(0) * receptive;
        double factor = switch (factorType) {
            case AVG -> (fanIn + fanOut) / 2;
            case "in" -> fanIn;
            default -> fanOut;
        };
        double scale = Math.sqrt(magnitude / factor);
        if (rndType.equals(UNIFORM)) {
            FloatTarget.uniform(generator(), -scale, scale, target);
        } else {
            FloatTarget.normal(generator(), 0, scale, target);
        }
    }
}
