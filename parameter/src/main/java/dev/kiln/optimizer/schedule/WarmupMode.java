package dev.kiln.optimizer.schedule;

import dev.kiln.KilnException;

import java.util.Locale;

/** How a schedule's warm-up moves the rate before the schedule proper starts, as MXNet's {@code warmup_mode}. */
public enum WarmupMode {
    /** From {@code warmup_begin_lr} towards the base rate in equal increments per update. */
    LINEAR,
    /** {@code warmup_begin_lr} throughout the warm-up. */
    CONSTANT;

    /** MXNet's spelling, {@code "linear"} or {@code "constant"}. */
    public String mxnetName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses MXNet's spelling; anything else is an error listing the two modes. */
    public static WarmupMode parse(String mode) {
        for (WarmupMode m : values()) {
            if (m.mxnetName().equals(mode)) {
                return m;
            }
        }
        throw new KilnException("warmup_mode must be 'linear' or 'constant', got '" + mode + "'");
    }
}
