package dev.kiln.nn.norm;

import dev.kiln.block.ParameterValues;
import dev.kiln.op.surface.F;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Gluon 1.x's {@code nn.GroupNorm} (MXNet's {@code GroupNorm} op): data {@code (N, C, ...)} is split into
 * {@code numGroups} groups of channels, each (instance, group) normalised with the biased variance, then scaled and
 * shifted by {@code gamma} and {@code beta} of shape {@code (numGroups,)}: one value per group, as in MXNet 1.x
 * (2.0 made them per channel). Their shape never depends on the data, so nothing is deferred. {@code numGroups}
 * must divide the channel count, checked on the first input.
 */
public class GroupNorm extends NormLayer {
    private final int numGroups;

    /** One group, Gluon's defaults. */
    public GroupNorm() {
        this(builder());
    }

    /** {@code numGroups} groups, Gluon's other defaults. */
    public GroupNorm(int numGroups) {
        this(builder().numGroups(numGroups));
    }

    /** All of Gluon's arguments, with Gluon's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    protected GroupNorm(Builder b) {
        super(b, "groupnorm", checked(b.numGroups), false);
        this.numGroups = b.numGroups;
    }

    private static int checked(int numGroups) {
        if (numGroups < 1) {
            throw new IllegalArgumentException("GroupNorm: numGroups must be positive, got " + numGroups);
        }
        return numGroups;
    }

    public int numGroups() {
        return numGroups;
    }

    @Override
    protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
        return F.groupNorm(x, p.get("gamma"), p.get("beta"), Map.of("num_groups", numGroups, "eps", epsilon()))
                .get(0);
    }

    /** Gluon's repr: {@code GroupNorm(eps=1e-05, num_groups=1, center=True, scale=True)}. */
    @Override
    public String toString() {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("eps", epsilon());
        kwargs.put("num_groups", numGroups);
        kwargs.put("center", center());
        kwargs.put("scale", scale());
        return repr(kwargs, null);
    }

    /** Gluon's {@code GroupNorm} arguments. */
    public static final class Builder extends NormBuilder<Builder, GroupNorm> {
        private int numGroups = 1;

        private Builder() {
            super(true);
        }

        /** Number of groups the channels are split into (default 1); must divide the channel count. */
        public Builder numGroups(int n) {
            this.numGroups = n;
            return this;
        }

        @Override
        public GroupNorm build() {
            return new GroupNorm(this);
        }
    }
}
