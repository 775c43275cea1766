package dev.kiln.kernel.simd;

import jdk.incubator.vector.FloatVector;

/**
 * The only class of this package that names the Vector API. {@link VectorSupport} loads it reflectively, so a JVM
 * started without {@code jdk.incubator.vector} fails here, inside a catch, and nowhere else.
 */
final class VectorProbe {
    private VectorProbe() {
    }

    /** Lanes of the preferred float species; touching it forces the module to resolve. */
    static int floatLanes() {
        return FloatVector.SPECIES_PREFERRED.length();
    }
}
