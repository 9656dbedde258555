package dev.visor.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API kernel of {@link MatVec}; loaded only when {@link VectorSupport#available()}.
 * Four rows of W are streamed side by side, two vectors of each per step (eight independent
 * accumulators, the row of A loaded once per step), so every W element is read exactly once.
 */
final class VectorMatVec {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Lanes per vector, for the scalar twin. */
    static final int LANES = L;

    private VectorMatVec() {}

    /** Outputs {@code j0 .. j1−1} of every row of C. */
    static void rows(int j0, int j1, int m, int k, float alpha, float[] a, int aOff, int lda,
                     float[] w, int wOff, int ldw, float beta, float[] c, int cOff, int ldc) {
        float[] lanes = new float[MatVec.ROWS * L];   // the four rows' lanes, added by MatVec.laneSum
        int j = j0;
        for (; j + MatVec.ROWS <= j1; j += MatVec.ROWS) {
            for (int i = 0; i < m; i++) {
                four(j, i, k, alpha, a, aOff + i * lda, w, wOff, ldw, beta, c, cOff + i * ldc, lanes);
            }
        }
        for (; j < j1; j++) {
            for (int i = 0; i < m; i++) {
                float s = dot(a, aOff + i * lda, w, wOff + j * ldw, k, lanes);
                MatVec.store(c, cOff + i * ldc + j, s, alpha, beta);
            }
        }
    }

    /** Outputs {@code j .. j+3} of the row of A at {@code ai}. */
    private static void four(int j, int i, int k, float alpha, float[] a, int ai, float[] w, int wOff, int ldw,
                             float beta, float[] c, int ci, float[] lanes) {
        int w0 = wOff + j * ldw;
        int w1 = w0 + ldw;
        int w2 = w1 + ldw;
        int w3 = w2 + ldw;
        FloatVector s00 = FloatVector.zero(S);
        FloatVector s01 = s00;
        FloatVector s10 = s00;
        FloatVector s11 = s00;
        FloatVector s20 = s00;
        FloatVector s21 = s00;
        FloatVector s30 = s00;
        FloatVector s31 = s00;
        int p = 0;
        for (int bound = k - 2 * L; p <= bound; p += 2 * L) {
            FloatVector x0 = FloatVector.fromArray(S, a, ai + p);
            FloatVector x1 = FloatVector.fromArray(S, a, ai + p + L);
            s00 = FloatVector.fromArray(S, w, w0 + p).fma(x0, s00);
            s01 = FloatVector.fromArray(S, w, w0 + p + L).fma(x1, s01);
            s10 = FloatVector.fromArray(S, w, w1 + p).fma(x0, s10);
            s11 = FloatVector.fromArray(S, w, w1 + p + L).fma(x1, s11);
            s20 = FloatVector.fromArray(S, w, w2 + p).fma(x0, s20);
            s21 = FloatVector.fromArray(S, w, w2 + p + L).fma(x1, s21);
            s30 = FloatVector.fromArray(S, w, w3 + p).fma(x0, s30);
            s31 = FloatVector.fromArray(S, w, w3 + p + L).fma(x1, s31);
        }
        for (int bound = S.loopBound(k); p < bound; p += L) {
            FloatVector x0 = FloatVector.fromArray(S, a, ai + p);
            s00 = FloatVector.fromArray(S, w, w0 + p).fma(x0, s00);
            s10 = FloatVector.fromArray(S, w, w1 + p).fma(x0, s10);
            s20 = FloatVector.fromArray(S, w, w2 + p).fma(x0, s20);
            s30 = FloatVector.fromArray(S, w, w3 + p).fma(x0, s30);
        }
        // the lanes through memory and a scalar butterfly: four calls of VectorLanes.sumFixedOrder would
        // not all be inlined (C2's node budget), and a call that is not boxes its vector
        s00.add(s01).intoArray(lanes, 0);
        s10.add(s11).intoArray(lanes, L);
        s20.add(s21).intoArray(lanes, 2 * L);
        s30.add(s31).intoArray(lanes, 3 * L);
        float r0 = MatVec.laneSum(lanes, 0, L);
        float r1 = MatVec.laneSum(lanes, L, L);
        float r2 = MatVec.laneSum(lanes, 2 * L, L);
        float r3 = MatVec.laneSum(lanes, 3 * L, L);
        for (; p < k; p++) {
            float x = a[ai + p];
            r0 = Math.fma(x, w[w0 + p], r0);
            r1 = Math.fma(x, w[w1 + p], r1);
            r2 = Math.fma(x, w[w2 + p], r2);
            r3 = Math.fma(x, w[w3 + p], r3);
        }
        MatVec.store(c, ci + j, r0, alpha, beta);
        MatVec.store(c, ci + j + 1, r1, alpha, beta);
        MatVec.store(c, ci + j + 2, r2, alpha, beta);
        MatVec.store(c, ci + j + 3, r3, alpha, beta);
    }

    /** One output: the same summation as a row of {@link #four}. */
    private static float dot(float[] a, int ai, float[] w, int wj, int k, float[] lanes) {
        FloatVector s0 = FloatVector.zero(S);
        FloatVector s1 = s0;
        int p = 0;
        for (int bound = k - 2 * L; p <= bound; p += 2 * L) {
            s0 = FloatVector.fromArray(S, w, wj + p).fma(FloatVector.fromArray(S, a, ai + p), s0);
            s1 = FloatVector.fromArray(S, w, wj + p + L).fma(FloatVector.fromArray(S, a, ai + p + L), s1);
        }
        for (int bound = S.loopBound(k); p < bound; p += L) {
            s0 = FloatVector.fromArray(S, w, wj + p).fma(FloatVector.fromArray(S, a, ai + p), s0);
        }
        s0.add(s1).intoArray(lanes, 0);
        float r = MatVec.laneSum(lanes, 0, L);
        for (; p < k; p++) {
            r = Math.fma(a[ai + p], w[wj + p], r);
        }
        return r;
    }
}
