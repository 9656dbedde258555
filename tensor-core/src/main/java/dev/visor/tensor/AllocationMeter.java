package dev.visor.tensor;

import java.lang.management.ManagementFactory;

/**
 * Bytes allocated on the Java heap by every live thread, from HotSpot's per-thread counters
 * ({@code com.sun.management.ThreadMXBean}): for tests and benchmarks that check that an op or a
 * training step does not allocate what it should not. A step runs on the caller and on the kernel
 * threads that take its chunks, so the meter sums all threads; read it before and after the work and
 * subtract (threads that ended in between take their counts with them, so keep the work on threads
 * that live through it).
 *
 * <pre>{@code
 * long before = AllocationMeter.allThreads();
 * loss.backward();
 * long bytes = AllocationMeter.allThreads() - before;
 * }</pre>
 */
public final class AllocationMeter {
    private AllocationMeter() {}

    /**
     * Whether this JVM counts allocated bytes per thread.
     *
     * @return true on HotSpot with the counters enabled
     */
    public static boolean supported() {
        return ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean hs
                && hs.isThreadAllocatedMemorySupported() && hs.isThreadAllocatedMemoryEnabled();
    }

    /**
     * The bytes allocated so far by every live thread.
     *
     * @return the sum of the live threads' counters
     * @throws IllegalStateException when the JVM does not count them ({@link #supported()})
     */
    public static long allThreads() {
        if (!supported()) {
            throw new IllegalStateException("this JVM (" + System.getProperty("java.vm.name")
                    + ") does not count allocated bytes per thread");
        }
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long bytes : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) {
            sum += Math.max(0, bytes);   // -1 for a thread that ended between the two calls
        }
        return sum;
    }
}
