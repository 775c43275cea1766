package dev.kiln.op.shape;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import org.assertj.core.api.AbstractThrowableAssert;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Inputs and calls shared by the shape family's tests. */
final class ShapeTestSupport {
    private ShapeTestSupport() {
    }

    /** 0, 1, 2, ... in the given dtype and shape (bool holds {@code i % 2}). */
    static NDArray arange(DType t, int... dims) {
        Shape s = Shape.of(dims);
        double[] v = new double[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = t == DType.BOOL ? i % 2 : i;
        }
        return NDArray.of(s, t, v);
    }

    static NDArray arange(int... dims) {
        return arange(DType.FLOAT32, dims);
    }

    /** {@code base + 0, base + 1, ...} as float32. */
    static NDArray range(double base, int... dims) {
        Shape s = Shape.of(dims);
        double[] v = new double[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = base + i;
        }
        return NDArray.of(s, DType.FLOAT32, v);
    }

    static NDArray call(String op, Map<String, ?> attrs, NDArray... in) {
        return Ops.call(op, attrs, in);
    }

    static List<NDArray> invoke(String op, Map<String, ?> attrs, NDArray... in) {
        return Ops.invoke(op, attrs, in);
    }

    static Map<String, Object> attrs(Object... kv) {
        return Ops.attrs(kv);
    }

    /** Asserts the call fails with a KilnException whose message contains every fragment. */
    static AbstractThrowableAssert<?, ? extends Throwable> fails(String op, Map<String, ?> attrs, NDArray... in) {
        return assertThatThrownBy(() -> Ops.invoke(op, attrs, in)).isInstanceOf(KilnException.class);
    }

    /** {@code values} as doubles, for bool expectations written as 0/1. */
    static double[] d(double... values) {
        return values;
    }
}
