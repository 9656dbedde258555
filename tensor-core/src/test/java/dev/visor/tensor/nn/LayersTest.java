package dev.visor.tensor.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class LayersTest {

    @Test
    void linearInitIsUniformInPlusMinusOneOverSqrtInAndSeeded() {
        Linear l = new Linear(16, 300, new Rng(9));
        assertArrayEquals(new int[] {300, 16}, l.weight().shape());
        assertArrayEquals(new int[] {300}, l.bias().shape());
        float bound = 0.25f;
        float max = 0;
        for (float v : l.weight().toArray()) {
            assertTrue(Math.abs(v) <= bound, "weight " + v);
            max = Math.max(max, Math.abs(v));
        }
        assertTrue(max > 0.24f, "the bound is actually reached: " + max);
        for (float v : l.bias().toArray()) {
            assertTrue(Math.abs(v) <= bound, "bias " + v);
        }
        assertArrayEquals(l.weight().toArray(), new Linear(16, 300, new Rng(9)).weight().toArray());
        assertEquals(List.of("weight", "bias"), List.copyOf(l.namedParameters().keySet()));
        assertEquals(List.of("weight"), List.copyOf(new Linear(2, 2, false, new Rng(1)).namedParameters().keySet()));
        assertNull(new Linear(2, 2, false, new Rng(1)).bias());
    }

    @Test
    void linearForwardIsTheFunctionalLinear() {
        Linear l = new Linear(3, 2, new Rng(1));
        Tensor x = Tensor.randn(new Rng(2), 4, 3);
        assertArrayEquals(Functional.linear(x, l.weight(), l.bias()).toArray(), l.forward(x).toArray());
    }

    @Test
    void layerConstructorsNameBadArguments() {
        var e = assertThrows(IllegalArgumentException.class, () -> new Linear(0, 3, new Rng(1)));
        assertEquals("Linear needs inFeatures >= 1 and outFeatures >= 1 but got inFeatures=0, outFeatures=3", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Linear(Tensor.zeros(3, 2), Tensor.zeros(2)));
        assertEquals("Linear bias has shape [2] but the weight [3, 2] needs [3]", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Embedding(5, 0, new Rng(1)));
        assertEquals("Embedding needs numEmbeddings >= 1 and dim >= 1 but got numEmbeddings=5, dim=0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new Embedding(5, 2, 5, new Rng(1)));
        assertEquals("paddingIdx 5 is out of range for a table of 5 rows (expected -5..4)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new LayerNorm(new int[] {4, 0}, 1e-5, true));
        assertEquals("LayerNorm needs a non-empty normalizedShape of positive sizes but got [4, 0]", e.getMessage());
    }

    @Test
    void embeddingIsStandardNormalWithAZeroPaddingRow() {
        Embedding e = new Embedding(1000, 8, -1, new Rng(4));
        assertEquals(999, e.paddingIdx());
        float[] w = e.weight().toArray();
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < 999 * 8; i++) {
            sum += w[i];
            sq += (double) w[i] * w[i];
        }
        double mean = sum / (999 * 8);
        double var = sq / (999 * 8) - mean * mean;
        assertEquals(0, mean, 0.05);
        assertEquals(1, var, 0.06);
        assertArrayEquals(new float[8], java.util.Arrays.copyOfRange(w, 999 * 8, 1000 * 8));
        Tensor y = e.forward(new int[] {999, 3}, 1, 2);
        assertArrayEquals(new int[] {1, 2, 8}, y.shape());
        y.backward(Tensor.onesLike(y));
        float[] g = e.weight().grad().toArray();
        assertEquals(0f, g[999 * 8]);
        assertEquals(1f, g[3 * 8]);
        var ex = assertThrows(IllegalArgumentException.class, () -> e.forward(new int[] {1, 2, 3}, 2, 2));
        assertEquals("3 ids do not fill the shape [2, 2] (4 elements)", ex.getMessage());
    }

    @Test
    void layerNormStartsAsTheIdentityAffineMap() {
        LayerNorm n = new LayerNorm(3);
        assertArrayEquals(new float[] {1, 1, 1}, n.weight().toArray());
        assertArrayEquals(new float[] {0, 0, 0}, n.bias().toArray());
        assertEquals(1e-5, n.eps());
        Tensor x = Tensor.of(new float[] {1, 2, 6}, 1, 3);
        assertArrayEquals(Functional.layerNorm(x, new int[] {3}, null, null, 1e-5).toArray(), n.forward(x).toArray());
        LayerNorm plain = new LayerNorm(new int[] {3}, 1e-6, false);
        assertTrue(plain.parameters().isEmpty());
        assertNull(plain.weight());
    }

    @Test
    void sequentialRunsInOrderWithNumberedNames() {
        Rng rng = new Rng(7);
        Linear a = new Linear(3, 4, rng);
        Linear b = new Linear(4, 2, rng);
        Sequential s = new Sequential(a, Activation.relu(), b);
        assertEquals(List.of("0.weight", "0.bias", "2.weight", "2.bias"), List.copyOf(s.namedParameters().keySet()));
        Tensor x = Tensor.randn(rng, 5, 3);
        assertArrayEquals(b.forward(Functional.relu(a.forward(x))).toArray(), s.forward(x).toArray());
        assertSame(b, s.get(2));
        assertEquals(3, s.size());
        var e = assertThrows(IllegalArgumentException.class, () -> s.add(new Embedding(3, 2, rng)));
        assertEquals("Sequential needs layers with forward(Tensor), but Embedding at index 3 is not a Layer", e.getMessage());
    }

    @Test
    void moduleListIndexesAndIterates() {
        Rng rng = new Rng(1);
        ModuleList<Linear> list = new ModuleList<>(List.of(new Linear(2, 2, rng), new Linear(2, 2, rng)));
        list.add(new Linear(2, 3, rng));
        assertEquals(3, list.size());
        assertEquals(3, list.get(2).outFeatures());
        assertEquals("2.weight", List.copyOf(list.namedParameters().keySet()).get(4));
        int n = 0;
        for (Linear l : list) {
            n += l.outFeatures();
        }
        assertEquals(7, n);
        assertThrows(IndexOutOfBoundsException.class, () -> list.get(3));
    }

    @Test
    void initFillsInPlaceWithTheRightRanges() {
        Tensor w = Tensor.zeros(20, 30);
        float[] storage = w.storage();
        Init.xavierUniform(w, 2.0, new Rng(1));
        assertSame(storage, w.storage());
        double a = 2.0 * Math.sqrt(6.0 / 50);
        for (float v : storage) {
            assertTrue(Math.abs(v) <= a);
        }
        Init.kaimingUniform(w, Math.sqrt(5), new Rng(1));
        for (float v : storage) {
            assertTrue(Math.abs(v) <= 1 / Math.sqrt(30) + 1e-7);
        }
        Init.normal(w, 3, 0, new Rng(1));
        assertArrayEquals(Tensor.full(3f, 20, 30).toArray(), storage);
        Init.zeros(w);
        assertArrayEquals(new float[600], storage);
        assertArrayEquals(new int[] {12, 8}, Init.fans(Tensor.zeros(2, 3, 4)));
        var e = assertThrows(IllegalArgumentException.class, () -> Init.xavierUniform(Tensor.zeros(5), 1, new Rng(1)));
        assertEquals("fan in and fan out need a weight of rank >= 2 but the shape is [5]", e.getMessage());
        Tensor view = Tensor.viewOf(Tensor.zeros(4), "narrow", new int[] {2}, new int[] {1}, 2, g -> null);
        e = assertThrows(IllegalArgumentException.class, () -> Init.ones(view));
        assertEquals("in-place init needs a tensor that owns dense storage but got shape [2] with strides [1] at offset 2", e.getMessage());
    }
}
