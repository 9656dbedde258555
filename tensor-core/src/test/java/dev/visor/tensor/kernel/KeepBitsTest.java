package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The dropout kernels against their plain loops, at every length around the vector and word edges
 * (run again by the build without the Vector API and at 128-bit vectors).
 */
class KeepBitsTest {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    @Test
    void fillGivesTheReferenceBitsAtEveryLength() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n = 0; n <= 300; n++) {
            long seed = r.nextLong();
            long gamma = n % 3 == 0 ? GOLDEN : r.nextLong() | 1;
            long threshold = switch (n % 4) {
                case 0 -> 0;
                case 1 -> 1L << 53;
                default -> (long) Math.ceil((n % 7 + 1) / 8.0 * 0x1p53);
            };
            long[] keep = new long[(n + 63) >>> 6];
            KeepBits.fill(seed, gamma, threshold, keep, n);
            assertArrayEquals(KeepBits.Reference.fill(seed, gamma, threshold, n), keep, "n=" + n + ", threshold=" + threshold);
        }
    }

    @Test
    void fillClearsTheWordsPastN() {
        long[] keep = {-1, -1, -1};
        KeepBits.fill(5, GOLDEN, 0, keep, 70); // every draw kept
        assertArrayEquals(new long[] {-1, (1L << 6) - 1, 0}, keep);
    }

    @Test
    void applyGivesTheReferenceValuesAndZeroForDroppedInfinities() {
        SplittableRandom r = new SplittableRandom(4);
        for (int n = 0; n <= 200; n++) {
            float[] in = new float[n];
            for (int i = 0; i < n; i++) {
                in[i] = i % 17 == 0 ? Float.POSITIVE_INFINITY : i % 13 == 0 ? Float.NaN : (float) r.nextGaussian();
            }
            long[] keep = new long[(n + 63) >>> 6];
            for (int w = 0; w < keep.length; w++) {
                keep[w] = r.nextLong();
            }
            float[] out = new float[n];
            KeepBits.apply(in, keep, 1.25f, out, n);
            float[] expected = KeepBits.Reference.apply(in, keep, 1.25f, n);
            for (int i = 0; i < n; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(out[i]), "n=" + n + ", element " + i);
            }
        }
    }

    @Test
    void masksSplitAcrossThreadsGiveTheBitsOfOneThread() {
        int before = Parallel.threads();
        try {
            Parallel.setThreads(2);
            for (int n : new int[] {65_536 * 2 + 1, 200_003, 262_144}) {   // at and over two chunks of the fill's and apply's grain
                long threshold = (long) Math.ceil(0.1 * 0x1p53);
                long[] keep = new long[(n + 63) >>> 6];
                KeepBits.fill(77 + n, GOLDEN, threshold, keep, n);
                assertArrayEquals(KeepBits.Reference.fill(77 + n, GOLDEN, threshold, n), keep, "n=" + n);
                float[] in = new float[n];
                SplittableRandom r = new SplittableRandom(n);
                for (int i = 0; i < n; i++) {
                    in[i] = (float) r.nextGaussian();
                }
                float[] out = new float[n];
                KeepBits.apply(in, keep, 1f / 0.9f, out, n);
                float[] expected = KeepBits.Reference.apply(in, keep, 1f / 0.9f, n);
                for (int i = 0; i < n; i++) {
                    assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(out[i]), "n=" + n + ", element " + i);
                }
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void tooFewKeepWordsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KeepBits.fill(0, GOLDEN, 0, new long[1], 65));
        assertEquals(true, e.getMessage().contains("65 draws need 2 words"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> KeepBits.apply(new float[3], new long[1], 1f, new float[2], 3));
    }
}
