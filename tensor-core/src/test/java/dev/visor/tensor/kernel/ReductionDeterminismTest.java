package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.visor.tensor.Rng;
import org.junit.jupiter.api.Test;

/**
 * Reductions must give the same bits before and after the JIT compiles them: JDK 25's C2 adds
 * {@code reduceLanes(ADD)} in a different order than the interpreter, which once made training
 * runs and thread counts disagree in the last bit. Enough calls here reach C2 on every JDK we test.
 */
class ReductionDeterminismTest {
    private static final int CALLS = 60_000;

    @Test
    void dotSumAndExpSumAreTheSameInterpretedAndCompiled() {
        Rng rng = new Rng(3);
        int n = 203; // several vectors plus a tail, so every reduction path runs
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) rng.nextGaussian() * 1e3f;
            b[i] = (float) rng.nextGaussian();
        }
        float[] scratch = new float[n];
        int dot0 = Float.floatToRawIntBits(VecMath.dot(a, 0, b, 0, n));
        int sum0 = Float.floatToRawIntBits(VecMath.sum(a, 0, n));
        int exp0 = Float.floatToRawIntBits(VecMath.expShiftSum(b, 0, 1f, scratch, 0, n));
        for (int call = 0; call < CALLS; call++) {
            assertEquals(dot0, Float.floatToRawIntBits(VecMath.dot(a, 0, b, 0, n)), "dot changed at call " + call);
            assertEquals(sum0, Float.floatToRawIntBits(VecMath.sum(a, 0, n)), "sum changed at call " + call);
            assertEquals(exp0, Float.floatToRawIntBits(VecMath.expShiftSum(b, 0, 1f, scratch, 0, n)),
                    "expShiftSum changed at call " + call);
        }
    }
}
