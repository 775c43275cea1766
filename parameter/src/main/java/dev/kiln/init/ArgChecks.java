package dev.kiln.init;

import dev.kiln.KilnException;

import java.util.List;
import java.util.Objects;

/** Constructor argument checks shared by the initialisers, so a bad argument fails when the initialiser is made. */
final class ArgChecks {
    private ArgChecks() {
    }

    /** {@code value} as a double, which must be finite. */
    static double finite(String init, String arg, Number value) {
        Objects.requireNonNull(value, arg);
        double v = value.doubleValue();
        if (!Double.isFinite(v)) {
            throw new KilnException("initializer '" + init + "': " + arg + " must be finite, got " + value);
        }
        return v;
    }

    /** {@code value} as a double, which must be finite and not negative. */
    static double nonNegative(String init, String arg, Number value) {
        double v = finite(init, arg, value);
        if (v < 0) {
            throw new KilnException("initializer '" + init + "': " + arg + " must not be negative, got " + value);
        }
        return v;
    }

    /** {@code value}, which must be one of {@code allowed}. */
    static String oneOf(String init, String arg, String value, List<String> allowed) {
        if (!allowed.contains(value)) {
            throw new KilnException("initializer '" + init + "': unknown " + arg + " '" + value + "'; expected one of "
                    + String.join(", ", allowed));
        }
        return value;
    }
}
