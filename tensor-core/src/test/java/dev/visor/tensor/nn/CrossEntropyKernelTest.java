package dev.visor.tensor.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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
}
