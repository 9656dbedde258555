package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.tensor.kernel.Parallel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The flash workers' reused scratch ({@link FlashScratch}): poisoned on every hand-out it must give the
 * same bits as before (so nothing reads what a previous call left, and what must be zero is zeroed);
 * calls that overlap (two threads, a call inside another's lease) must never share it; and caller threads,
 * however many, leave no more than the pool's idle sets, holding no more than its byte budget.
 */
class FlashScratchTest {

    @AfterEach
    void stopPoison() {
        FlashScratch.poison(null);
    }

    /** One flash call's inputs: odd head widths (padding columns), a PARTIAL-block mask, grouped heads. */
    record Case(HeadsView q, HeadsView k, HeadsView v, HeadsView dOut, BlockSparsity mask, AttentionConfig cfg,
                ScoreModification mods) {
        static Case of(long seed, int batch, int heads, int kvHeads, int lq, int lk, int dk, int dv, int bq, int bk,
                       boolean dimMajor, AttentionConfig cfg, ScoreModification mods) {
            Rng rng = new Rng(seed);
            ElementMask em = (b, h, i, j) -> i % 5 != 3 && (j + h + b) % 3 != 0 && j <= i + 6;
            return new Case(view(rng, batch, heads, lq, dk, dimMajor), view(rng, batch, kvHeads, lk, dk, dimMajor),
                    view(rng, batch, kvHeads, lk, dv, dimMajor), Fixtures.randomView(rng, batch, heads, lq, dv),
                    BlockSparsity.classify(em, batch, heads, lq, lk, bq, bk, true, true), cfg, mods);
        }

        /** Every output of a forward and backward call: out, lse, dq, dk, dv, dTheta. */
        List<float[]> run(TileOps ops, int chunks) {
            HeadsView out = HeadsView.zeros(q.batch(), q.heads(), q.seq(), v.dim());
            float[] lse = FlashAttention.forward(q, k, v, out, mask, cfg, mods, ops, chunks);
            HeadsView dq = HeadsView.zeros(q.batch(), q.heads(), q.seq(), q.dim());
            HeadsView dk = HeadsView.zeros(k.batch(), k.heads(), k.seq(), k.dim());
            HeadsView dv = HeadsView.zeros(v.batch(), v.heads(), v.seq(), v.dim());
            float[] dTheta = FlashAttention.backward(q, k, v, out, lse.clone(), dOut, dq, dk, dv, mask, cfg, mods, ops, chunks);
            return List.of(out.toArray(), lse, dq.toArray(), dk.toArray(), dv.toArray(), dTheta);
        }
    }

    /** A random view, row-major or (with {@code dimMajor}) laid out dimension-major, so the kernels copy it. */
    private static HeadsView view(Rng rng, int batch, int heads, int seq, int dim, boolean dimMajor) {
        if (!dimMajor) {
            return Fixtures.randomView(rng, batch, heads, seq, dim);
        }
        float[] d = new float[batch * heads * seq * dim];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) rng.nextGaussian();
        }
        return new HeadsView(d, 0, batch, heads, seq, dim, heads * dim * seq, dim * seq, 1, seq);
    }

    private static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        cases.add(Case.of(1, 2, 4, 2, 20, 33, 12, 7, 4, 16, false, AttentionConfig.defaults(12), null));
        cases.add(Case.of(2, 2, 2, 1, 23, 26, 5, 9, 8, 5, true, AttentionConfig.defaults(5).withDropout(0.2f, 77L), null));
        cases.add(Case.of(3, 1, 2, 2, 45, 45, 16, 16, 8, 8, false, AttentionConfig.defaults(16), null));
        cases.add(Case.of(4, 3, 2, 1, 9, 10, 16, 16, FlashAttention.DEFAULT_BLOCK, FlashAttention.DEFAULT_BLOCK, false,
                AttentionConfig.defaults(16).withDropout(0.1f, 5L), null));
        cases.add(Case.of(5, 1, 2, 2, 17, 19, 6, 6, 4, 8, true, AttentionConfig.defaults(6),
                FusedScoreModifierProperties.modification(FusedScoreModifierProperties.SPECS[6], 2, 11, 3)));
        return cases;
    }

    private static void assertSameBits(String what, List<float[]> expected, List<float[]> actual) {
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), what + " output " + i);
        }
    }

    @Test
    void poisonedScratchGivesTheSameBitsAsCleanScratch() {
        List<Case> cases = cases();
        for (TileOps ops : FlashAttentionTest.allOps()) {
            for (int chunks : new int[] {1, 3}) {
                List<List<float[]>> clean = new ArrayList<>();
                for (Case c : cases) {
                    clean.add(c.run(ops, chunks));
                }
                FlashScratch.poison(Float.NaN);
                // in reverse order: every call finds the arrays a different shape left, longer or shorter
                for (int i = cases.size() - 1; i >= 0; i--) {
                    assertSameBits(ops + " chunks=" + chunks + " case " + i, clean.get(i), cases.get(i).run(ops, chunks));
                }
                FlashScratch.poison(Float.POSITIVE_INFINITY);
                for (int i = 0; i < cases.size(); i++) {
                    assertSameBits(ops + " chunks=" + chunks + " case " + i + " (+inf)", clean.get(i),
                            cases.get(i).run(ops, chunks));
                }
                FlashScratch.poison(null);
            }
        }
    }

    @Test
    void poisonedScratchMatchesTheReference() {
        FlashScratch.poison(Float.NaN);
        // the reference comparisons of FlashAttentionTest, with every scratch array NaN when handed out
        FlashAttentionTest.check(new Rng(3), 2, 4, 2, 20, 33, 12, 7, 4, 16,
                (b, h, i, j) -> i % 5 != 3 && (j + h + b) % 3 != 0, AttentionConfig.defaults(12).withScale(0.5f));
        FlashAttentionTest.check(new Rng(4), 1, 2, 1, 24, 18, 8, 8, 8, 8, (b, h, i, j) -> j <= i + 3,
                AttentionConfig.defaults(8).withDropout(0.3f, 99L));
        long saved = PartialTiles.maxElements;
        PartialTiles.maxElements = 0;   // predicate tiles evaluated into the scratch
        try {
            FlashAttentionTest.check(new Rng(9), 2, 2, 1, 23, 26, 8, 8, 8, 5,
                    (b, h, i, j) -> (i * 7 + j * 3 + h) % 4 != 0 && j <= i + 2, AttentionConfig.defaults(8));
        } finally {
            PartialTiles.maxElements = saved;
        }
    }

    @Test
    void aPooledScratchServesOneLeaseAtATime() {
        int saved = FlashScratch.keepPooled(4);
        try {
            FlashScratch mine;
            try (FlashScratch.Lease outer = FlashScratch.lease()) {
                mine = outer.take();
                try (FlashScratch.Lease inner = FlashScratch.lease()) {
                    // a call inside a chunk of another call on this thread: a scratch of its own
                    FlashScratch nested = inner.take();
                    assertNotSame(mine, nested);
                    float[] a = mine.floats(FlashScratch.TILE_A, 8);
                    assertNotSame(a, nested.floats(FlashScratch.TILE_A, 8));
                    assertNotSame(nested, inner.take(), "two takes of one lease: two scratches");
                }
                // the inner lease's close gives back nothing the outer lease holds
                try (FlashScratch.Lease again = FlashScratch.lease()) {
                    assertNotSame(mine, again.take());
                }
            }
            try (FlashScratch.Lease next = FlashScratch.lease()) {
                assertSame(mine, next.take(), "the last scratch given back comes out first: a loop on one thread reuses its set");
            }
        } finally {
            FlashScratch.keepPooled(saved);
        }
    }

    @Test
    void manyCallerThreadsLeaveAtMostThePoolsIdleSets() throws Exception {
        List<Case> cases = cases().subList(0, 3);
        TileOps ops = TileOps.best();
        int savedThreads = Parallel.threads();
        int savedPooled = FlashScratch.keepPooled(3);
        Parallel.setThreads(2);   // one kernel thread, which keeps its own
        try {
            List<List<float[]>> expected = new ArrayList<>();
            for (Case c : cases) {
                expected.add(c.run(ops, 3));
            }
            int keptBefore = FlashScratch.kept.get();
            int callers = 16;
            Set<FlashScratch> out = ConcurrentHashMap.newKeySet();
            CyclicBarrier allHolding = new CyclicBarrier(callers);
            FlashScratch.poison(Float.NaN);   // pooled sets come back with other calls' values: same bits anyway
            runOnThreads(callers, caller -> {
                try (FlashScratch.Lease lease = FlashScratch.lease()) {
                    out.add(lease.take());
                    allHolding.await(30, TimeUnit.SECONDS);   // every caller holds one at once: 16 distinct sets
                }
                for (int round = 0; round < 3; round++) {
                    int i = (caller + round) % cases.size();
                    assertSameBits("caller " + caller + " round " + round, expected.get(i), cases.get(i).run(ops, 3));
                }
            });
            assertEquals(callers, out.size(), "sets held at once by different callers are distinct");
            assertTrue(FlashScratch.pooledIdle() <= 3, "idle pooled sets " + FlashScratch.pooledIdle() + ", bound 3");
            assertTrue(FlashScratch.pooledIdle() >= 1, "the pool keeps sets for the next calls");
            assertTrue(FlashScratch.kept.get() - keptBefore <= 1,
                    "threads that made a scratch of their own: " + (FlashScratch.kept.get() - keptBefore) + ", kernel threads 1");
        } finally {
            FlashScratch.poison(null);
            Parallel.setThreads(savedThreads);
            FlashScratch.keepPooled(savedPooled);
        }
    }

    /**
     * Runs {@code c} on the caller alone three times (the second poisoned) with a pool that keeps nothing:
     * the same bits, no idle set after, a new set for the forward and for the backward of each.
     */
    private static void assertEveryCallMakesItsSet(Case c, TileOps ops, List<float[]> expected) {
        for (int round = 0; round < 3; round++) {
            int before = FlashScratch.extra.get();
            FlashScratch.poison(round == 1 ? Float.NaN : null);
            assertSameBits("round " + round, expected, c.run(ops, 1));
            assertEquals(0, FlashScratch.pooledIdle());
            assertEquals(before + 2, FlashScratch.extra.get(), "a forward and a backward on the caller: a new scratch each");
        }
    }

    @Test
    void aPoolOfZeroKeepsNothingForCallers() {
        Case c = cases().get(1);
        TileOps ops = TileOps.best();
        List<float[]> expected = c.run(ops, 1);
        int saved = FlashScratch.keepPooled(0);
        try {
            assertEquals(0, FlashScratch.pooledIdle(), "setting the bound drops the surplus");
            assertEveryCallMakesItsSet(c, ops, expected);
        } finally {
            FlashScratch.poison(null);
            FlashScratch.keepPooled(saved);
        }
    }

    /**
     * Empties the callers' pool and runs {@code c} once on the caller alone (a forward and a backward, which
     * take and give back one set), so the pool then holds that one set, grown to the case.
     *
     * @return the bytes of that set
     */
    private static long oneCallersSet(Case c, TileOps ops) {
        FlashScratch.keepPooled(0);
        assertEquals(0, FlashScratch.pooledIdleBytes(), "an empty pool keeps no bytes");
        FlashScratch.keepPooled(4);
        c.run(ops, 1);
        assertEquals(1, FlashScratch.pooledIdle());
        long bytes = FlashScratch.pooledIdleBytes();
        assertTrue(bytes > 0, "a grown set keeps arrays");
        return bytes;
    }

    @Test
    void aSetWithinTheByteBudgetIsReusedByAOneThreadLoopAndOneOverItIsDropped() {
        Case c = cases().get(2);
        TileOps ops = TileOps.best();
        int savedPooled = FlashScratch.keepPooled(4);
        long savedBytes = FlashScratch.keepPooledBytes(Long.MAX_VALUE);
        try {
            List<float[]> expected = c.run(ops, 1);
            long bytes = oneCallersSet(c, ops);
            FlashScratch.keepPooledBytes(bytes);   // exactly the set: still kept
            for (int round = 0; round < 3; round++) {
                int before = FlashScratch.extra.get();
                FlashScratch.poison(round == 1 ? Float.NaN : null);
                assertSameBits("round " + round, expected, c.run(ops, 1));
                assertEquals(before, FlashScratch.extra.get(), "round " + round + ": the loop's set comes back from the pool");
                assertEquals(1, FlashScratch.pooledIdle());
                assertEquals(bytes, FlashScratch.pooledIdleBytes());
            }
            FlashScratch.keepPooledBytes(bytes - 1);
            assertEquals(0, FlashScratch.pooledIdle(), "lowering the budget drops the set that no longer fits");
            assertEquals(0, FlashScratch.pooledIdleBytes());
            for (int round = 0; round < 3; round++) {
                int before = FlashScratch.extra.get();
                assertSameBits("over, round " + round, expected, c.run(ops, 1));
                // the forward's smaller set fits and is kept; the backward grows it past the budget: dropped
                assertEquals(0, FlashScratch.pooledIdle(), "round " + round + ": a set over the budget is not kept");
                assertEquals(0, FlashScratch.pooledIdleBytes());
                assertTrue(FlashScratch.extra.get() > before, "round " + round + ": the calls make a set again");
            }
        } finally {
            FlashScratch.poison(null);
            FlashScratch.keepPooledBytes(savedBytes);
            FlashScratch.keepPooled(savedPooled);
        }
    }

    @Test
    void aByteBudgetOfZeroKeepsNothingForCallers() {
        Case c = cases().get(1);
        TileOps ops = TileOps.best();
        List<float[]> expected = c.run(ops, 1);
        int savedPooled = FlashScratch.keepPooled(0);
        FlashScratch.keepPooled(4);
        try (FlashScratch.Lease empty = FlashScratch.lease()) {
            empty.take();   // a new set that grows nothing: 0 bytes
        }
        assertEquals(1, FlashScratch.pooledIdle());
        long saved = FlashScratch.keepPooledBytes(0);
        try {
            assertEquals(0, FlashScratch.pooledIdle(), "setting the budget to 0 drops every idle set, empty ones too");
            try (FlashScratch.Lease empty = FlashScratch.lease()) {
                empty.take();
            }
            assertEquals(0, FlashScratch.pooledIdle(), "a budget of 0 keeps not even an empty set");
            assertEveryCallMakesItsSet(c, ops, expected);
        } finally {
            FlashScratch.poison(null);
            FlashScratch.keepPooledBytes(saved);
            FlashScratch.keepPooled(savedPooled);
        }
    }

    @Test
    void manyCallerThreadsLeaveAtMostTheByteBudgetIdle() throws Exception {
        List<Case> cases = cases().subList(0, 3);
        TileOps ops = TileOps.best();
        int savedPooled = FlashScratch.keepPooled(8);
        long savedBytes = FlashScratch.keepPooledBytes(Long.MAX_VALUE);
        try {
            long largest = 0;
            for (Case c : cases) {
                largest = Math.max(largest, oneCallersSet(c, ops));
            }
            long budget = 2 * largest + largest / 2;   // room for two sets of 8: the budget, not the count, binds
            FlashScratch.keepPooledBytes(budget);
            int callers = 8;
            CyclicBarrier together = new CyclicBarrier(callers);
            runOnThreads(callers, caller -> {
                together.await(30, TimeUnit.SECONDS);
                for (int round = 0; round < 3; round++) {
                    cases.get((caller + round) % cases.size()).run(ops, 1);
                    long idle = FlashScratch.pooledIdleBytes();
                    assertTrue(idle <= budget, "idle bytes " + idle + " over the budget " + budget);
                }
            });
            assertTrue(FlashScratch.pooledIdleBytes() <= budget, "idle bytes " + FlashScratch.pooledIdleBytes() + ", budget " + budget);
            assertTrue(FlashScratch.pooledIdle() >= 1, "the pool keeps sets that fit");
            assertTrue(FlashScratch.pooledIdle() <= 4, "idle sets " + FlashScratch.pooledIdle());
        } finally {
            FlashScratch.keepPooledBytes(savedBytes);
            FlashScratch.keepPooled(savedPooled);
        }
    }

    @Test
    void aMalformedByteBudgetNamesThePropertyAndItsValue() throws Exception {
        FlashScratch.pooledIdle();   // loaded with the property unset: a bad value below must not break the class
        String before = System.getProperty(FlashScratch.POOLED_BYTES);
        try {
            System.setProperty(FlashScratch.POOLED_BYTES, "64MiB");
            var word = assertThrows(IllegalArgumentException.class, FlashScratch::pooledBytesProperty);
            assertEquals("-Dvisor.flashScratch.pooledBytes must be a whole number of at least 0, got '64MiB'", word.getMessage());
            System.setProperty(FlashScratch.POOLED_BYTES, "-1");
            var low = assertThrows(IllegalArgumentException.class, FlashScratch::pooledBytesProperty);
            assertEquals("-Dvisor.flashScratch.pooledBytes must be at least 0, got -1", low.getMessage());
            System.setProperty(FlashScratch.POOLED_BYTES, "1048576");
            assertEquals(1 << 20, FlashScratch.pooledBytesProperty());
            System.clearProperty(FlashScratch.POOLED_BYTES);
            assertEquals(FlashScratch.DEFAULT_POOLED_BYTES, FlashScratch.pooledBytesProperty());
        } finally {
            if (before == null) {
                System.clearProperty(FlashScratch.POOLED_BYTES);
            } else {
                System.setProperty(FlashScratch.POOLED_BYTES, before);
            }
        }
        // the pool takes its budget from the property when it loads (a child JVM: it loads once per JVM)
        assertEquals("budget 12345", child("-D" + FlashScratch.POOLED_BYTES + "=12345"));
        assertEquals("failed: -Dvisor.flashScratch.pooledBytes must be a whole number of at least 0, got 'lots'",
                child("-D" + FlashScratch.POOLED_BYTES + "=lots"));
    }

    /** Runs {@link #main} in a child JVM with {@code property} and returns its last line of output. */
    private static String child(String property) throws Exception {
        String path = System.getProperty("java.class.path");
        String modules = System.getProperty("jdk.module.path");
        if (modules != null && !modules.isEmpty()) {
            path = path + java.io.File.pathSeparator + modules;
        }
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), property, "-cp", path,
                FlashScratchTest.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out.strip().lines().reduce((a, b) -> b).orElse("");
    }

    /** The child of {@link #aMalformedByteBudgetNamesThePropertyAndItsValue}: prints the pool's byte budget or why it failed. */
    public static void main(String[] args) {
        try {
            System.out.println("budget " + FlashScratch.keepPooledBytes(0));
        } catch (ExceptionInInitializerError e) {
            System.out.println("failed: " + e.getCause().getMessage());
        }
    }

    /** Runs {@code body(t)} on {@code n} new platform threads at once and rethrows the first failure. */
    private static void runOnThreads(int n, ThrowingIntConsumer body) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    body.accept(id);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @FunctionalInterface
    interface ThrowingIntConsumer {
        void accept(int t) throws Exception;
    }

    @Test
    void concurrentCallsOnTwoThreadsKeepTheirOwnScratch() throws Exception {
        List<Case> cases = cases();
        TileOps ops = TileOps.best();
        List<List<float[]>> expected = new ArrayList<>();
        for (Case c : cases) {
            expected.add(c.run(ops, 3));
        }
        int saved = Parallel.threads();
        Parallel.setThreads(2);   // the kernel threads are shared by both callers' splits
        try {
            for (int pooled : new int[] {1, 4}) {   // one idle set for two callers, and room for both
                int savedPooled = FlashScratch.keepPooled(pooled);
                try {
                    runOnThreads(2, first -> {
                        for (int round = 0; round < 12; round++) {
                            int i = (first + round) % cases.size();
                            assertSameBits("pooled " + pooled + " caller " + first + " round " + round, expected.get(i),
                                    cases.get(i).run(ops, 3));
                        }
                    });
                } finally {
                    FlashScratch.keepPooled(savedPooled);
                }
            }
        } finally {
            Parallel.setThreads(saved);
        }
    }
}
