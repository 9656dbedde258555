package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Parallel}: chunking, nesting, failures, interrupts, concurrent callers and idle kernel threads. */
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
    void onKernelThreadIsTrueOnlyOnAKernelThread() {
        assertFalse(Parallel.onKernelThread());
        withTwoThreads(() -> {
            Map<String, Boolean> seen = new ConcurrentHashMap<>();
            CountDownLatch both = new CountDownLatch(2);
            Parallel.forRange(2, 1, (from, to) -> {
                Parallel.forRange(4, 1, (f, t) -> seen.merge(Thread.currentThread().getName(), Parallel.onKernelThread(),
                        (a, b) -> a && b));   // nested: inline on the same thread, same answer
                both.countDown();
                awaitOrFail(both);
            });
            assertEquals(2, seen.size(), seen.toString());
            assertEquals(false, seen.get(Thread.currentThread().getName()), "the caller running its share: " + seen);
            seen.forEach((name, kernel) -> assertEquals(name.startsWith("visor-kernel-"), kernel, name));
            assertFalse(Parallel.onKernelThread());
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
    void anExceptionOnAKernelThreadPropagatesWithWhereItWasThrownAndThePoolStaysUsable() {
        withTwoThreads(() -> {
            for (int round = 0; round < 50; round++) {
                CountDownLatch both = new CountDownLatch(2);
                var e = assertThrows(IllegalArgumentException.class, () -> Parallel.forRange(2, 1, (from, to) -> {
                    both.countDown();
                    awaitOrFail(both);   // both chunks run at once, so chunk 1 is on the kernel thread
                    if (from == 1) throw new IllegalArgumentException("chunk 1 failed");
                }));
                assertEquals("chunk 1 failed", e.getMessage());
                assertEquals(1, e.getSuppressed().length);
                assertTrue(e.getSuppressed()[0].getMessage().matches(
                        "thrown on visor-kernel-\\d+ in chunk 1 of 2 \\(items 1 to 2 of 2\\) of a split called from .*"),
                        e.getSuppressed()[0].getMessage());
            }
            assertTwoThreadsRunConcurrently();
        });
    }

    @Test
    void aCheckedExceptionThrownSneakilyIsWrappedNamingIt() {
        withTwoThreads(() -> {
            var e = assertThrows(IllegalStateException.class, () -> Parallel.forRange(2, 1, (from, to) -> {
                if (from == 0) ParallelTest.<RuntimeException>sneaky(new java.io.IOException("disk gone"));
            }));
            assertEquals("a Parallel.forRange chunk threw a checked exception: java.io.IOException: disk gone", e.getMessage());
            assertTrue(e.getCause() instanceof java.io.IOException);
        });
    }

    @Test
    void concurrentCallersOnSeveralThreadsGetCorrectResultsWithoutDeadlock() throws Exception {
        withTwoThreads(() -> {
            ExecutorService callers = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> runs = new ArrayList<>();
                for (int caller = 0; caller < 4; caller++) {
                    int seed = caller;
                    runs.add(callers.submit(() -> {
                        for (int round = 0; round < 2000; round++) {
                            int n = 1 + (round * 7 + seed) % 300;
                            long[] sum = new long[n];
                            Parallel.forRange(n, 1 + round % 5, (from, to) -> {
                                for (int i = from; i < to; i++) {
                                    int item = i;
                                    synchronized (sum) {
                                        sum[i] += seed;
                                    }
                                    Parallel.forRange(4, 1, (a, b) -> {   // nested splits too
                                        synchronized (sum) {
                                            sum[item] += (long) item * (b - a);
                                        }
                                    });
                                }
                            });
                            for (int i = 0; i < n; i++) {
                                assertEquals(4L * i + seed, sum[i], "caller " + seed + " round " + round + " item " + i);
                            }
                        }
                    }));
                }
                for (Future<?> r : runs) {
                    r.get(120, TimeUnit.SECONDS);
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            } finally {
                callers.shutdownNow();
            }
        });
    }

    @Test
    void aChunkWaitingForAnotherCallersSplitDoesNotDeadlock() {
        withTwoThreads(() -> {
            // the other caller finds the kernel threads taken by this split and runs its loop alone
            AtomicInteger inner = new AtomicInteger();
            Parallel.forRange(2, 1, (from, to) -> {
                Thread other = new Thread(() -> Parallel.forRange(100, 1, (a, b) -> inner.addAndGet(b - a)));
                other.start();
                try {
                    other.join(30_000);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                assertTrue(!other.isAlive(), "the other caller's split did not finish");
            });
            assertEquals(200, inner.get());
        });
    }

    @Test
    void anInterruptedCallerStillWaitsForEveryChunkAndKeepsItsInterruptStatus() {
        withTwoThreads(() -> {
            AtomicInteger done = new AtomicInteger();
            Thread caller = Thread.currentThread();
            try {
                CountDownLatch started = new CountDownLatch(1);
                Parallel.forRange(2, 1, (from, to) -> {
                    if (from == 0) {
                        awaitOrFail(started);   // chunk 1 runs on the kernel thread
                        caller.interrupt();
                    } else {
                        started.countDown();
                        LockSupport.parkNanos(50_000_000L);   // the caller is waiting for this chunk when interrupted
                    }
                    done.incrementAndGet();
                });
                assertEquals(2, done.get());
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status was kept");
            } finally {
                Thread.interrupted();
            }
            assertTwoThreadsRunConcurrently();
        });
    }

    @Test
    void kernelThreadsAreDaemonsAndStopSpinningWhenIdle() {
        withTwoThreads(() -> {
            assertTwoThreadsRunConcurrently();
            assertEquals(1, Parallel.liveKernelThreads());
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith("visor-kernel-") && t.isAlive()) {
                    assertTrue(t.isDaemon(), t.getName() + " is not a daemon: it would keep the JVM alive");
                }
            }
            // after the spin window the kernel thread parks: it no longer burns a core
            awaitOneParkedKernelThread("the idle kernel thread still runs");
            assertTwoThreadsRunConcurrently();   // and a parked thread wakes for the next split
        });
    }

    @Test
    void kernelThreadsParkingBetweenSplitsAreWokenForEachSplit() {
        withTwoThreads(() -> {
            assertTwoThreadsRunConcurrently();
            Parallel.parkBetweenSplitsFor(60_000_000_000L);   // as after a split that found them without a core
            try {
                for (int round = 0; round < 20; round++) {
                    awaitOneParkedKernelThread("round " + round);
                    assertTwoThreadsRunConcurrently();   // the post's unpark woke it
                }
            } finally {
                Parallel.parkBetweenSplitsFor(0);
            }
        });
    }

    @Test
    void oneThreadStartsNoKernelThreadAndChangingTheCountEndsTheOldOnes() {
        withTwoThreads(() -> {
            assertTwoThreadsRunConcurrently();
            List<Thread> old = kernelThreads();
            assertTrue(!old.isEmpty());
            Parallel.setThreads(1);
            String caller = Thread.currentThread().getName();
            Set<String> names = ConcurrentHashMap.newKeySet();
            AtomicInteger calls = new AtomicInteger();
            Parallel.forRange(1000, 1, (from, to) -> {
                names.add(Thread.currentThread().getName());
                calls.incrementAndGet();
            });
            assertEquals(Set.of(caller), names);
            assertEquals(1, calls.get(), "one thread runs the whole range as one chunk");
            assertEquals(0, Parallel.liveKernelThreads());
            for (Thread t : old) {
                try {
                    t.join(30_000);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                assertTrue(!t.isAlive(), t.getName() + " outlived the thread count it was started for");
            }
        });
    }

    @Test
    void rejectsAThreadCountBelowOne() {
        var e = assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        assertEquals("thread count must be at least 1 but got 0", e.getMessage());
    }

    private static void assertTwoThreadsRunConcurrently() {
        Set<String> names = ConcurrentHashMap.newKeySet();
        CountDownLatch both = new CountDownLatch(2);
        Parallel.forRange(2, 1, (from, to) -> {
            names.add(Thread.currentThread().getName());
            both.countDown();
            awaitOrFail(both);
        });
        assertEquals(2, names.size(), names.toString());
    }

    /** Waits (up to 30 s, no claim on speed) until the one kernel thread of two is parked. */
    private static void awaitOneParkedKernelThread(String message) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (Parallel.parkedKernelThreads() < 1 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(100_000L);
        }
        assertEquals(1, Parallel.parkedKernelThreads(), message);
    }

    private static void awaitOrFail(CountDownLatch latch) {
        try {
            assertTrue(latch.await(30, TimeUnit.SECONDS), "the chunks did not run concurrently");
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Thread> kernelThreads() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("visor-kernel-") && t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneaky(Throwable e) throws E {
        throw (E) e;
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
