package dev.visor.tensor.nn;

import static dev.visor.tensor.nn.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.visor.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LossTest {
    private static final float LN3 = (float) Math.log(3);
    // rows: p = [1/4, 3/4], p = [3/4, 1/4], and an ignored row
    private static final float[] LOGITS = {0, LN3, LN3, 0, 5, 5};
    private static final int[] TARGETS = {1, 1, -100};

    private static double rowLoss(double nll, double eps) {
        double smoothSum = Math.log(4) + Math.log(4.0 / 3);   // -(log 1/4 + log 3/4)
        return (1 - eps) * nll + eps / 2 * smoothSum;
    }

    @Test
    void labelSmoothedCrossEntropyFollowsTorchsDefinition() {
        double l0 = rowLoss(Math.log(4.0 / 3), 0.2);
        double l1 = rowLoss(Math.log(4), 0.2);
        Tensor logits = Tensor.of(LOGITS, 3, 2);
        assertClose(new float[] {(float) l0, (float) l1, 0},
                Functional.crossEntropy(logits, TARGETS, -100, 0.2, Reduction.NONE).toArray(), 1e-6, 0, "none");
        assertClose((l0 + l1) / 2, Functional.crossEntropy(logits, TARGETS, -100, 0.2, Reduction.MEAN).item(), 1e-6, 0,
                "mean over the two counted rows, not three");
        assertClose(l0 + l1, Functional.crossEntropy(logits, TARGETS, -100, 0.2, Reduction.SUM).item(), 1e-6, 0, "sum");
    }

    @Test
    void withoutSmoothingItIsTheNegativeLogLikelihood() {
        Tensor loss = Functional.crossEntropy(Tensor.of(LOGITS, 3, 2), TARGETS);
        assertClose((Math.log(4.0 / 3) + Math.log(4)) / 2, loss.item(), 1e-6, 0, "nll");
    }

    @Test
    void gradientIsSoftmaxMinusTheSmoothedTargetOverTheCount() {
        Tensor logits = Tensor.of(LOGITS, 3, 2).requiresGrad(true);
        Functional.crossEntropy(logits, TARGETS, -100, 0.2, Reduction.MEAN).backward();
        // smoothed target: 0.8 on the label + 0.1 on each class
        float[] expected = {
                (0.25f - 0.1f) / 2, (0.75f - 0.9f) / 2,
                (0.75f - 0.1f) / 2, (0.25f - 0.9f) / 2,
                0, 0};
        assertClose(expected, logits.grad().toArray(), 1e-6, 1e-7, "grad");
    }

    @Test
    void reductionNoneKeepsTheLeadingShapeAndClassesAreTheLastDimension() {
        Tensor logits = Tensor.of(new float[] {0, LN3, LN3, 0, 0, 0, 1, 1}, 2, 2, 2);   // (batch, seq, classes)
        Tensor loss = Functional.crossEntropy(logits, new int[] {1, 0, 0, 1}, -100, 0, Reduction.NONE);
        assertArrayEquals(new int[] {2, 2}, loss.shape());
        float ln2 = (float) Math.log(2);
        assertClose(new float[] {(float) Math.log(4.0 / 3), (float) Math.log(4.0 / 3), ln2, ln2}, loss.toArray(), 1e-6, 0, "none");
    }

    @Test
    void aCustomIgnoreIndexSuchAsThePaddingIdWorks() {
        Tensor logits = Tensor.of(new float[] {0, 0, 9, 9, 0, 0}, 3, 2);
        float loss = Functional.crossEntropy(logits, new int[] {0, 0, 1}, 0, 0, Reduction.MEAN).item();
        assertClose(Math.log(2), loss, 1e-6, 0, "only the last row counts");
    }

    @Test
    void extremeLogitsStayFinite() {
        Tensor logits = Tensor.of(new float[] {1e4f, -1e4f, 0}, 1, 3);
        assertClose(2e4, Functional.crossEntropy(logits, new int[] {1}).item(), 1e-6, 0, "nll");
        assertClose(0, Functional.crossEntropy(logits, new int[] {0}).item(), 0, 1e-6, "nll");
    }

    @Test
    void badTargetsAndArgumentsAreNamed() {
        Tensor logits = Tensor.zeros(2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> Functional.crossEntropy(logits, new int[] {0, 3}));
        assertEquals("target 3 at position 1 is out of range for 3 classes (expected 0..2 or the ignore index -100)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.crossEntropy(logits, new int[] {0}));
        assertEquals("crossEntropy got 1 targets for logits of shape [2, 3] (expected 2, one per row of 3 classes)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Functional.crossEntropy(logits, new int[] {0, 1}, -100, 1.5, Reduction.MEAN));
        assertEquals("labelSmoothing must be in [0, 1] but got 1.5", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.crossEntropy(Tensor.scalar(1), new int[] {0}));
        assertEquals("crossEntropy needs logits of shape (..., classes) but got a scalar", e.getMessage());
    }

    @Test
    void mseLossReducesAndDifferentiatesBothSides() {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        Tensor t = Tensor.of(new float[] {0, 2, 5}, 3).requiresGrad(true);
        assertArrayEquals(new float[] {1, 0, 4}, Functional.mseLoss(x, t, Reduction.NONE).toArray());
        assertEquals(5f, Functional.mseLoss(x, t, Reduction.SUM).item());
        Tensor mean = Functional.mseLoss(x, t);
        assertEquals(5f / 3, mean.item(), 1e-7);
        mean.backward();
        assertClose(new float[] {2f / 3, 0, -4f / 3}, x.grad().toArray(), 1e-6, 0, "dx");
        assertClose(new float[] {-2f / 3, 0, 4f / 3}, t.grad().toArray(), 1e-6, 0, "dt");
        var e = assertThrows(IllegalArgumentException.class, () -> Functional.mseLoss(x, Tensor.zeros(1, 3)));
        assertEquals("mseLoss needs input and target of the same shape but got [3] and [1, 3]", e.getMessage());
    }
}
