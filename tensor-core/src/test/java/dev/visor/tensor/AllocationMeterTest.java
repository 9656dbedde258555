package dev.visor.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AllocationMeterTest {
    private static volatile Object keep;

    @Test
    void countsAnArrayAllocatedOnAnotherThread() throws InterruptedException {
        assertTrue(AllocationMeter.supported(), "HotSpot counts allocated bytes per thread");
        long before = AllocationMeter.allThreads();
        Thread t = new Thread(() -> {
            keep = new float[1 << 20];
            try {
                Thread.sleep(50);   // the meter reads live threads: read it while this one lives
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        t.start();
        long during = 0;
        while (keep == null) {
            Thread.onSpinWait();
        }
        during = AllocationMeter.allThreads();
        t.join();
        assertTrue(during - before >= 4L << 20, "4 MiB allocated on a thread, meter moved by " + (during - before));
    }

    @Test
    void byThreadNamesTheThreadThatAllocated() throws InterruptedException {
        var go = new java.util.concurrent.CountDownLatch(1);
        var allocated = new java.util.concurrent.CountDownLatch(1);
        var end = new java.util.concurrent.CountDownLatch(1);
        Object[] hold = new Object[1];   // not the shared field: the other test waits for that one to be set
        Thread t = new Thread(() -> {
            try {
                go.await();
                hold[0] = new float[1 << 20];
                allocated.countDown();
                end.await();   // alive until the meter has read it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "meter-test-allocator");
        t.start();
        var rows = AllocationMeter.byThread(() -> {
            go.countDown();
            try {
                allocated.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        end.countDown();
        t.join();
        String name = "meter-test-allocator#" + t.getId();
        assertTrue(rows.getOrDefault(name, 0L) >= 4L << 20, "4 MiB on " + name + ": " + rows);
        assertEquals(name, rows.keySet().iterator().next(), "the thread that allocated most comes first: " + rows);
    }
}
