package dev.kiln.data;

import dev.kiln.KilnException;

import java.util.Locale;

/** What a {@link BatchSampler} does with the samples left over when the batch size does not divide a pass. */
public enum LastBatch {
    /** Yield them as a shorter final batch. */
    KEEP,
    /** Drop them. */
    DISCARD,
    /** Carry them to the front of the next pass. */
    ROLLOVER;

    /** Gluon's name: {@code keep}, {@code discard} or {@code rollover}. */
    public String gluonName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses Gluon's {@code last_batch} string. */
    public static LastBatch parse(String name) {
        for (LastBatch b : values()) {
            if (b.gluonName().equals(name)) {
                return b;
            }
        }
        throw new KilnException("last_batch must be one of 'keep', 'discard', or 'rollover', but got " + name);
    }
}
