package dev.visor.tensor.kernel;

import jdk.incubator.vector.FloatVector;

/**
 * The Vector API kernel of {@link MatVec}; loaded only when {@link VectorSupport#available()}.
 * One row of W at a time, front to back — a single sequential stream, which the hardware
 * prefetchers follow best (measured against four rows side by side: 24 against 17 GB/s from DRAM
 * on one core) — each output one {@link VecMath#dot}: four lane accumulators over steps of four
 * vectors, one more vector at a time into the first, added as {@code (s0 + s1) + (s2 + s3)}, the
 * lanes by {@link VectorLanes#sumFixedOrder}, the tail by FMA (the order {@link MatVec}'s scalar
 * twin repeats), the row of A read from L1.
 */
final class VectorMatVec {
    /** Lanes per vector ({@link VectorMath}'s species), for the scalar twin. */
    static final int LANES = FloatVector.SPECIES_PREFERRED.length();

    private VectorMatVec() {}

    /** Outputs {@code j0 .. j1−1} of every row of C. */
    static void rows(int j0, int j1, int m, int k, float alpha, float[] a, int aOff, int lda,
                     float[] w, int wOff, int ldw, float beta, float[] c, int cOff, int ldc) {
        for (int j = j0; j < j1; j++) {
            for (int i = 0; i < m; i++) {
                float s = VectorMath.dot(a, aOff + i * lda, w, wOff + j * ldw, k);
                MatVec.store(c, cOff + i * ldc + j, s, alpha, beta);
            }
        }
    }
}
