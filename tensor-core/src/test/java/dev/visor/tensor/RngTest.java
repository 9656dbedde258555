package dev.visor.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Rng is SplitMix64 of its own: draw for draw the JDK's {@link SplittableRandom}, the oracle here. */
class RngTest {
    private static final long[] SEEDS = {0, 1, -1, 42, Long.MIN_VALUE, 0x123456789ABCDEFL};

    @Test
    void everyDrawIsSplittableRandomsWithTheSameSeed() {
        for (long seed : SEEDS) {
            Rng r = new Rng(seed);
            SplittableRandom ref = new SplittableRandom(seed);
            for (int i = 0; i < 2000; i++) {
                switch (i % 5) {
                    case 0 -> assertEquals(ref.nextLong(), r.nextLong(), "nextLong, seed " + seed + ", draw " + i);
                    case 1 -> assertEquals(ref.nextDouble(), r.nextDouble(), "nextDouble, seed " + seed + ", draw " + i);
                    case 2 -> assertEquals(ref.nextInt(1 << (i % 31)), r.nextInt(1 << (i % 31)), "power-of-two bound, draw " + i);
                    case 3 -> {
                        // odd bounds near 2³¹ reject often, so the retry loop is exercised
                        int bound = i % 2 == 0 ? 1 + i : Integer.MAX_VALUE - i;
                        assertEquals(ref.nextInt(bound), r.nextInt(bound), "bound " + bound + ", draw " + i);
                    }
                    default -> assertEquals(ref.nextInt(Integer.MAX_VALUE / 3 * 2 + 1), r.nextInt(Integer.MAX_VALUE / 3 * 2 + 1));
                }
            }
        }
    }

    @Test
    void splitsAndSplitsOfSplitsFollowSplittableRandom() {
        for (long seed : SEEDS) {
            Rng r = new Rng(seed);
            SplittableRandom ref = new SplittableRandom(seed);
            for (int depth = 0; depth < 6; depth++) {
                r = r.split();
                ref = ref.split();
                for (int i = 0; i < 50; i++) {
                    assertEquals(ref.nextLong(), r.nextLong(), "seed " + seed + ", split depth " + depth + ", draw " + i);
                }
            }
        }
    }

    @Test
    void keepBitsAreNextDoubleComparedWithPAndAdvanceTheStreamByN() {
        for (int n : new int[] {0, 1, 63, 64, 65, 127, 128, 200, 1000, 4099}) {
            for (double p : new double[] {0, 0.1, 0.5, 0.9, 1, 0x1p-53, 1 - 0x1p-53}) {
                Rng fast = new Rng(n * 7L + 3).split(); // a split stream: gamma is not the golden one
                Rng slow = new Rng(n * 7L + 3).split();
                long[] expected = new long[(n + 63) >>> 6];
                for (int i = 0; i < n; i++) {
                    if (slow.nextDouble() >= p) {
                        expected[i >>> 6] |= 1L << i;
                    }
                }
                assertArrayEquals(expected, fast.keepBits(n, p), "n=" + n + ", p=" + p);
                assertEquals(slow.nextLong(), fast.nextLong(), "the stream after keepBits, n=" + n + ", p=" + p);
            }
        }
    }

    @Test
    void badArgumentsNameTheirValues() {
        Rng r = new Rng(1);
        assertThrows(IllegalArgumentException.class, () -> r.nextInt(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.keepBits(10, 1.5));
        assertEquals(true, e.getMessage().contains("p=1.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.keepBits(-1, 0.5));
    }
}
