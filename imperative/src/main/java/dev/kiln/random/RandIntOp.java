package dev.kiln.random;

import dev.kiln.ndarray.DType;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;

import java.util.List;

/** MXNet's {@code _random_randint}: integers drawn uniformly from {@code [low, high)}, int32 unless asked for int64. */
final class RandIntOp extends SampleOp {
    static final AttrSpec<Long> LOW = AttrSpec.required("low", AttrType.LONG, "Lower bound (inclusive)");
    static final AttrSpec<Long> HIGH = AttrSpec.required("high", AttrType.LONG, "Upper bound (exclusive)");

    static final RandIntOp INSTANCE = new RandIntOp();

    private RandIntOp() {
        super("_random_randint", List.of(LOW, HIGH), DType.INT32, List.of(DType.INT32, DType.INT64),
                "random_randint");
    }

    @Override
    public String doc() {
        return "Samples integers uniformly from [low, high)";
    }

    @Override
    void checkParams(Attrs attrs) {
        long low = attrs.get(LOW);
        long high = attrs.get(HIGH);
        if (low >= high) {
            throw error("attribute 'low' (" + low + ") must be < 'high' (" + high + ")");
        }
        DType t = attrs.get(DTYPE);
        if ((t == null || t == DType.INT32) && (low < Integer.MIN_VALUE || high - 1 > Integer.MAX_VALUE)) {
            throw error("range [" + low + ", " + high + ") does not fit int32; pass dtype='int64'");
        }
    }

    @Override
    void sample(Attrs attrs, long key, DType t, Object data, int from, int to) {
        Sampling.randint(key, attrs.get(LOW), attrs.get(HIGH), t, data, from, to);
    }
}
