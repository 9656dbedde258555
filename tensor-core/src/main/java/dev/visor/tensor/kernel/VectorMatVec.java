package dev.visor.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel of {@link MatVec}; loaded only when {@link VectorSupport#available()}.
 * Two rows of W at a time from stretches far apart (two sequential streams, which one core keeps in
 * flight better than one: 40 against 33 GB/s from DRAM on Zen 5; two adjacent rows, or four side by
 * side, are slower than one stream), each with four independent accumulators, the row of A read from
 * L1 once for both.
 */
final class VectorMatVec {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lanes per vector, for the scalar twin. */
    static final int LANES = L;

    // the butterfly's partner lanes l ^ h for h = 8, 4, 2, 1, from the one species (the identity where h ≥ L)
    private static final VectorShuffle<Float> P8 = partner(8);
    private static final VectorShuffle<Float> P4 = partner(4);
    private static final VectorShuffle<Float> P2 = partner(2);
    private static final VectorShuffle<Float> P1 = partner(1);

    private VectorMatVec() {}

    private static VectorShuffle<Float> partner(int h) {
        return VectorShuffle.fromOp(S, l -> h < L ? l ^ h : l);
    }

    /**
     * Outputs {@code t} and {@code t + half} for {@code t = t0 .. t1−1} (the second only where it is
     * below {@code n}) of every row of C: rows of W from two stretches {@code half} rows apart, read
     * side by side, so one core keeps two sequential streams in flight (see {@link MatVec}'s class
     * comment). Each output is summed exactly as {@link #dot} sums it, so the bits are those of
     * one row at a time.
     */
    static void pairs(int t0, int t1, int half, int n, int m, int k, float alpha, float[] a, int aOff, int lda,
                      float[] w, int wOff, int ldw, float beta, float[] c, int cOff, int ldc) {
        for (int t = t0; t < t1; t++) {
            int second = t + half;
            for (int i = 0; i < m; i++) {
                int ci = cOff + i * ldc;
                if (second < n) {
                    dot2(a, aOff + i * lda, w, wOff + t * ldw, wOff + second * ldw, k, alpha, beta, c, ci + t, ci + second);
                } else {
                    MatVec.store(c, ci + t, dot(a, aOff + i * lda, w, wOff + t * ldw, k), alpha, beta);
                }
            }
        }
    }

    /**
     * Two outputs at once, rows {@code wa} and {@code wb} of W against one row of A: each with the four
     * accumulators, single steps, butterfly and tail of {@link #dot}, interleaved, stored by
     * {@link MatVec#store}.
     */
    private static void dot2(float[] a, int ai, float[] w, int wa, int wb, int k, float alpha, float beta,
                             float[] c, int ca, int cb) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        FloatVector t0 = s0;
        FloatVector t1 = s0;
        FloatVector t2 = s0;
        FloatVector t3 = s0;
        int p = 0;
        for (int bound = k - 4 * L; p <= bound; p += 4 * L) {
            FloatVector x0 = FloatVector.fromArray(S, a, ai + p);
            FloatVector x1 = FloatVector.fromArray(S, a, ai + p + L);
            FloatVector x2 = FloatVector.fromArray(S, a, ai + p + 2 * L);
            FloatVector x3 = FloatVector.fromArray(S, a, ai + p + 3 * L);
            s0 = FloatVector.fromArray(S, w, wa + p).fma(x0, s0);
            t0 = FloatVector.fromArray(S, w, wb + p).fma(x0, t0);
            s1 = FloatVector.fromArray(S, w, wa + p + L).fma(x1, s1);
            t1 = FloatVector.fromArray(S, w, wb + p + L).fma(x1, t1);
            s2 = FloatVector.fromArray(S, w, wa + p + 2 * L).fma(x2, s2);
            t2 = FloatVector.fromArray(S, w, wb + p + 2 * L).fma(x2, t2);
            s3 = FloatVector.fromArray(S, w, wa + p + 3 * L).fma(x3, s3);
            t3 = FloatVector.fromArray(S, w, wb + p + 3 * L).fma(x3, t3);
        }
        for (int bound = S.loopBound(k); p < bound; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, ai + p);
            s0 = FloatVector.fromArray(S, w, wa + p).fma(x0, s0);
            t0 = FloatVector.fromArray(S, w, wb + p).fma(x0, t0);
        }
        float ra = fold(s0, s1, s2, s3);
        float rb = fold(t0, t1, t2, t3);
        for (; p < k; p++) {
            ra = Math.fma(a[ai + p], w[wa + p], ra);
            rb = Math.fma(a[ai + p], w[wb + p], rb);
        }
        MatVec.store(c, ca, ra, alpha, beta);
        MatVec.store(c, cb, rb, alpha, beta);
    }

    /** {@code (s0 + s1) + (s2 + s3)}, then the butterfly over the lanes; lane 0 of the result. */
    private static float fold(FloatVector s0, FloatVector s1, FloatVector s2, FloatVector s3) {
        FloatVector v = s0.add(s1).add(s2.add(s3));
        if (L >= 16) {
            v = v.add(v.rearrange(P8));
        }
        if (L >= 8) {
            v = v.add(v.rearrange(P4));
        }
        if (L >= 4) {
            v = v.add(v.rearrange(P2));
        }
        return v.add(v.rearrange(P1)).lane(0);
    }

    /**
     * One output: four lane accumulators over steps of four vectors, one more vector at a time into
     * the first, added as {@code (s0 + s1) + (s2 + s3)}, the lanes by the butterfly of
     * {@link MatVec#laneSum} (lane l plus lane {@code l ^ L/2}, then {@code ^ L/4}, …; lane 0 adds
     * the same pairs, so the same bits) in registers, the tail by FMA. The lane sum through memory
     * (a vector store, then scalar loads of its lanes) made 1×512·(2048×512)ᵀ from L3 up to a third
     * slower in some harnesses, never faster: see docs/DESIGN.md, "The decode kernel sums its lanes
     * in registers". {@link VectorLanes#sumFixedOrder} adds the same pairs, but called here it made
     * the cache-resident products 1.3–1.5× slower (DecodeCpu, two alternating pairs of JVMs, Zen 5
     * AVX-512, load 1.2–1.5, 2026-12-03), so the butterfly is written out with this class's own shuffles.
     */
    private static float dot(float[] a, int ai, float[] w, int wj, int k) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        FloatVector s2 = s0;
        FloatVector s3 = s0;
        int p = 0;
        for (int bound = k - 4 * L; p <= bound; p += 4 * L) {
            s0 = FloatVector.fromArray(S, w, wj + p).fma(FloatVector.fromArray(S, a, ai + p), s0);
            s1 = FloatVector.fromArray(S, w, wj + p + L).fma(FloatVector.fromArray(S, a, ai + p + L), s1);
            s2 = FloatVector.fromArray(S, w, wj + p + 2 * L).fma(FloatVector.fromArray(S, a, ai + p + 2 * L), s2);
            s3 = FloatVector.fromArray(S, w, wj + p + 3 * L).fma(FloatVector.fromArray(S, a, ai + p + 3 * L), s3);
        }
        for (int bound = S.loopBound(k); p < bound; p += L) {
            s0 = FloatVector.fromArray(S, w, wj + p).fma(FloatVector.fromArray(S, a, ai + p), s0);
        }
        float r = fold(s0, s1, s2, s3);
        for (; p < k; p++) {
            r = Math.fma(a[ai + p], w[wj + p], r);
        }
        return r;
    }
}
