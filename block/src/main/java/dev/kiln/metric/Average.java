package dev.kiln.metric;

import dev.kiln.KilnException;

import java.util.Locale;

/**
 * How F1, MCC and PearsonCorrelation combine mini-batches (MXNet's {@code average} argument): {@code MACRO}
 * averages the per-batch scores, {@code MICRO} computes one score over all batches' pooled statistics.
 */
public enum Average {
    MACRO, MICRO;

    /** {@code "macro"} or {@code "micro"}, case-insensitive. */
    public static Average parse(String s) {
        return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
            case "macro" -> MACRO;
            case "micro" -> MICRO;
            default -> throw new KilnException("metric average must be 'macro' or 'micro', got '" + s + "'");
        };
    }
}
