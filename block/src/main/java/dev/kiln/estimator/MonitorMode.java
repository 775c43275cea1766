package dev.kiln.estimator;

import dev.kiln.KilnException;

import java.util.Locale;

/**
 * Whether a monitored metric improves by going down ({@code MIN}) or up ({@code MAX}); {@code AUTO} picks
 * {@code MAX} for names containing "acc" or "f1" and {@code MIN} otherwise, as Gluon's handlers mean to (Gluon 1.x's
 * check is always true and so always picks max; Kiln follows the documented intent).
 */
public enum MonitorMode {
    MIN, MAX, AUTO;

    /** This mode with {@code AUTO} resolved for a metric called {@code metricName}. */
    public MonitorMode resolve(String metricName) {
        if (this != AUTO) {
            return this;
        }
        String lower = metricName.toLowerCase(Locale.ROOT);
        return lower.contains("acc") || lower.contains("f1") ? MAX : MIN;
    }

    /** Parses Gluon's strings {@code "min"}, {@code "max"}, {@code "auto"}. */
    public static MonitorMode parse(String mode) {
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "min" -> MIN;
            case "max" -> MAX;
            case "auto" -> AUTO;
            default -> throw new KilnException("monitor mode must be one of min, max, auto; got '"
                    + mode + "'");
        };
    }
}
