package dev.visor.tensor.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GradientsTest {

    private static Tensor withGrad(float... g) {
        Tensor p = Tensor.zeros(g.length).requiresGrad(true);
        p.setGrad(Tensor.of(g, g.length));
        return p;
    }

    @Test
    void totalNormIsTheL2NormOverEveryGradientAndSkipsMissingOnes() {
        Tensor a = withGrad(3, 0);
        Tensor b = withGrad(0, 4);
        Tensor none = Tensor.zeros(2).requiresGrad(true);
        assertEquals(5.0, Gradients.totalNorm(List.of(a, b, none)), 1e-12);
    }

    @Test
    void clippingScalesAllGradientsTogetherOnlyAboveTheLimit() {
        Tensor a = withGrad(3, 0);
        Tensor b = withGrad(0, 4);
        double norm = Gradients.clipGradNorm(List.of(a, b), 1.0);
        assertEquals(5.0, norm, 1e-12);
        float c = (float) (1.0 / (5.0 + 1e-6));
        assertArrayEquals(new float[] {3 * c, 0}, a.grad().toArray());
        assertArrayEquals(new float[] {0, 4 * c}, b.grad().toArray());
        assertEquals(1.0, Gradients.totalNorm(List.of(a, b)), 1e-6);

        Tensor small = withGrad(0.3f, 0.4f);
        assertEquals(0.5, Gradients.clipGradNorm(List.of(small), 1.0), 1e-7);
        assertArrayEquals(new float[] {0.3f, 0.4f}, small.grad().toArray(), "under the limit: untouched");
    }

    @Test
    void aNonFiniteNormIsReturnedAndNothingIsScaled() {
        Tensor a = withGrad(Float.NaN, 1);
        Tensor b = withGrad(100, 100);
        assertTrue(Double.isNaN(Gradients.clipGradNorm(List.of(a, b), 1.0)));
        assertArrayEquals(new float[] {100, 100}, b.grad().toArray());
        Tensor inf = withGrad(Float.POSITIVE_INFINITY);
        assertEquals(Double.POSITIVE_INFINITY, Gradients.clipGradNorm(List.of(inf, b), 1.0));
        assertArrayEquals(new float[] {100, 100}, b.grad().toArray());
    }

    @Test
    void nonFiniteGradientsAreDetectedAndNamed() {
        Map<String, Tensor> ps = new LinkedHashMap<>();
        ps.put("ok", withGrad(1, 2));
        ps.put("nan", withGrad(0, Float.NaN));
        ps.put("none", Tensor.zeros(1).requiresGrad(true));
        ps.put("inf", withGrad(Float.NEGATIVE_INFINITY));
        assertFalse(Gradients.allFinite(ps.values()));
        assertEquals(List.of("nan", "inf"), Gradients.nonFinite(ps));
        assertTrue(Gradients.allFinite(List.of(ps.get("ok"), ps.get("none"))));
    }

    @Test
    void stridedGradientsAreClippedWithoutTouchingWhatTheyView() {
        Tensor base = Tensor.of(new float[] {30, 40, 0, 0}, 4);
        Tensor view = Tensor.viewOf(base, "narrow", new int[] {2}, new int[] {1}, 0, g -> null);
        Tensor p = Tensor.zeros(2).requiresGrad(true);
        p.setGrad(view);
        assertEquals(50.0, Gradients.clipGradNorm(List.of(p), 5.0), 1e-9);
        assertArrayEquals(new float[] {3, 4}, p.grad().toArray(), 1e-5f);
        assertArrayEquals(new float[] {30, 40, 0, 0}, base.toArray());
    }

    @Test
    void maxNormMustBePositive() {
        var e = assertThrows(IllegalArgumentException.class, () -> Gradients.clipGradNorm(List.of(), 0));
        assertEquals("maxNorm must be > 0 but got 0.0", e.getMessage());
    }

    /** Parameters of 30 000, 7, 40 001 and 3 elements with random gradients (the first scaled up), one without. */
    private static List<Tensor> bigParams() {
        int[] sizes = {30_000, 7, 40_001, 3, 11};
        List<Tensor> out = new java.util.ArrayList<>();
        for (int k = 0; k < sizes.length; k++) {
            Tensor p = Tensor.zeros(sizes[k]).requiresGrad(true);
            if (k != 4) {
                p.setGrad(Tensor.randn(new dev.visor.tensor.Rng(60 + k), sizes[k]).mul(k == 0 ? 30f : 1f));
            }
            out.add(p);
        }
        return out;
    }

    private static <T> T onThreads(int n, java.util.function.Supplier<T> body) {
        int before = dev.visor.tensor.kernel.Parallel.threads();
        dev.visor.tensor.kernel.Parallel.setThreads(n);
        try {
            return body.get();
        } finally {
            dev.visor.tensor.kernel.Parallel.setThreads(before);
        }
    }

    @Test
    void sumOfSquaresIsThePlainDoubleSumUpToRounding() {
        float[] v = Tensor.randn(new dev.visor.tensor.Rng(70), 1003).toArray();
        double plain = 0;
        for (float x : v) {
            plain += (double) x * x;
        }
        assertEquals(plain, Gradients.sumOfSquares(v), 1e-12 * plain);
        assertEquals(25.0, Gradients.sumOfSquares(new float[] {3, 4}), 0.0, "a tail shorter than four lanes");
        assertEquals(0.0, Gradients.sumOfSquares(new float[0]), 0.0);
    }

    @Test
    void normAndClippingGiveTheSameBitsOnOneAndTwoThreads() {
        double plain = 0;
        for (Tensor p : bigParams()) {
            if (p.grad() != null) {
                for (float x : p.grad().toArray()) {
                    plain += (double) x * x;
                }
            }
        }
        double one = onThreads(1, () -> Gradients.totalNorm(bigParams()));
        double two = onThreads(2, () -> Gradients.totalNorm(bigParams()));
        assertEquals(one, two, 0.0);
        assertEquals(Math.sqrt(plain), one, 1e-12 * one);
        List<Tensor> clippedOne = bigParams();
        List<Tensor> clippedTwo = bigParams();
        assertEquals(one, onThreads(1, () -> Gradients.clipGradNorm(clippedOne, 1.0)), 0.0);
        assertEquals(one, onThreads(2, () -> Gradients.clipGradNorm(clippedTwo, 1.0)), 0.0);
        for (int k = 0; k < 4; k++) {
            assertArrayEquals(clippedOne.get(k).grad().toArray(), clippedTwo.get(k).grad().toArray(), "parameter " + k);
        }
        assertEquals(1.0, onThreads(2, () -> Gradients.totalNorm(clippedTwo)), 1e-6);
        assertEquals(null, clippedTwo.get(4).grad(), "a parameter without a gradient keeps none");
    }

    @Test
    void aParameterListedTwiceIsScaledOnce() {
        Tensor p = withGrad(30, 40);
        assertEquals(Math.sqrt(2) * 50, onThreads(2, () -> Gradients.clipGradNorm(List.of(p, p), 5.0)), 1e-9);
        float c = (float) (5.0 / (Math.sqrt(2) * 50 + 1e-6));
        assertArrayEquals(new float[] {30 * c, 40 * c}, p.grad().toArray());
    }

    @Test
    void theNormIsFiniteExactlyWhenEveryGradientIs() {
        // the trainer relies on it to skip its scan for non-finite gradients on good steps
        Tensor huge = withGrad(Float.MAX_VALUE, -Float.MAX_VALUE, Float.MAX_VALUE);
        assertTrue(Double.isFinite(Gradients.totalNorm(List.of(huge, huge))), "squares of floats summed in double do not overflow");
        assertTrue(Gradients.allFinite(List.of(huge)));
        assertFalse(Double.isFinite(Gradients.totalNorm(List.of(huge, withGrad(1, Float.NaN)))));
        assertFalse(Double.isFinite(Gradients.totalNorm(List.of(withGrad(Float.NEGATIVE_INFINITY)))));
    }
}
