package dev.visor.tensor.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.visor.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Embedding gather / scatter-add and masked fill. */
class IndexingTest {
    private static final float NEG_INF = Float.NEGATIVE_INFINITY;

    @Test
    void embeddingGathersRowsIntoTheIndexShapePlusDim() {
        Tensor w = Tensor.of(new float[] {0, 1, 10, 11, 20, 21}, 3, 2);
        Tensor y = Functional.embedding(new int[] {2, 0, 2, 1}, new int[] {2, 2}, w);
        assertArrayEquals(new int[] {2, 2, 2}, y.shape());
        assertArrayEquals(new float[] {20, 21, 0, 1, 20, 21, 10, 11}, y.toArray());
    }

    @Test
    void embeddingGradientScatterAddsRepeatsAndSkipsThePaddingRow() {
        Tensor w = Tensor.zeros(4, 2).requiresGrad(true);
        Tensor y = Functional.embedding(new int[] {1, 3, 1, 0}, new int[] {4}, w, 0);
        y.backward(Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 4, 2));
        assertArrayEquals(new float[] {0, 0, 6, 8, 0, 0, 3, 4}, w.grad().toArray());
    }

    @Test
    void aNegativePaddingIndexCountsFromTheEnd() {
        Tensor w = Tensor.zeros(3, 1).requiresGrad(true);
        Functional.embedding(new int[] {2, 1}, new int[] {2}, w, -1).backward(Tensor.ones(2, 1));
        assertArrayEquals(new float[] {0, 1, 0}, w.grad().toArray());
    }

    @Test
    void embeddingErrorsNameTheOffendingIndex() {
        Tensor w = Tensor.zeros(3, 2);
        var e = assertThrows(IndexOutOfBoundsException.class, () -> Functional.embedding(new int[] {0, 3}, new int[] {2}, w));
        assertEquals("embedding index 3 at position 1 is out of range for a table of 3 rows (expected 0..2)", e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> Functional.embedding(new int[] {0}, new int[] {2}, w));
        assertEquals("embedding got 1 indices for index shape [2] (expected 2)", e2.getMessage());
        e2 = assertThrows(IllegalArgumentException.class, () -> Functional.embedding(new int[] {0}, new int[] {1}, w, 3));
        assertEquals("paddingIdx 3 is out of range for a table of 3 rows (expected -3..2)", e2.getMessage());
        e2 = assertThrows(IllegalArgumentException.class, () -> Functional.embedding(new int[] {0}, new int[] {1}, Tensor.zeros(3)));
        assertEquals("embedding weight must be (numEmbeddings, dim) but has shape [3]", e2.getMessage());
    }

    @Test
    void maskedFillBroadcastsAPaddingMaskOverHeadsAndQueries() {
        Tensor scores = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, 2, 2, 2); // (batch, query, key)
        Tensor keyPad = Tensor.of(new float[] {0, 1, 0, 0}, 2, 1, 2);              // (batch, 1, key): batch 0 key 1 is padding
        Tensor y = Functional.maskedFill(scores, keyPad, NEG_INF);
        assertArrayEquals(new float[] {1, NEG_INF, 3, NEG_INF, 5, 6, 7, 8}, y.toArray());
    }

    @Test
    void booleanMasksWorkTheSameAndGradientsSkipFilledPositions() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor y = Functional.maskedFill(x, new boolean[] {true, false, true}, new int[] {3}, 0f);
        assertArrayEquals(new float[] {0, 2, 0, 0, 5, 0}, y.toArray());
        y.backward(Tensor.ones(2, 3));
        assertArrayEquals(new float[] {0, 1, 0, 0, 1, 0}, x.grad().toArray());
    }

    @Test
    void maskErrorsNameShapesAndValues() {
        Tensor x = Tensor.zeros(2, 3);
        var e = assertThrows(IllegalArgumentException.class, () -> Functional.maskedFill(x, Tensor.zeros(2, 2), 0f));
        assertEquals("mask of shape [2, 2] cannot be broadcast to the input's shape [2, 3]: mask dimension 1 is 2 but the input has 3"
                + " (expected 3 or 1)", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.maskedFill(x, Tensor.of(new float[] {0, NEG_INF, 0}, 3), 0f));
        assertEquals("a mask tensor must hold only 0 (keep) and 1 (fill) but element 1 is -Infinity; additive masks (0/-inf)"
                + " are not masks: use 0/1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.maskedFill(x, Tensor.zeros(1, 2, 3), 0f));
        assertEquals("mask of shape [1, 2, 3] has more dimensions than the input [2, 3]; it must broadcast to the input's shape",
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Functional.maskedFill(x, new boolean[2], new int[] {3}, 0f));
        assertEquals("mask has 2 values but its shape [3] needs 3", e.getMessage());
    }
}
