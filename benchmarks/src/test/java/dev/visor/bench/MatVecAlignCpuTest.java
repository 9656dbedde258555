package dev.visor.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Gemm;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MatVecAlignCpuTest {

    @Test
    void theShapesAreEachMatrixsRowsAndColumnsInOrder() {
        int[][] s = MatVecAlignCpu.shapes(List.of(Tensor.zeros(24, 8), Tensor.zeros(8, 16), Tensor.zeros(30, 8)));
        assertArrayEquals(new int[][] {{24, 8}, {8, 16}, {30, 8}}, s);
    }

    @Test
    void theProductsReadEachMatrixFromItsPlaceAfterTheOffset() {
        int[][] shapes = {{12, 4}, {4, 4}, {8, 4}, {4, 8}, {5, 4}};   // one layer of d 4, FFN 8, then a generator of 5
        Random rng = new Random(3);
        int off = 3;
        int floats = 0;
        for (int[] sh : shapes) {
            floats += sh[0] * sh[1];
        }
        float[] w = new float[floats + off];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rng.nextGaussian();
        }
        float[] x = new float[8];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        float[] y = new float[12];
        MatVecAlignCpu.products(shapes, w, off, x, y);
        // y holds the last product's outputs: the generator (5 × 4), which starts after the four layer matrices
        int start = off + floats - 5 * 4;
        float[] expect = new float[5];
        Gemm.reference(false, true, 1, 5, 4, 1f, x, 0, 4, w, start, 4, 0f, expect, 0, 5);
        for (int j = 0; j < 5; j++) {
            assertEquals(expect[j], y[j], 1e-5f * (1 + Math.abs(expect[j])), "output " + j);
        }
    }

    @Test
    void theTableNamesTheFastestAndSlowestOffsets() {
        double[] micros = new double[16];
        java.util.Arrays.fill(micros, 4000);
        micros[12] = 3000;
        micros[5] = 5000;
        String t = MatVecAlignCpu.table(micros, 92_000_000L);
        assertTrue(t.contains("offset 12 floats (48 bytes):    3000 us  30.7 GB/s"), t);
        assertTrue(t.contains("fastest offset 12 (30.7 GB/s), slowest 5 (18.4 GB/s): 1.67×"), t);
        assertEquals(17, t.lines().count());
    }
}
