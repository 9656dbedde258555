package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.visor.mask.builtin.CausalMask;
import dev.visor.mask.builtin.PaddingMask;
import dev.visor.mask.builtin.SlidingWindowMask;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CompiledMaskCacheTest {
    private static final MaskShape SHAPE = new MaskShape(2, 2, 16, 16, 0);

    @Test
    void equalMasksShareOneCompiledMask() {
        CompiledMaskCache cache = new CompiledMaskCache(8);
        CompiledMask a = cache.get(CausalMask.INSTANCE.and(new SlidingWindowMask(4, 0)), SHAPE, 4, 4);
        CompiledMask b = cache.get(new CausalMask().and(new SlidingWindowMask(4, 0)), SHAPE, 4, 4);
        assertSame(a, b);
        assertNotSame(a, cache.get(CausalMask.INSTANCE.and(new SlidingWindowMask(4, 0)), SHAPE, 4, 8));
        assertNotSame(a, cache.get(CausalMask.INSTANCE.and(new SlidingWindowMask(4, 0)),
                new MaskShape(2, 2, 16, 16, 1), 4, 4));
        assertNotSame(cache.get(new PaddingMask(16, 3), SHAPE, 4, 4), cache.get(new PaddingMask(16, 4), SHAPE, 4, 4));
        assertEquals(1, cache.hits());
        assertEquals(5, cache.misses());
        assertEquals(5, cache.size());
    }

    @Test
    void theLeastRecentlyUsedEntryIsEvicted() {
        CompiledMaskCache cache = new CompiledMaskCache(2);
        CompiledMask first = cache.get(new SlidingWindowMask(1, 0), SHAPE, 4, 4);
        cache.get(new SlidingWindowMask(2, 0), SHAPE, 4, 4);
        assertSame(first, cache.get(new SlidingWindowMask(1, 0), SHAPE, 4, 4)); // now most recent
        cache.get(new SlidingWindowMask(3, 0), SHAPE, 4, 4);                  // evicts left=2
        assertEquals(2, cache.size());
        assertSame(first, cache.get(new SlidingWindowMask(1, 0), SHAPE, 4, 4));
        long misses = cache.misses();
        cache.get(new SlidingWindowMask(2, 0), SHAPE, 4, 4);
        assertEquals(misses + 1, cache.misses());
        cache.clear();
        assertEquals(0, cache.size());
        assertThrows(IllegalArgumentException.class, () -> new CompiledMaskCache(0));
    }

    @Test
    void concurrentRequestsForOneKeyCompileOnce() throws Exception {
        CompiledMaskCache cache = new CompiledMaskCache(4, MaskVerification.OFF); // SlowMask counts verification too
        AtomicInteger compiles = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        Mask slow = new SlowMask(compiles);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<CompiledMask>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return cache.get(slow, SHAPE, 16, 16);
                }));
            }
            start.countDown();
            CompiledMask one = results.get(0).get();
            for (Future<CompiledMask> f : results) assertSame(one, f.get());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, compiles.get());
    }

    @Test
    void aFailedCompileIsNotCached() {
        CompiledMaskCache cache = new CompiledMaskCache(4);
        assertThrows(IllegalArgumentException.class, () -> cache.get(new PaddingMask(1, 2, 3), SHAPE, 4, 4));
        assertEquals(0, cache.size());
    }

    /** A mask whose single-block classification is slow and counted. */
    private record SlowMask(AtomicInteger compiles) implements Mask {
        @Override
        public boolean attends(int batch, int head, int query, int key) {
            return true;
        }

        @Override
        public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
            compiles.incrementAndGet();
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return BlockClass.FULL;
        }

        @Override
        public boolean dependsOnBatch() {
            return false;
        }

        @Override
        public boolean dependsOnHead() {
            return false;
        }

        @Override
        public String spec() {
            return "slow";
        }
    }
}
