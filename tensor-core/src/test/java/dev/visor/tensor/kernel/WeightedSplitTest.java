package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** {@link WeightedSplit}: balanced contiguous runs, every item once on one and two threads, failures. */
class WeightedSplitTest {
    /** A model's parameter sizes in miniature: weights next to biases, one item heavier than a share. */
    private static final long[] SIZES = {4096, 64, 4096, 64, 16384, 256, 16384, 64, 1, 0, 8192};

    @Test
    void cutsAreContiguousRunsStartingWhereTheirShareOfTheWeightBegins() {
        assertArrayEquals(new int[] {0, 4}, WeightedSplit.cuts(new long[] {1, 2, 3, 4}, 1));
        // total 10: run 1 starts at the first item whose weight starts at or past 5 (item 2 starts at 3, item 3 at 6)
        assertArrayEquals(new int[] {0, 3, 4}, WeightedSplit.cuts(new long[] {1, 2, 3, 4}, 2));
        // total 102, shares start at 34 and 68: both fall inside item 1, so run 1 is empty and run 2 starts at item 2
        assertArrayEquals(new int[] {0, 2, 2, 3}, WeightedSplit.cuts(new long[] {1, 100, 1}, 3));
        assertArrayEquals(new int[] {0, 0, 0}, WeightedSplit.cuts(new long[0], 2));
        int[] cut = WeightedSplit.cuts(SIZES, 2);
        long first = 0;
        long total = 0;
        for (int i = 0; i < SIZES.length; i++) {
            total += SIZES[i];
            first += i < cut[1] ? SIZES[i] : 0;
        }
        assertTrue(Math.abs(2 * first - total) <= 2 * 16384, "runs of " + first + " and " + (total - first) + " elements");
    }

    @Test
    void badArgumentsAreNamed() {
        var chunks = assertThrows(IllegalArgumentException.class, () -> WeightedSplit.cuts(SIZES, 0));
        assertEquals("a split needs at least 1 chunk but got 0", chunks.getMessage());
        var negative = assertThrows(IllegalArgumentException.class, () -> WeightedSplit.cuts(new long[] {3, -2}, 2));
        assertEquals("item 1 has negative weight -2", negative.getMessage());
    }

    @Test
    void visitsEveryItemOnceInOrderWithinARunOnOneAndTwoThreads() {
        for (int threads : new int[] {1, 2}) {
            withThreads(threads, () -> {
                int[] hits = new int[SIZES.length];
                int[] order = new int[SIZES.length];
                int[] seq = new int[2];
                Set<Thread> seen = ConcurrentHashMap.newKeySet();
                WeightedSplit.forEach(SIZES, 1, i -> {
                    hits[i]++;
                    seen.add(Thread.currentThread());
                    int run = i < WeightedSplit.cuts(SIZES, Parallel.threads())[1] ? 0 : 1;
                    order[i] = seq[run]++;
                });
                for (int h : hits) {
                    assertEquals(1, h);
                }
                int[] cut = WeightedSplit.cuts(SIZES, threads);
                for (int i = 1; i < SIZES.length; i++) {
                    if (i != cut[1]) {
                        assertEquals(order[i - 1] + 1, order[i], "items of a run go in ascending order");
                    }
                }
                assertTrue(seen.size() <= threads, "threads seen: " + seen.size());
            });
        }
    }

    @Test
    void lightWorkStaysOnTheCaller() {
        withThreads(2, () -> {
            Thread caller = Thread.currentThread();
            WeightedSplit.forEach(SIZES, Long.MAX_VALUE, i -> assertSame(caller, Thread.currentThread()));
        });
    }

    @Test
    void aFailingItemPropagatesAfterTheOthersRan() {
        withThreads(2, () -> {
            int last = SIZES.length - 1;
            int[] hits = new int[SIZES.length];
            var e = assertThrows(IllegalStateException.class, () -> WeightedSplit.forEach(SIZES, 1, i -> {
                hits[i]++;
                if (i == last) {
                    throw new IllegalStateException("item " + i);
                }
            }));
            assertEquals("item " + last, e.getMessage());
            assertEquals(1, hits[0], "the other run still ran");
            // and the kernel threads stay usable
            int[] again = new int[SIZES.length];
            WeightedSplit.forEach(SIZES, 1, i -> again[i]++);
            for (int h : again) {
                assertEquals(1, h);
            }
        });
    }

    private static void withThreads(int n, Runnable body) {
        int before = Parallel.threads();
        Parallel.setThreads(n);
        try {
            body.run();
        } finally {
            Parallel.setThreads(before);
        }
    }
}
