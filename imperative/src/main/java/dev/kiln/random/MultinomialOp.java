package dev.kiln.random;

import dev.kiln.ndarray.Casting;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Attrs;
import dev.kiln.op.IntTuple;
import dev.kiln.op.Invocation;
import dev.kiln.op.TypeSlots;
import dev.kiln.parallel.Parallel;

import java.util.ArrayList;
import java.util.List;

/**
 * MXNet's {@code _sample_multinomial}: {@code data}'s last axis holds the probabilities of {@code K} categories; each
 * distribution yields {@code shape} samples of category indices. The output shape is {@code data.shape[:-1] + shape}
 * (a 1-D {@code data} with an empty {@code shape} gives one sample of shape {@code (1,)}). With {@code get_prob} a
 * second output holds the log probability of each sampled category, in {@code data}'s dtype. As in MXNet, samples
 * come from a float32 cumulative table and a float32 uniform number, found by binary search.
 */
final class MultinomialOp extends RandomOp {
    static final AttrSpec<IntTuple> SHAPE = AttrSpec.of("shape", AttrType.TUPLE, IntTuple.of(),
            "Shape to be sampled from each random distribution");
    static final AttrSpec<Boolean> GET_PROB = AttrSpec.of("get_prob", AttrType.BOOL, false,
            "Also return the log probability of each sampled result");
    static final AttrSpec<DType> DTYPE = AttrSpec.of("dtype", AttrType.DTYPE, DType.INT32,
            "DType of the sampled indices");

    private static final List<DType> ALLOWED = List.of(DType.UINT8, DType.INT32, DType.FLOAT16, DType.FLOAT32,
            DType.FLOAT64);

    static final MultinomialOp INSTANCE = new MultinomialOp();

    private MultinomialOp() {
        super("_sample_multinomial", List.of("data"), List.of(SHAPE, GET_PROB, DTYPE), "sample_multinomial");
    }

    @Override
    public String doc() {
        return "Samples category indices from multinomial distributions given by probabilities";
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return attrs.get(GET_PROB) ? 2 : 1;
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        DType in = inputTypes.get(0);
        if (!in.isFloating()) {
            throw error("input 'data' must hold probabilities in a floating dtype, got " + in);
        }
        DType t = attrs.get(DTYPE);
        if (!ALLOWED.contains(t)) {
            throw error("attribute 'dtype' must be one of " + ALLOWED + ", got " + t);
        }
        return attrs.get(GET_PROB) ? List.of(t, in) : List.of(t);
    }

    /** The samples have the {@code dtype} attribute's dtype whatever the data's; the probabilities keep the data's. */
    @Override
    public void inferTypesPartial(TypeSlots slots) {
        slots.assignOutput(0, slots.attrs().get(DTYPE));
        if (slots.numOutputs() > 1) {
            slots.unify(new int[] {0}, new int[] {1});
        }
        slots.forward();
    }

    @Override
    public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
        Shape in = inputShapes.get(0);
        if (in.rank() == 0 || in.get(-1) == 0) {
            throw error("input 'data' must have a non-empty last axis of probabilities, got shape " + in);
        }
        IntTuple sample = attrs.get(SHAPE);
        for (int i = 0; i < sample.size(); i++) {
            if (sample.isNone(i) || sample.get(i) < 0) {
                throw error("attribute 'shape' must hold sizes >= 0, got " + sample);
            }
        }
        Shape out;
        if (in.rank() == 1) {
            out = sample.isEmpty() ? Shape.of(1) : Shape.of(sample.toArray());
        } else {
            out = in.slice(0, in.rank() - 1).concat(Shape.of(sample.toArray()));
        }
        if (out.sizeLong() > Integer.MAX_VALUE - 8) {
            throw error("output shape " + out + " has more elements than a Java array holds");
        }
        List<Shape> shapes = new ArrayList<>();
        for (int i = 0; i < numOutputs(attrs); i++) {
            shapes.add(out);
        }
        return shapes;
    }

    @Override
    List<NDArray> draw(Generator generator, Invocation call) {
        NDArray dist = call.input(0);
        int k = dist.shape().get(-1);
        int n = dist.size() / k;
        NDArray out = call.newOutput(0);
        NDArray prob = call.outputShapes().size() > 1 ? call.newOutput(1) : null;
        int m = n == 0 ? 0 : out.size() / n;
        long key = generator.nextKey();
        Parallel.forRange(n, Math.max(1, 4096 / Math.max(1, m + k)), (from, to) -> {
            float[] cumulative = new float[k];
            for (int i = from; i < to; i++) {
                double acc = 0;
                for (int c = 0; c < k; c++) {
                    acc += dist.getDouble(i * k + c);
                    cumulative[c] = (float) acc;
                }
                for (int j = 0; j < m; j++) {
                    int flat = i * m + j;
                    double u = Casting.roundTo(dist.dtype(), Generator.unitFloat(Generator.bits(key, flat)));
                    int left = 0;
                    int right = k;
                    while (left < right) {
                        int mid = (left + right) >>> 1;
                        if (Casting.roundTo(dist.dtype(), cumulative[mid]) < u) {
                            left = mid + 1;
                        } else {
                            right = mid;
                        }
                    }
                    // rounding can leave the total a little below u: take the last category, not one past it
                    left = Math.min(left, k - 1);
                    Storage.set(out.dtype(), out.data(), flat, left);
                    if (prob != null) {
                        prob.setDouble(flat, (float) Math.log((float) dist.getDouble(i * k + left)));
                    }
                }
            }
        });
        return prob == null ? List.of(out) : List.of(out, prob);
    }
}
