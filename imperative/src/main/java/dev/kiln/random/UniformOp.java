package dev.kiln.random;

import dev.kiln.ndarray.DType;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;

import java.util.List;

/** MXNet's {@code _random_uniform}: values drawn uniformly from {@code [low, high)}. */
final class UniformOp extends SampleOp {
    static final AttrSpec<Double> LOW = AttrSpec.of("low", AttrType.FLOAT, 0.0, "Lower bound of the distribution");
    static final AttrSpec<Double> HIGH = AttrSpec.of("high", AttrType.FLOAT, 1.0, "Upper bound of the distribution");

    static final UniformOp INSTANCE = new UniformOp();

    private UniformOp() {
        super("_random_uniform", List.of(LOW, HIGH), DType.FLOAT32,
                List.of(DType.FLOAT16, DType.FLOAT32, DType.FLOAT64, DType.BFLOAT16), "random_uniform", "uniform");
    }

    @Override
    public String doc() {
        return "Samples from a uniform distribution on [low, high)";
    }

    @Override
    void checkParams(Attrs attrs) {
        double low = attrs.get(LOW);
        double high = attrs.get(HIGH);
        if (!(low <= high)) {
            throw error("attribute 'low' (" + low + ") must be <= 'high' (" + high + ")");
        }
    }

    @Override
    void sample(Attrs attrs, long key, DType t, Object data, int from, int to) {
        Sampling.uniform(key, attrs.get(LOW), attrs.get(HIGH), t, data, from, to);
    }
}
