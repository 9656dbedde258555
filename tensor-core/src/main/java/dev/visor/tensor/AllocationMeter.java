package dev.visor.tensor;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * What {@code work} allocated, by thread: for the message of a failed allocation bound, which should
     * say where the bytes went (the caller, a kernel thread, or a thread some other code left running).
     * Counts the threads alive both before and after the work, by name, most bytes first; threads that
     * allocated nothing are left out.
     *
     * @param work the work to measure, run on the calling thread
     * @return bytes allocated during {@code work} per thread name ("name#id"), in descending order
     * @throws IllegalStateException when the JVM does not count them ({@link #supported()})
     */
    public static Map<String, Long> byThread(Runnable work) {
        if (!supported()) {
            throw new IllegalStateException("this JVM (" + System.getProperty("java.vm.name")
                    + ") does not count allocated bytes per thread");
        }
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = mx.getAllThreadIds();
        long[] before = mx.getThreadAllocatedBytes(ids);
        work.run();
        long[] after = mx.getThreadAllocatedBytes(ids);
        ThreadInfo[] info = mx.getThreadInfo(ids);
        List<Map.Entry<String, Long>> rows = new ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            if (before[i] >= 0 && after[i] > before[i]) {
                String name = info[i] == null ? "ended" : info[i].getThreadName();
                rows.add(Map.entry(name + "#" + ids[i], after[i] - before[i]));
            }
        }
        rows.sort(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()));
        Map<String, Long> out = new LinkedHashMap<>();
        rows.forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
