package dev.kiln.random;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.Invocation;
import dev.kiln.op.creation.InitAttrs;

import java.util.ArrayList;
import java.util.List;

/**
 * Base of the samplers without inputs ({@code _random_uniform}, {@code _random_normal}, {@code _random_randint}):
 * attributes {@code shape} and {@code ctx} plus an optional {@code dtype} whose {@code None} means the op's default.
 * The output is allocated on the {@code ctx} device and filled by {@link #sample} from one draw's key.
 */
abstract class SampleOp extends RandomOp {
    static final AttrSpec<DType> DTYPE = AttrSpec.optional("dtype", AttrType.DTYPE,
            "DType of the output; None means the op's default");

    private final DType defaultType;
    private final List<DType> allowedTypes;

    SampleOp(String name, List<AttrSpec<?>> params, DType defaultType, List<DType> allowedTypes, String... aliases) {
        super(name, List.of(), withCommon(params), aliases);
        this.defaultType = defaultType;
        this.allowedTypes = allowedTypes;
    }

    private static List<AttrSpec<?>> withCommon(List<AttrSpec<?>> params) {
        List<AttrSpec<?>> all = new ArrayList<>(params);
        all.add(InitAttrs.SHAPE);
        all.add(InitAttrs.CTX);
        all.add(DTYPE);
        return all;
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        DType t = attrs.get(DTYPE);
        if (t == null) {
            return List.of(defaultType);
        }
        if (!allowedTypes.contains(t)) {
            throw error("attribute 'dtype' must be None or one of " + allowedTypes + ", got " + t);
        }
        return List.of(t);
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        checkParams(attrs);
        return List.of(InitAttrs.shape(this, attrs, InitAttrs.SHAPE));
    }

    /** Validates the distribution's parameters. */
    abstract void checkParams(Attrs attrs);

    /** Fills elements {@code [from, to)} of {@code data} for the draw with {@code key}. */
    abstract void sample(Attrs attrs, long key, DType t, Object data, int from, int to);

    @Override
    final List<NDArray> draw(Generator generator, Invocation call) {
        NDArray out = NDArray.zeros(call.outputShapes().get(0), call.outputTypes().get(0),
                InitAttrs.device(this, call.attrs()));
        long key = generator.nextKey();
        Object data = out.data();
        Sampling.parallel(out.size(), (from, to) -> sample(call.attrs(), key, out.dtype(), data, from, to));
        return List.of(out);
    }
}
