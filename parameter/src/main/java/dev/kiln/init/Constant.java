package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Fills weights with a given value: a number (any dtype, rounded to it) or an array of the parameter's shape or of a
 * single element. {@code dumps()} gives {@code ["constant", {"value": 42}]}, or for an array value its nested lists
 * ({@code {"value": [[1.0, 2.0], [3.0, 4.0]]}}), which MXNet's {@code Constant} also accepts.
 */
public final class Constant extends Initializer {
    private final double number;
    private final NDArray array;

    /** Fills with {@code value}; an int stays an int in {@link #dumps()}, as in Python. */
    public Constant(Number value) {
        super(kwargs("value", Objects.requireNonNull(value, "value")));
        this.number = value.doubleValue();
        this.array = null;
    }

    /** Fills with a copy of {@code value}, taken now; it must match the parameter's shape or hold one element. */
    public Constant(NDArray value) {
        super(kwargs("value", Objects.requireNonNull(value, "value").copy()));
        this.number = Double.NaN;
        this.array = (NDArray) kwargs().get("value");
    }

    @Override
    protected void initWeight(InitDesc desc, NDArray target) {
        if (array == null) {
            target.fill(number);
        } else if (array.shape().equals(target.shape())) {
            array.copyTo(target);
        } else if (array.size() == 1) {
            target.fill(array.getDouble(0));
        } else {
            throw new KilnException("constant initializer value of shape " + array.shape() + " cannot fill '"
                    + desc.name() + "' of shape " + target.shape() + ": shapes must match (or the value hold one"
                    + " element)");
        }
    }

    /** MXNet's form; an array value is written as nested lists (Python floats, or ints for integer dtypes). */
    @Override
    public String dumps() {
        if (array == null) {
            return super.dumps();
        }
        return PythonJson.dumps(List.of(name(), Map.of("value", nested(array, 0, 0))));
    }

    /** The initialiser a JSON {@code value} describes: a number, or nested lists of numbers (as float32). */
    static Constant fromJson(Object value) {
        if (value instanceof Number n) {
            return new Constant(n);
        }
        List<Integer> dims = new ArrayList<>();
        Object level = value;
        while (level instanceof List<?> l) {
            dims.add(l.size());
            level = l.isEmpty() ? null : l.get(0);
        }
        List<Double> flat = new ArrayList<>();
        flatten(value, 0, dims, flat);
        double[] values = flat.stream().mapToDouble(Double::doubleValue).toArray();
        int[] shape = dims.stream().mapToInt(Integer::intValue).toArray();
        return new Constant(NDArray.of(Shape.of(shape), DType.FLOAT32, values));
    }

    private static void flatten(Object v, int depth, List<Integer> dims, List<Double> out) {
        if (depth == dims.size()) {
            if (!(v instanceof Number n)) {
                throw new KilnException("constant initializer: value must hold numbers, got " + PythonJson.dumps(v));
            }
            out.add(n.doubleValue());
            return;
        }
        if (!(v instanceof List<?> l) || l.size() != dims.get(depth)) {
            throw new KilnException("constant initializer: value must be a number or regular nested lists, got a "
                    + "ragged or mixed list at depth " + depth);
        }
        for (Object x : l) {
            flatten(x, depth + 1, dims, out);
        }
    }

    private static Object nested(NDArray a, int axis, int offset) {
        if (axis == a.rank()) {
            double v = a.getDouble(offset);
            return a.dtype().isFloating() ? (Object) v : (Object) (long) v;
        }
        int[] dims = a.shape().dims();
        int stride = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            stride *= dims[i];
        }
        List<Object> out = new ArrayList<>(dims[axis]);
        for (int i = 0; i < dims[axis]; i++) {
            out.add(nested(a, axis + 1, offset + i * stride));
        }
        return out;
    }
}
