package dev.kiln.nn.metalhead;

import dev.kiln.block.HybridBlock;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.nn.norm.GroupNorm;
import dev.kiln.nn.norm.LayerNorm;

/**
 * Metalhead's {@code norm_layer} argument: makes the normalisation layer for a given number of planes (channels).
 * A Java lambda, e.g. {@code planes -> BatchNorm.builder().epsilon(1e-3).inChannels(planes).build()}, or one of the
 * factories here.
 */
@FunctionalInterface
public interface NormLayerFactory {
    HybridBlock create(int planes);

    /** {@code BatchNorm} over the channel axis with Gluon's defaults (Metalhead's default norm layer). */
    static NormLayerFactory batchNorm() {
        return planes -> BatchNorm.builder().inChannels(planes).build();
    }

    /** {@code BatchNorm} with epsilon {@code eps} (1e-3 is TensorFlow's, what {@code basicConvBn} uses). */
    static NormLayerFactory batchNorm(double eps) {
        return planes -> BatchNorm.builder().epsilon(eps).inChannels(planes).build();
    }

    /** {@code GroupNorm} with {@code groups} groups (Kiln's, as MXNet 1.x: one gamma and beta per group). */
    static NormLayerFactory groupNorm(int groups) {
        return planes -> {
            if (planes % groups != 0) {
                throw new IllegalArgumentException("GroupNorm: " + groups + " groups must divide " + planes
                        + " channels");
            }
            return new GroupNorm(groups);
        };
    }

    /** {@code LayerNorm} over the last axis ({@code prenorm}'s default). */
    static NormLayerFactory layerNorm() {
        return planes -> LayerNorm.builder().inChannels(planes).build();
    }
}
