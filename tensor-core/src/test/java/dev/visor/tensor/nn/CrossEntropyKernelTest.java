package dev.visor.tensor.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.StepArena;
import dev.visor.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fused cross-entropy (vectorised exponentials, {@code VecMath}) against {@link Losses#reference}, the
 * plain double-precision loop, for class counts around and across vector widths; the Surefire width
 * executions run it again at 128 and 256 bits and on the scalar fallback.
 */
class CrossEntropyKernelTest {
    @ParameterizedTest
    @CsvSource({"1, 0.0", "3, 0.1", "7, 0.0", "13, 0.0", "16, 0.2", "17, 0.1", "33, 0.0", "100, 0.1", "1000, 0.0", "8000, 0.1"})
    void fusedLossAndGradientMatchThePlainLoop(int classes, double smoothing) {
        Rng rng = new Rng(classes);
        int rows = 9;
        Tensor logits = Tensor.randn(rng, rows, classes).mul(4f).requiresGrad(true);
        int[] targets = new int[rows];
        for (int r = 0; r < rows; r++) {
            targets[r] = r == 4 ? -1 : rng.nextInt(classes); // row 4 ignored
        }
        float[][] ref = Losses.reference(logits.toArray(), classes, targets, -1, smoothing);
        float[] loss = Functional.crossEntropy(logits, targets, -1, smoothing, Reduction.NONE).toArray();
        for (int r = 0; r < rows; r++) {
            assertEquals(ref[0][r], loss[r], 2e-5 * Math.max(1, Math.abs(ref[0][r])), "loss of row " + r);
        }
        Functional.crossEntropy(logits, targets, -1, smoothing, Reduction.SUM).backward();
        float[] dz = logits.grad().toArray();
        for (int i = 0; i < dz.length; i++) {
            assertEquals(ref[1][i], dz[i], 1e-6 + 2e-5 * Math.abs(ref[1][i]), "gradient " + i);
        }
    }

    /**
     * Each thread keeps its exps row ({@link Losses#expsRow}): a narrower loss after a wider one finds
     * the row longer than asked and holding the wider call's values, and must give the same bits as
     * on a fresh thread, whose row is new. The row is kept, not made per call.
     */
    @Test
    void theKeptExpsRowMovesNoBitAfterAWiderCall() throws Exception {
        Rng rng = new Rng(11);
        Tensor wide = Tensor.randn(rng, 5, 300).mul(4f);
        Tensor narrow = Tensor.randn(rng, 6, 23).mul(4f);
        int[] wideTargets = {0, 299, 7, 150, 3};
        int[] narrowTargets = {1, 22, 0, 5, -1, 9};
        float[][] fresh = new float[1][];
        Thread t = new Thread(() -> fresh[0] = Functional.crossEntropy(narrow, narrowTargets, -1, 0.1, Reduction.NONE)
                .toArray());
        t.start();
        t.join();
        Functional.crossEntropy(wide, wideTargets, -1, 0.1, Reduction.NONE);
        assertTrue(Losses.expsRow(1).length >= 300, "the wider call's row is kept");
        assertArrayEquals(fresh[0], Functional.crossEntropy(narrow, narrowTargets, -1, 0.1, Reduction.NONE).toArray());
        assertEquals(Losses.expsRow(1).length, Losses.expsRow(300).length, "no new row for a row it already fits");
    }

    /**
     * The row maximum is taken in lanes with {@link Math#max} (+0 over −0): a row whose largest
     * logit is a zero gives the same loss and gradient bits whichever sign that zero has, and a NaN
     * logit makes its row's loss NaN.
     */
    @Test
    void signOfAZeroMaximumMovesNoBitAndNaNPropagates() {
        int classes = 37;
        float[][] out = new float[2][];
        float[][] grads = new float[2][];
        for (int sign = 0; sign < 2; sign++) {
            float[] z = new float[2 * classes];
            for (int c = 0; c < classes; c++) {
                z[c] = -1f - c * 0.25f;
                z[classes + c] = -2f + c * 0.01f;
            }
            z[5] = sign == 0 ? -0f : 0f;   // row 0's maximum
            z[classes + 30] = Float.NaN;
            Tensor logits = Tensor.of(z, 2, classes).requiresGrad(true);
            Tensor loss = Functional.crossEntropy(logits, new int[] {5, 3}, -1, 0.0, Reduction.NONE);
            out[sign] = loss.toArray();
            loss.sum().backward();
            grads[sign] = java.util.Arrays.copyOf(logits.grad().toArray(), classes);
        }
        assertEquals(Float.floatToRawIntBits(out[0][0]), Float.floatToRawIntBits(out[1][0]));
        assertArrayEquals(grads[0], grads[1]);
        assertTrue(Float.isNaN(out[0][1]) && Float.isNaN(out[1][1]), "row 1 holds a NaN logit");
    }

    /**
     * The rows of log-sum-exp and loss come from the step arena when one is open, not zeroed: with every
     * array poisoned (NaN) as it returns to the arena, each reduction's loss and gradient keep the bits of
     * new arrays, ignored rows included (their loss is summed, and returned with {@code NONE}).
     */
    @ParameterizedTest
    @EnumSource(Reduction.class)
    void lossRowsFromAPoisonedArenaGiveTheBitsOfNewRows(Reduction reduction) {
        int rows = 9;
        int classes = 37;
        float[] z = Tensor.randn(new Rng(21), rows, classes).mul(4f).toArray();
        int[] targets = {-1, 3, 36, 0, -1, 17, 5, 9, -1};   // the first, a middle and the last row ignored
        float[][] fresh = lossAndGradient(z, rows, classes, targets, reduction);   // no arena: new arrays
        StepArena arena = new StepArena().poisonReturns(Float.NaN);
        for (int step = 0; step < 3; step++) {
            arena.recycleKept(List.of());
            try (StepArena.Scope s = arena.open()) {
                long requested = arena.requestedFloats();
                float[][] pooled = lossAndGradient(z, rows, classes, targets, reduction);
                assertTrue(arena.requestedFloats() - requested >= 2L * 2 * rows, "lse and loss from the arena");
                assertArrayEquals(fresh[0], pooled[0], "loss, step " + step);
                assertArrayEquals(fresh[1], pooled[1], "gradient, step " + step);
            }
        }
    }

    /** The loss of {@code z} under {@code reduction} and the gradient of its sum, both read in the caller's scope. */
    private static float[][] lossAndGradient(float[] z, int rows, int classes, int[] targets, Reduction reduction) {
        Tensor logits = Tensor.of(z.clone(), rows, classes).requiresGrad(true);
        Tensor loss = Functional.crossEntropy(logits, targets, -1, 0.1, reduction);
        float[] values = loss.toArray();
        (reduction == Reduction.NONE ? loss.sum() : loss).backward();
        return new float[][] {values, logits.grad().toArray()};
    }
}
