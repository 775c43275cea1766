package dev.kiln.op;

/** Formats values the way MXNet's Python front end writes op attributes: {@code 0.9}, {@code 1e-05}, {@code True}. */
public final class PythonFormat {
    private PythonFormat() {
    }

    /** Python's {@code repr(float)}: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
    public static String formatFloat(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        java.math.BigDecimal d = new java.math.BigDecimal(Double.toString(v)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        String sign = v < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = d.abs().toPlainString();
            if (!plain.contains(".")) {
                plain = plain + ".0";
            }
            return sign + plain;
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exp = String.format("%02d", Math.abs(exponent));
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + exp;
    }

    /** Python's {@code str(bool)}. */
    public static String formatBool(boolean b) {
        return b ? "True" : "False";
    }

    /**
     * Python's {@code str(value)} for a keyword value MXNet's front end passes on as a string: floats as
     * {@link #formatFloat}, booleans as {@code True}/{@code False}, null as {@code None}, anything else by toString.
     */
    public static String str(Object v) {
        return switch (v) {
            case null -> "None";
            case Boolean b -> formatBool(b);
            case Double d -> formatFloat(d);
            case Float f -> formatFloat(f);
            default -> v.toString();
        };
    }
}
