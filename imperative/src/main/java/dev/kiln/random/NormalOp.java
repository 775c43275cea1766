package dev.kiln.random;

import dev.kiln.ndarray.DType;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;

import java.util.List;

/** MXNet's {@code _random_normal}: values from a normal distribution with mean {@code loc}, deviation {@code scale}. */
final class NormalOp extends SampleOp {
    static final AttrSpec<Double> LOC = AttrSpec.of("loc", AttrType.FLOAT, 0.0, "Mean of the distribution");
    static final AttrSpec<Double> SCALE = AttrSpec.of("scale", AttrType.FLOAT, 1.0,
            "Standard deviation of the distribution");

    static final NormalOp INSTANCE = new NormalOp();

    private NormalOp() {
        super("_random_normal", List.of(LOC, SCALE), DType.FLOAT32,
                List.of(DType.FLOAT16, DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16), "random_normal", "normal");
    }

    @Override
    public String doc() {
        return "Samples from a normal (Gaussian) distribution";
    }

    @Override
    void checkParams(Attrs attrs) {
        double scale = attrs.get(SCALE);
        if (!(scale > 0)) {
            throw error("attribute 'scale' must be positive, got " + scale);
        }
    }

    @Override
    void sample(Attrs attrs, long key, DType t, Object data, int from, int to) {
        Sampling.normal(key, attrs.get(LOC), attrs.get(SCALE), t, data, from, to);
    }
}
