package dev.kiln.ndarray;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * MXNet 1.x's text form of an array: NumPy 1.x's {@code str(array)} of the values, then a footer
 * {@code <NDArray 2x3 @cpu(0)>}. The values follow NumPy's default print options: floats with at most
 * {@value #PRECISION} fractional digits, each the shortest that identifies the value in its dtype, aligned on the
 * decimal point, switching to scientific notation when the magnitudes call for it; lines wrapped at
 * {@value #LINE_WIDTH} characters; arrays over {@value #THRESHOLD} elements summarised with {@code ...}, keeping
 * {@value #EDGE_ITEMS} items at each edge. Where NumPy 2 differs from 1.x (float16 switches to scientific notation
 * from 1e3 in NumPy 2.3+), Kiln prints what MXNet 1.x, which used NumPy 1.x, printed.
 */
final class NDArrayFormat {
    static final int THRESHOLD = 1000;
    static final int EDGE_ITEMS = 3;
    static final int LINE_WIDTH = 75;
    static final int PRECISION = 8;

    private NDArrayFormat() {
    }

    static String format(NDArray a) {
        return "\n" + values(a) + "\n<NDArray " + a.shape().toCompactString() + " @" + a.device() + ">";
    }

    /** NumPy's {@code str(array)} of the values. */
    static String values(NDArray a) {
        if (a.rank() == 0) {
            return scalar(a);
        }
        if (a.size() == 0) {
            return "[]";
        }
        boolean summarise = a.size() > THRESHOLD;
        List<Integer> shown = new ArrayList<>();
        collectShown(a.shape().dims(), 0, 0, summarise, shown);
        IntFunction<String> element = formatter(a, shown);
        return new Layout(a.shape().dims(), summarise, element).recurse(0, 0, " ", LINE_WIDTH);
    }

    /** The flat indices NumPy prints (all of them, or the edge items of each axis when summarising). */
    private static void collectShown(int[] dims, int axis, int offset, boolean summarise, List<Integer> out) {
        if (axis == dims.length) {
            out.add(offset);
            return;
        }
        int n = dims[axis];
        int stride = 1;
        for (int i = axis + 1; i < dims.length; i++) {
            stride *= dims[i];
        }
        boolean cut = summarise && 2 * EDGE_ITEMS < n;
        for (int i = 0; i < n; i++) {
            if (cut && i == EDGE_ITEMS) {
                i = n - EDGE_ITEMS;
            }
            collectShown(dims, axis + 1, offset + i * stride, summarise, out);
        }
    }

    /** NumPy's {@code _formatArray}: nested brackets, rows wrapped to the line width, {@code ...} for cut items. */
    private record Layout(int[] dims, boolean summarise, IntFunction<String> element) {

        String recurse(int axis, int offset, String hanging, int width) {
            if (axis == dims.length) {
                return element.apply(offset);
            }
            String nextHanging = hanging + " ";
            int nextWidth = width - 1;
            int n = dims[axis];
            int stride = 1;
            for (int i = axis + 1; i < dims.length; i++) {
                stride *= dims[i];
            }
            boolean cut = summarise && 2 * EDGE_ITEMS < n;
            int leading = cut ? EDGE_ITEMS : 0;
            int trailing = cut ? EDGE_ITEMS : n;
            StringBuilder s = new StringBuilder();
            if (axis == dims.length - 1) {
                int elemWidth = width - 1;
                String line = hanging;
                for (int i = 0; i < leading; i++) {
                    line = extend(s, line, recurse(axis + 1, offset + i * stride, nextHanging, nextWidth), elemWidth,
                            hanging) + " ";
                }
                if (cut) {
                    line = extend(s, line, "...", elemWidth, hanging) + " ";
                }
                for (int i = trailing; i > 1; i--) {
                    line = extend(s, line, recurse(axis + 1, offset + (n - i) * stride, nextHanging, nextWidth),
                            elemWidth, hanging) + " ";
                }
                line = extend(s, line, recurse(axis + 1, offset + (n - 1) * stride, nextHanging, nextWidth),
                        elemWidth, hanging);
                s.append(line);
            } else {
                String lineSep = "\n".repeat(dims.length - axis - 1);
                for (int i = 0; i < leading; i++) {
                    s.append(hanging).append(recurse(axis + 1, offset + i * stride, nextHanging, nextWidth))
                            .append(lineSep);
                }
                if (cut) {
                    s.append(hanging).append("...").append(lineSep);
                }
                for (int i = trailing; i > 1; i--) {
                    s.append(hanging).append(recurse(axis + 1, offset + (n - i) * stride, nextHanging, nextWidth))
                            .append(lineSep);
                }
                s.append(hanging).append(recurse(axis + 1, offset + (n - 1) * stride, nextHanging, nextWidth));
            }
            return "[" + s.substring(hanging.length()) + "]";
        }

        private static String extend(StringBuilder s, String line, String word, int width, String prefix) {
            boolean wrap = line.length() + word.length() > width && line.length() > prefix.length();
            if (wrap) {
                s.append(line.stripTrailing()).append('\n');
                line = prefix;
            }
            return line + word;
        }
    }

    /** A formatter for the elements of {@code a}, sized from the elements that will be shown. */
    private static IntFunction<String> formatter(NDArray a, List<Integer> shown) {
        DType t = a.dtype();
        if (t == DType.BOOL) {
            return i -> a.getDouble(i) != 0 ? " True" : "False";
        }
        if (t.isIntegral()) {
            int width = 0;
            for (int i : shown) {
                width = Math.max(width, Long.toString(Storage.getLong(t, a.data(), i)).length());
            }
            int w = width;
            return i -> pad(Long.toString(Storage.getLong(t, a.data(), i)), w);
        }
        return FloatFormat.of(a, shown);
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s : " ".repeat(width - s.length()) + s;
    }

    /** NumPy's {@code str} of a 0-d array: the scalar's own string ({@code 1.5}, {@code 1e-05}, {@code 3}, {@code True}). */
    private static String scalar(NDArray a) {
        DType t = a.dtype();
        if (t == DType.BOOL) {
            return a.getDouble(0) != 0 ? "True" : "False";
        }
        if (t.isIntegral()) {
            return Long.toString(Storage.getLong(t, a.data(), 0));
        }
        double v = a.getDouble(0);
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        String sign = (v < 0 || (v == 0 && 1 / v < 0)) ? "-" : "";
        BigDecimal d = FloatFormat.shortest(Math.abs(v), t);
        double abs = Math.abs(v);
        if (abs == 0 || (abs >= 1e-4 && abs < 1e16)) {
            String plain = d.toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String[] sci = FloatFormat.scientificParts(d);
        String mantissa = sci[1].isEmpty() ? sci[0] : sci[0] + "." + sci[1];
        return sign + mantissa + "e" + sci[2];
    }

    /**
     * NumPy's {@code FloatingFormat} in its default mode: a first pass over the shown values picks positional or
     * scientific notation and the widths, then every value is padded to them.
     */
    private record FloatFormat(NDArray a, boolean scientific, int padLeft, int padRight, int digits, int expSize)
            implements IntFunction<String> {

        static FloatFormat of(NDArray a, List<Integer> shown) {
            DType t = a.dtype();
            List<Double> finite = new ArrayList<>();
            boolean negInf = false;
            boolean nonFinite = false;
            double max = 0;
            double min = Double.POSITIVE_INFINITY;
            for (int i : shown) {
                double v = a.getDouble(i);
                if (Double.isNaN(v) || Double.isInfinite(v)) {
                    nonFinite = true;
                    negInf |= v == Double.NEGATIVE_INFINITY;
                    continue;
                }
                finite.add(v);
                if (v != 0) {
                    max = Math.max(max, Math.abs(v));
                    min = Math.min(min, Math.abs(v));
                }
            }
            boolean sci = max > 0 && (max >= 1e8 || min < 1e-4 || max / min > 1000);
            int padLeft = 0;
            int padRight = 0;
            int digits = 0;
            int expSize = -1;
            if (!finite.isEmpty()) {
                for (double v : finite) {
                    String[] p = sci ? scientificParts(roundScientific(Math.abs(v), t))
                            : positionalParts(roundPositional(Math.abs(v), t));
                    int intLen = p[0].length() + (signBit(v) ? 1 : 0);
                    padLeft = Math.max(padLeft, intLen);
                    digits = Math.max(digits, p[1].length());
                    if (sci) {
                        expSize = Math.max(expSize, p[2].length() - 1);
                    }
                }
                padRight = sci ? expSize + 2 + digits : digits;
            }
            if (nonFinite) {
                int offset = padRight + 1;
                padLeft = Math.max(padLeft, Math.max(3 - offset, 3 + (negInf ? 1 : 0) - offset));
            }
            return new FloatFormat(a, sci, padLeft, padRight, digits, expSize);
        }

        @Override
        public String apply(int flat) {
            double v = a.getDouble(flat);
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                String s = Double.isNaN(v) ? "nan" : v > 0 ? "inf" : "-inf";
                return pad(s, padLeft + padRight + 1);
            }
            String sign = signBit(v) ? "-" : "";
            if (scientific) {
                // NumPy's second pass asks for 'digits' digits: shorter values get more digits of their exact value
                String[] p = scientificParts(new BigDecimal(Math.abs(v))
                        .round(new MathContext(digits + 1, RoundingMode.HALF_EVEN)));
                String exp = p[2].substring(0, 1) + "0".repeat(Math.max(0, expSize - (p[2].length() - 1)))
                        + p[2].substring(1);
                return pad(sign + p[0], padLeft) + "." + p[1] + "0".repeat(digits - p[1].length()) + "e" + exp;
            }
            String[] p = positionalParts(roundPositional(Math.abs(v), a.dtype()));
            return pad(sign + p[0], padLeft) + "." + p[1] + " ".repeat(padRight - p[1].length());
        }

        private static boolean signBit(double v) {
            return v < 0 || (v == 0 && 1 / v < 0);
        }

        /** The shortest decimal that reads back as {@code v} (non-negative, finite) in dtype {@code t}. */
        static BigDecimal shortest(double v, DType t) {
            if (v == 0) {
                return BigDecimal.ZERO;
            }
            return switch (t) {
                case FLOAT64 -> new BigDecimal(Double.toString(v)).stripTrailingZeros();
                case FLOAT32 -> new BigDecimal(Float.toString((float) v)).stripTrailingZeros();
                default -> {
                    BigDecimal exact = new BigDecimal(v);
                    for (int p = 1; p < 17; p++) {
                        BigDecimal c = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
                        if (Casting.roundTo(t, c.doubleValue()) == v) {
                            yield c.stripTrailingZeros();
                        }
                    }
                    yield exact.stripTrailingZeros();
                }
            };
        }

        /** The shortest digits, cut to {@value #PRECISION} fractional digits when longer. */
        private static BigDecimal roundPositional(double v, DType t) {
            BigDecimal d = shortest(v, t);
            if (d.scale() < 0) {
                // the shortest digits stop before the units place: positional notation prints the integer exactly
                return new BigDecimal(v);
            }
            if (d.scale() > PRECISION) {
                d = new BigDecimal(v).setScale(PRECISION, RoundingMode.HALF_EVEN).stripTrailingZeros();
            }
            return d;
        }

        /** The shortest digits, cut to {@value #PRECISION} digits after the leading one when longer. */
        private static BigDecimal roundScientific(double v, DType t) {
            BigDecimal d = shortest(v, t);
            if (d.precision() > PRECISION + 1) {
                d = new BigDecimal(v).round(new MathContext(PRECISION + 1, RoundingMode.HALF_EVEN))
                        .stripTrailingZeros();
            }
            return d;
        }

        /** {integer digits, fractional digits without trailing zeros} of a non-negative decimal. */
        private static String[] positionalParts(BigDecimal d) {
            String plain = d.signum() == 0 ? "0" : d.toPlainString();
            int dot = plain.indexOf('.');
            if (dot < 0) {
                return new String[] {plain, ""};
            }
            String frac = plain.substring(dot + 1).replaceFirst("0+$", "");
            return new String[] {plain.substring(0, dot), frac};
        }

        /** {leading digit, further digits without trailing zeros, exponent like {@code -05} or {@code +100}}. */
        static String[] scientificParts(BigDecimal d) {
            if (d.signum() == 0) {
                return new String[] {"0", "", "+00"};
            }
            BigDecimal s = d.stripTrailingZeros();
            String digits = s.unscaledValue().toString();
            int exponent = digits.length() - 1 - s.scale();
            String rest = digits.substring(1).replaceFirst("0+$", "");
            String exp = (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
            return new String[] {digits.substring(0, 1), rest, exp};
        }
    }
}
