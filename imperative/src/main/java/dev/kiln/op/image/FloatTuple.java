package dev.kiln.op.image;

import dev.kiln.KilnException;
import dev.kiln.op.AttrType;
import dev.kiln.op.PythonFormat;

import java.util.Arrays;
import java.util.StringJoiner;

/**
 * An immutable tuple of floats, MXNet's {@code Tuple<float>} attribute ({@code _image_normalize}'s {@code mean} and
 * {@code std}): written {@code (0.5, 0.25)}, a single value {@code (0.5,)}; a bare number parses as one element.
 */
public final class FloatTuple {
    /** The attribute type: accepts a {@code FloatTuple}, a number, {@code double[]}, {@code float[]} or a string. */
    public static final AttrType<FloatTuple> TYPE = new AttrType.Simple<>("float tuple", FloatTuple.class) {
        @Override
        public FloatTuple parse(String text) {
            return FloatTuple.parse(text);
        }

        @Override
        public String format(FloatTuple value) {
            return value.toString();
        }

        @Override
        public FloatTuple coerce(Object value) {
            return switch (value) {
                case Number n -> of(n.doubleValue());
                case double[] a -> of(a);
                case float[] a -> {
                    double[] d = new double[a.length];
                    for (int i = 0; i < a.length; i++) {
                        d[i] = a[i];
                    }
                    yield of(d);
                }
                default -> super.coerce(value);
            };
        }
    };

    private final double[] values;

    private FloatTuple(double[] values) {
        this.values = values;
    }

    public static FloatTuple of(double... values) {
        return new FloatTuple(values.clone());
    }

    /** Parses {@code (1, 2.5)}, {@code [1, 2.5]}, {@code (1,)} or {@code 1}. */
    public static FloatTuple parse(String text) {
        String t = text.trim();
        if ((t.startsWith("(") && t.endsWith(")")) || (t.startsWith("[") && t.endsWith("]"))) {
            t = t.substring(1, t.length() - 1).trim();
        }
        if (t.endsWith(",")) {
            t = t.substring(0, t.length() - 1);
        }
        if (t.isBlank()) {
            return new FloatTuple(new double[0]);
        }
        String[] parts = t.split(",");
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new KilnException("cannot parse '" + text + "' as a tuple of floats");
            }
        }
        return new FloatTuple(v);
    }

    public int size() {
        return values.length;
    }

    public double get(int i) {
        return values[i];
    }

    /** The value for channel {@code c}: the only value of a one-element tuple, else element {@code c}. */
    public double forChannel(int c) {
        return values.length == 1 ? values[0] : values[c];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FloatTuple t && Arrays.equals(values, t.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        if (values.length == 1) {
            return "(" + PythonFormat.formatFloat(values[0]) + ",)";
        }
        StringJoiner j = new StringJoiner(", ", "(", ")");
        for (double v : values) {
            j.add(PythonFormat.formatFloat(v));
        }
        return j.toString();
    }
}
