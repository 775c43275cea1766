package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;

import java.util.Objects;

/**
 * Fills weights with a given value: a number (any dtype, rounded to it) or an array of the parameter's shape or of a
 * single element. {@code dumps()} gives {@code ["constant", {"value": 42}]}; an array value has no JSON form.
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

    /** Fails for an array value: like MXNet's {@code json.dumps} on an NDArray, it has no JSON form. */
    @Override
    public String dumps() {
        if (array != null) {
            throw new KilnException("constant initializer with an array value of shape " + array.shape()
                    + " cannot be written by dumps(): only a number value has a JSON form");
        }
        return super.dumps();
    }
}
