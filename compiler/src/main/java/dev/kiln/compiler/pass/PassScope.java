package dev.kiln.compiler.pass;

import dev.kiln.KilnException;

import java.util.Arrays;
import java.util.Locale;

/**
 * Which graphs a backend runs {@link PassPipeline#standard} on: none, the forward graph only (before its gradient is
 * built, so the backward follows the optimised forward), or the forward and then the combined forward and backward
 * graph as well.
 */
public enum PassScope {
    /** The graph runs as traced. */
    NONE,
    /** Passes on the forward graph; the gradient is built from the result. */
    FORWARD,
    /** Passes on the forward graph, then on the forward and backward graph together. */
    FULL;

    /**
     * The system property choosing the {@code interpreter} backend's scope: {@code none}, {@code forward} or
     * {@code full}.
     */
    public static final String PROPERTY = "kiln.compiler.passes";

    /** The scope {@link #PROPERTY} names, or {@code fallback} when it is not set; an unknown value is an error. */
    public static PassScope fromProperty(PassScope fallback) {
        String v = System.getProperty(PROPERTY);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return valueOf(v.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new KilnException(PROPERTY + "=" + v + ": unknown pass scope; use one of "
                    + Arrays.stream(values()).map(s -> s.name().toLowerCase(Locale.ROOT)).toList());
        }
    }
}
