package dev.visor.tensor.kernel;

import jdk.incubator.vector.FloatVector;

/** The Vector API's preferred float width; loaded only when {@link VectorSupport#available()}. */
final class VectorWidth {
    private VectorWidth() {}

    /** Bits of {@code FloatVector.SPECIES_PREFERRED} (follows {@code -XX:UseAVX} and {@code -XX:MaxVectorSize}). */
    static int preferredBits() {
        return FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }
}
