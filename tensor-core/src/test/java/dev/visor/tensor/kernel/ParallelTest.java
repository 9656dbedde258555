package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Parallel}: chunking, nesting and callers from other fork-join pools. */
class ParallelTest {

    @Test
    void coversTheRangeOnceInContiguousChunks() {
        withTwoThreads(() -> {
            int[] hits = new int[1000];
            Parallel.forRange(1000, 10, (from, to) -> {
                for (int i = from; i < to; i++) {
                    hits[i]++;
                }
            });
            for (int h : hits) {
                assertEquals(1, h);
            }
        });
    }

    @Test
    void nestedCallsRunInlineOnTheKernelThread() {
        withTwoThreads(() -> {
            AtomicInteger inner = new AtomicInteger();
            Parallel.forRange(2, 1, (from, to) -> {
                String outer = Thread.currentThread().getName();
                Parallel.forRange(100, 1, (f, t) -> {
                    assertEquals(outer, Thread.currentThread().getName());
                    inner.addAndGet(t - f);
                });
            });
            assertEquals(200, inner.get());
        });
    }

    @Test
    void callersInAnotherForkJoinPoolStillGetTheKernelThreads() throws Exception {
        withTwoThreads(() -> {
            Set<String> names = ConcurrentHashMap.newKeySet();
            java.util.concurrent.CountDownLatch both = new java.util.concurrent.CountDownLatch(2);
            ForkJoinPool.commonPool().submit(() -> Parallel.forRange(2, 1, (from, to) -> {
                names.add(Thread.currentThread().getName());
                both.countDown();
                try {   // the two chunks must run at the same time: inline, this would time out
                    assertTrue(both.await(10, java.util.concurrent.TimeUnit.SECONDS), "the chunks did not run concurrently");
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            })).join();
            assertEquals(2, names.size(), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.startsWith("visor-kernel-")), names.toString());
        });
    }

    @Test
    void theCallerRunsTheFirstChunkAndNestedLoopsInsideItInline() {
        withTwoThreads(() -> {
            String caller = Thread.currentThread().getName();
            Set<String> first = ConcurrentHashMap.newKeySet();
            Set<String> nested = ConcurrentHashMap.newKeySet();
            Parallel.forRange(2, 1, (from, to) -> {
                if (from == 0) {
                    first.add(Thread.currentThread().getName());
                    Parallel.forRange(64, 1, (a, b) -> nested.add(Thread.currentThread().getName()));
                }
            });
            assertEquals(Set.of(caller), first);
            assertEquals(Set.of(caller), nested);
        });
    }

    @Test
    void anErrorInTheCallersChunkPropagatesAfterTheOthersFinish() {
        withTwoThreads(() -> {
            java.util.concurrent.atomic.AtomicInteger done = new java.util.concurrent.atomic.AtomicInteger();
            var e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(2, 1, (from, to) -> {
                if (from == 0) throw new IllegalStateException("chunk 0 failed");
                done.incrementAndGet();
            }));
            assertEquals("chunk 0 failed", e.getMessage());
            assertEquals(1, done.get(), "the other chunk ran to its end before forRange returned");
        });
    }

    @Test
    void rejectsAThreadCountBelowOne() {
        var e = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        assertEquals("thread count must be at least 1 but got 0", e.getMessage());
    }

    private static void withTwoThreads(Runnable body) {
        int before = Parallel.threads();
        Parallel.setThreads(2);
        try {
            body.run();
        } finally {
            Parallel.setThreads(before);
        }
    }
}
