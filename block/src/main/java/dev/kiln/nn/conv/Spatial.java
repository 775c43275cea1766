package dev.kiln.nn.conv;

import dev.kiln.op.IntTuple;

import java.util.Arrays;

/**
 * The number of spatial axes a layer works on, with the two data layouts Gluon allows for it (channels second, the
 * default, or channels last), and the argument checks every spatial layer shares: Gluon's per-axis arguments take one
 * number for every axis or one number per axis.
 */
enum Spatial {
    ONE(1, "NCW", "NWC"), TWO(2, "NCHW", "NHWC"), THREE(3, "NCDHW", "NDHWC");

    private final int rank;
    private final String channelFirst;
    private final String channelLast;

    Spatial(int rank, String channelFirst, String channelLast) {
        this.rank = rank;
        this.channelFirst = channelFirst;
        this.channelLast = channelLast;
    }

    int rank() {
        return rank;
    }

    /** The default layout, channels second: {@code NCW}, {@code NCHW} or {@code NCDHW}. */
    String channelFirst() {
        return channelFirst;
    }

    /**
     * A per-axis argument of {@code layer}: one value for every axis or one per axis, each at least {@code min}.
     * {@code values} are returned expanded to one per axis.
     */
    int[] perAxis(String layer, String argument, int[] values, int min) {
        if (values == null || (values.length != 1 && values.length != rank)) {
            throw new IllegalArgumentException(layer + ": " + argument + " must be one number"
                    + (rank == 1 ? "" : " or " + rank + " numbers") + ", got " + show(values));
        }
        for (int v : values) {
            if (v < min) {
                throw new IllegalArgumentException(layer + ": " + argument + " must be "
                        + (min == 0 ? "non-negative" : min == 1 ? "positive" : "at least " + min) + ", got "
                        + show(values));
            }
        }
        if (values.length == rank) {
            return values.clone();
        }
        int[] out = new int[rank];
        Arrays.fill(out, values[0]);
        return out;
    }

    /**
     * Checks {@code layout} for {@code layer} and tells whether it is channels last; {@code channelLastAllowed} is
     * false where Gluon accepts only the default (1-D convolutions).
     */
    boolean isChannelLast(String layer, String layout, boolean channelLastAllowed) {
        if (channelFirst.equals(layout)) {
            return false;
        }
        if (channelLastAllowed && channelLast.equals(layout)) {
            return true;
        }
        throw new IllegalArgumentException(layer + ": layout must be " + channelFirst
                + (channelLastAllowed ? " or " + channelLast : " (the only one Gluon supports here)") + ", got "
                + layout);
    }

    /** Python's tuple form of {@code values}, as Gluon's reprs and errors print them. */
    static String show(int[] values) {
        return values == null ? "None" : IntTuple.of(values).toString();
    }
}
