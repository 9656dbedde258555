package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.BiPredicate;
import org.junit.jupiter.api.Test;

/** {@link BlockRanges} against enumerating every (query, key) pair of every small block. */
class BlockRangesTest {
    private static final int POSITIONS = 13;

    @Test
    void sameChunkMatchesEnumeration() {
        for (int size = 1; size <= 6; size++) {
            int n = size;
            checkAll("sameChunk(" + n + ")", (q, k) -> q / n == k / n,
                    (q0, q1, k0, k1) -> BlockRanges.sameChunk(n, q0, q1, k0, k1));
        }
    }

    @Test
    void sameResidueMatchesEnumeration() {
        for (int period = 1; period <= 6; period++) {
            int n = period;
            checkAll("sameResidue(" + n + ")", (q, k) -> q % n == k % n,
                    (q0, q1, k0, k1) -> BlockRanges.sameResidue(n, q0, q1, k0, k1));
        }
    }

    @Test
    void rejectsBadSizesAndEmptyRanges() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BlockRanges.sameChunk(0, 0, 1, 0, 1));
        assertTrue(e.getMessage().contains("chunk size must be at least 1 but was 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> BlockRanges.sameResidue(3, 4, 4, 0, 2));
        assertTrue(e.getMessage().contains("[4, 4)"), e.getMessage());
    }

    private interface Classifier {
        BlockClass classify(int q0, int q1, int k0, int k1);
    }

    private static void checkAll(String name, BiPredicate<Integer, Integer> attends, Classifier classifier) {
        for (int q0 = 0; q0 < POSITIONS; q0++) {
            for (int q1 = q0 + 1; q1 <= POSITIONS; q1++) {
                for (int k0 = 0; k0 < POSITIONS; k0++) {
                    for (int k1 = k0 + 1; k1 <= POSITIONS; k1++) {
                        assertEquals(enumerate(attends, q0, q1, k0, k1), classifier.classify(q0, q1, k0, k1),
                                name + " block [" + q0 + ", " + q1 + ") × [" + k0 + ", " + k1 + ")");
                    }
                }
            }
        }
    }

    private static BlockClass enumerate(BiPredicate<Integer, Integer> attends, int q0, int q1, int k0, int k1) {
        int yes = 0;
        for (int q = q0; q < q1; q++) for (int k = k0; k < k1; k++) if (attends.test(q, k)) yes++;
        return yes == 0 ? BlockClass.EMPTY : yes == (q1 - q0) * (k1 - k0) ? BlockClass.FULL : BlockClass.PARTIAL;
    }
}
