package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@link GemmProfile} at whatever width this JVM runs (Surefire runs it at 512 bits, AVX2, 128 bits
 * and on the scalar path, where it must refuse): every part measured in every round, the table's
 * rows, and bad sizes named. Speed itself is not asserted.
 */
class GemmProfileTest {

    @Test
    void measuresEveryPartInEveryRoundOrRefusesOnTheScalarPath() {
        if (!VectorSupport.available()) {
            var e = assertThrows(IllegalStateException.class, () -> GemmProfile.measure(GemmProfile.MIN_N, 1));
            assertTrue(e.getMessage().contains("Vector API"), e.getMessage());
            return;
        }
        double[][] rounds = GemmProfile.measure(GemmProfile.MIN_N, 3);
        assertEquals(GemmProfile.PARTS.length, rounds.length);
        for (int part = 0; part < rounds.length; part++) {
            assertEquals(3, rounds[part].length);
            for (double v : rounds[part]) {
                if (part == GemmProfile.PACK_A_PART && !VectorGemm.PACK_A) {
                    assertEquals(0, v, "A is read in place at this width: nothing to pack");
                } else {
                    assertTrue(v > 0 && Double.isFinite(v), "every round of part " + part + " measured: " + v);
                }
            }
        }
        String table = GemmProfile.table(GemmProfile.MIN_N, rounds);
        for (String part : GemmProfile.PARTS) {
            assertTrue(table.contains("| " + part + " | "), part + " in\n" + table);
        }
        assertTrue(table.contains("% of the product's best round"), table);
        assertEquals(2 + GemmProfile.PARTS.length, table.strip().split("\n").length, table);
    }

    @Test
    void tableGivesBestAndMedianOfEachPart() {
        double[][] rounds = {{10, 30, 20}, {2, 1, 3}, {8, 4, 6}, {5, 7, 9}, {3, 4, 5}, {11, 12, 13}, {0.5, 0.25, 1},
            {14, 16, 15}};
        String table = GemmProfile.table(100, rounds);
        assertTrue(table.contains("| " + GemmProfile.PARTS[0] + " | 30.00 GFLOP/s | 20.00 GFLOP/s |"), table);
        // packing: the fewest milliseconds is best; 2·100³ FLOP at 8 GFLOP/s is 0.25 ms, so 1 ms is 400 %
        assertTrue(table.contains("| " + GemmProfile.PARTS[1] + " | 1.00 ms (400.0 % of the product's best round) | 2.00 ms |"),
                table);
        assertTrue(table.contains("| " + GemmProfile.PARTS[3] + " | 9.00 GFLOP/s | 7.00 GFLOP/s |"), table);
        assertTrue(table.contains("| " + GemmProfile.PARTS[5] + " | 13.00 GFLOP/s | 12.00 GFLOP/s |"), table);
        // packing A, in milliseconds like packing B: 0.25 ms of the 0.25 ms product is 100 %
        assertTrue(table.contains("| " + GemmProfile.PARTS[GemmProfile.PACK_A_PART]
                + " | 0.25 ms (100.0 % of the product's best round) | 0.50 ms |"), table);
        assertTrue(table.contains("| " + GemmProfile.PARTS[GemmProfile.CALLS_PART] + " | 16.00 GFLOP/s | 15.00 GFLOP/s |"), table);
    }

    @Test
    void rejectsTooSmallSizesNamingThem() {
        if (!VectorSupport.available()) {
            return; // the scalar path refuses before looking at the sizes (above)
        }
        var e = assertThrows(IllegalArgumentException.class, () -> GemmProfile.measure(GemmProfile.MIN_N - 1, 1));
        assertEquals("n is 63 and rounds 1 but n must be at least 64 and rounds at least 1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GemmProfile.measure(GemmProfile.MIN_N, 0));
        assertEquals("n is 64 and rounds 0 but n must be at least 64 and rounds at least 1", e.getMessage());
    }
}
