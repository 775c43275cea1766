package dev.kiln.op;

import dev.kiln.ndarray.Shape;

import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Partial shapes of one op application during graph shape inference. An unknown shape is {@code null} or
 * {@link Shape#unknownRank()}; an unknown dim is {@link Shape#UNKNOWN}. Merging fills unknown dims from the other
 * shape and fails on a differing rank or known dim.
 */
public final class ShapeSlots extends InferenceSlots<Shape> {

    public ShapeSlots(OpDef op, Attrs attrs, List<Shape> inputs, List<Shape> outputs) {
        super(op, attrs, inputs, outputs);
    }

    @Override
    Shape merge(Shape known, Shape assigned) {
        return mergeShapes(known, assigned);
    }

    @Override
    boolean isUnknown(Shape value) {
        return !isRankKnown(value);
    }

    @Override
    public boolean isKnown(Shape value) {
        return value != null && value.isKnown();
    }

    @Override
    public void forward() {
        if (allInputsKnown()) {
            assignOutputs(op().inferShapes(attrs(), inputs()));
        }
    }

    /**
     * The partial rule of an op whose output 0 follows from input 0's shape once its rank is known: while that shape
     * is partial, {@code outShape} (which carries unknown dims through) gives the output; once every input is known
     * the op's own inference runs as usual.
     */
    public void forwardFromRank(UnaryOperator<Shape> outShape) {
        Shape in = input(0);
        if (isRankKnown(in) && !in.isKnown()) {
            assignOutput(0, outShape.apply(in));
        }
        forward();
    }

    /**
     * Takes what {@code derived} says about input {@code i}'s unknown dims (or its rank, if that is unknown) from the
     * op's other slots, the backward direction of an op's inference. Known dims are left alone, so a contradiction
     * surfaces in the forward direction, naming the slot that disagrees with the data; a different rank is left to
     * the op's own checks.
     */
    public void learnInput(int i, Shape derived) {
        Shape known = input(i);
        if (!isRankKnown(known) || !isRankKnown(derived)) {
            assignInput(i, derived);
        } else if (known.rank() == derived.rank()) {
            int[] dims = known.dims();
            for (int d = 0; d < dims.length; d++) {
                if (dims[d] == Shape.UNKNOWN) {
                    dims[d] = derived.get(d);
                }
            }
            assignInput(i, Shape.partial(dims));
        }
    }

    /** A shape of rank {@code rank} whose dims are all unknown. */
    public static Shape unknownDims(int rank) {
        int[] dims = new int[rank];
        Arrays.fill(dims, Shape.UNKNOWN);
        return Shape.partial(dims);
    }

    /** The product of dims {@code [from, to)} of a rank-known shape, or {@link Shape#UNKNOWN} if one is unknown. */
    public static int product(Shape s, int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            int d = s.get(i);
            if (d == Shape.UNKNOWN) {
                return Shape.UNKNOWN;
            }
            n *= d;
        }
        return Math.toIntExact(n);
    }

    /**
     * Fills the one unknown dim among {@code [from, to)} of {@code s} so that those dims multiply to {@code total}
     * (MXNet's reverse reshape inference); returns {@code s} unchanged unless exactly one dim is unknown, the others'
     * product is positive, and {@code total} is a known multiple of it.
     */
    public static Shape fillProduct(Shape s, int from, int to, long total) {
        if (total == Shape.UNKNOWN) {
            return s;
        }
        int unknownAt = -1;
        long known = 1;
        for (int i = from; i < to; i++) {
            if (s.get(i) != Shape.UNKNOWN) {
                known *= s.get(i);
            } else if (unknownAt >= 0) {
                return s;
            } else {
                unknownAt = i;
            }
        }
        if (unknownAt < 0 || known == 0 || total % known != 0) {
            return s;
        }
        return s.with(unknownAt, (int) (total / known));
    }

    /** True if at least the rank of {@code value} is known. */
    public static boolean isRankKnown(Shape value) {
        return value != null && value.isRankKnown();
    }

    @Override
    String what() {
        return "shape";
    }

    /**
     * The most specific shape agreeing with both, or {@code null} if they contradict (different ranks, or a dim
     * known differently in each). An unknown-rank or {@code null} shape agrees with anything.
     */
    public static Shape mergeShapes(Shape a, Shape b) {
        if (a == null || !a.isRankKnown()) {
            return b == null ? a : b;
        }
        if (b == null || !b.isRankKnown()) {
            return a;
        }
        if (a.rank() != b.rank()) {
            return null;
        }
        int[] da = a.dims();
        int[] db = b.dims();
        for (int i = 0; i < da.length; i++) {
            if (da[i] == Shape.UNKNOWN) {
                da[i] = db[i];
            } else if (db[i] != Shape.UNKNOWN && db[i] != da[i]) {
                return null;
            }
        }
        return Shape.partial(da);
    }
}
