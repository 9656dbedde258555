package dev.visor.tensor;

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
}
