package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.visor.tensor.Rng;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** {@link Rope} against PyTorch's Llama and GPT-J formulas, at position 0 and at decoding offsets. */
class RopeTest {

    @Test
    void rotatesAsTorchDoesInBothLayoutsAndAtOffsets() {
        List<TorchGolden.Case> cases = TorchGolden.load("score-mod-golden.txt").stream()
                .filter(c -> c.name().startsWith("rope_")).toList();
        assertEquals(4, cases.size());
        for (TorchGolden.Case c : cases) {
            Rope rope = new Rope(Double.parseDouble(c.word("theta")), Double.parseDouble(c.word("fraction")),
                    Rope.Layout.valueOf(c.word("layout").toUpperCase(Locale.ROOT)));
            int[] shape = c.shape("x");                          // (1, H, L, D)
            int l = shape[2];
            int d = shape[3];
            float[] x = c.floats("x");
            int start = c.integer("start");
            for (int row = 0; row < shape[1] * l; row++) rope.rotate(x, row * d, d, start + row % l);
            Fixtures.assertClose(c.name(), c.floats("rotated"), x, 1e-5, 0);
        }
    }

    @Test
    void rotateBackUndoesRotateAndScoresDependOnTheOffsetOnly() {
        Rng rng = new Rng(2);
        for (Rope.Layout layout : Rope.Layout.values()) {
            Rope rope = new Rope(10_000, 0.75, layout);
            float[] q = new float[16];
            float[] k = new float[16];
            for (int i = 0; i < 16; i++) {
                q[i] = (float) rng.nextGaussian();
                k[i] = (float) rng.nextGaussian();
            }
            float[] x = q.clone();
            rope.rotate(x, 0, 16, 41);
            rope.rotateBack(x, 0, 16, 41);
            for (int i = 0; i < 16; i++) assertEquals(q[i], x[i], 1e-5);
            assertEquals(dot(rope, q, k, 7, 3), dot(rope, q, k, 107, 103), 1e-4);   // m − n = 4 both times
            assertEquals(12, rope.rotaryDims(16));
        }
    }

    private static double dot(Rope rope, float[] q, float[] k, int m, int n) {
        float[] a = q.clone();
        float[] b = k.clone();
        rope.rotate(a, 0, a.length, m);
        rope.rotate(b, 0, b.length, n);
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    @Test
    void specAndErrorsNameTheValues() {
        assertEquals("rope(theta=10000.0, fraction=1.0, layout=\"interleaved\")",
                new Rope(10_000, 1, Rope.Layout.INTERLEAVED).spec());
        assertEquals("rope theta must be a finite number greater than 1 but was 1.0",
                assertThrows(IllegalArgumentException.class, () -> new Rope(1, 1, Rope.Layout.HALF)).getMessage());
        assertEquals("rope fraction must be in (0, 1] but was 1.5",
                assertThrows(IllegalArgumentException.class, () -> new Rope(10, 1.5, Rope.Layout.HALF)).getMessage());
        assertEquals("rope with fraction 0.1 rotates no pair of a head of 8 features",
                assertThrows(IllegalArgumentException.class, () -> new Rope(10, 0.1, Rope.Layout.HALF).rotaryDims(8))
                        .getMessage());
    }
}
