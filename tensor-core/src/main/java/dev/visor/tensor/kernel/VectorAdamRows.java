package dev.visor.tensor.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API twin of {@link AdamRows#reference}; loaded only when {@link VectorSupport#available()}.
 * Lane for lane the same operations in the same order (a float square root of a float is the
 * correctly rounded root, as {@code (float) Math.sqrt(v)} is), so the bits are the reference's; the
 * tail runs the reference.
 */
final class VectorAdamRows {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private VectorAdamRows() {}

    static void update(AdamRows.Coefficients c, float[] p, int off, float[] g, float[] m, float[] v, float[] vMax,
                       int from, int to) {
        float beta1 = c.beta1();
        float beta2 = c.beta2();
        float oneMinusB1 = c.oneMinusB1();
        float oneMinusB2 = c.oneMinusB2();
        float eps = c.eps();
        float l2 = c.l2();
        float decay = c.decay();
        float bc2Sqrt = c.bc2Sqrt();
        float negStepSize = c.negStepSize();
        int i = from;
        int bound = from + S.loopBound(to - from);
        for (; i < bound; i += L) {
            FloatVector pi = FloatVector.fromArray(S, p, off + i);
            FloatVector gi = FloatVector.fromArray(S, g, i);
            if (l2 != 0f) {
                gi = gi.add(pi.mul(l2));
            }
            if (decay != 1f) {
                pi = pi.mul(decay);
            }
            FloatVector mi = FloatVector.fromArray(S, m, i).mul(beta1).add(gi.mul(oneMinusB1));
            FloatVector vi = FloatVector.fromArray(S, v, i).mul(beta2).add(gi.mul(oneMinusB2).mul(gi));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            if (vMax != null) {
                vi = FloatVector.fromArray(S, vMax, i).max(vi);
                vi.intoArray(vMax, i);
            }
            FloatVector denom = vi.sqrt().div(bc2Sqrt).add(eps);
            pi.add(mi.div(denom).mul(negStepSize)).intoArray(p, off + i);
        }
        AdamRows.reference(c, p, off, g, m, v, vMax, i, to);
    }
}
