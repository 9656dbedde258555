package dev.visor.bench;

import dev.visor.tensor.kernel.MatVec;
import dev.visor.tensor.kernel.Parallel;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Is the decoding bar's bandwidth an honest bound on each thread count? Times, by wall clock in one
 * JVM with the rounds taking turns, {@link DecodeBench}'s STREAM triad (3 × 64 MB, counted as STREAM
 * counts it: two reads and a write) and a read-only stream of the same kind as decoding: the
 * decode kernel's {@code y = x Wᵀ} over a 256 MB {@code W} (131 072 × 512, so no cache holds it), on
 * 1 and on 2 kernel threads. A triad's write also reads its line first (write-allocate), so it moves
 * 4/3 of the bytes it is credited with; if the read-only stream on 2 threads reaches about the
 * triad's 2-thread figure, that figure is bandwidth decoding can use, not an artefact of the triad.
 * Run two of these at once with {@code --threads=1} to see what two independent single-thread
 * streams get together. On more than one thread it also prints the triad's slower half over its own
 * time and how far apart the halves started and ended (a late kernel thread would show there), and
 * the triad cut into 1 MB chunks the threads claim in turn, as the products are: if that read more,
 * the triad's fixed halves would under-read the machine.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:+UseTransparentHugePages -cp benchmarks/target/benchmarks.jar dev.visor.bench.StreamCheck [--threads=1,2] [--rounds=9]
 * </pre>
 */
public final class StreamCheck {
    private StreamCheck() {}

    /** Rows of the read-only stream's {@code W} (× 512 columns: 256 MB). */
    static final int READ_ROWS = 1 << 17;
    static final int READ_COLS = 512;

    /** Prints one line per thread count and stream: median and best GB/s over the rounds. */
    public static void main(String[] args) {
        Map<String, String> opts = ReportSupport.options(args, List.of("threads", "rounds"), "--threads=1,2 --rounds=9");
        int[] threads = Arrays.stream(opts.getOrDefault("threads", "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "9"));
        String loadBefore = ReportSupport.loadAverage();
        float[] a = new float[DecodeBench.TRIAD_N];
        float[] b = new float[DecodeBench.TRIAD_N];
        float[] c = new float[DecodeBench.TRIAD_N];
        Arrays.fill(b, 1f);
        Arrays.fill(c, 2f);
        float[] w = new float[READ_ROWS * READ_COLS];
        Arrays.fill(w, 0.25f);
        float[] x = new float[READ_COLS];
        Arrays.fill(x, 0.5f);
        float[] y = new float[READ_ROWS];
        DecodeBench.untilMatVecWarm(() -> MatVec.multiply(1, 2048, READ_COLS, 1f, x, 0, READ_COLS, w, 0, READ_COLS, 0f, y, 0, 2048));
        long readBytes = (long) Float.BYTES * READ_ROWS * READ_COLS;
        double[][] triad = new double[threads.length][rounds];
        double[][] chunked = new double[threads.length][rounds];
        double[][] read = new double[threads.length][rounds];
        double[][] halves = new double[threads.length][rounds];   // the slower half's GB/s over its own time
        double[][] skew = new double[threads.length][rounds];     // µs between the halves' starts
        double[][] apart = new double[threads.length][rounds];    // µs between the halves' ends
        long[] starts = new long[2];
        long[] ends = new long[2];
        for (int r = -2; r < rounds; r++) {
            for (int t = 0; t < threads.length; t++) {
                Parallel.setThreads(threads[t]);
                // the new kernel threads start outside the timing: the first split after a change of
                // thread count read about the 1-thread figure (decode8)
                timedTriad(a, b, c, 3f, starts, ends);
                triadChunked(a, b, c, 3f);
                long t0 = System.nanoTime();
                timedTriad(a, b, c, 3f, starts, ends);
                long t1 = System.nanoTime();
                MatVec.multiply(1, READ_ROWS, READ_COLS, 1f, x, 0, READ_COLS, w, 0, READ_COLS, 0f, y, 0, READ_ROWS);
                long t2 = System.nanoTime();
                triadChunked(a, b, c, 3f);
                long t3 = System.nanoTime();
                if (r >= 0) {
                    triad[t][r] = DecodeBench.TRIAD_BYTES / (double) (t1 - t0);
                    read[t][r] = readBytes / (double) (t2 - t1);
                    chunked[t][r] = DecodeBench.TRIAD_BYTES / (double) (t3 - t2);
                    if (threads[t] > 1) {
                        halves[t][r] = DecodeBench.TRIAD_BYTES / 2.0 / Math.max(ends[0] - starts[0], ends[1] - starts[1]);
                        skew[t][r] = Math.abs(starts[1] - starts[0]) / 1e3;
                        apart[t][r] = Math.abs(ends[1] - ends[0]) / 1e3;
                    }
                }
            }
        }
        for (int t = 0; t < threads.length; t++) {
            System.out.println(line(threads[t], "triad", triad[t]));
            if (threads[t] > 1) {
                System.out.println(line(threads[t], "triad's slower half, own time", halves[t]));
                System.out.println(String.format(Locale.ROOT, "%d thread(s) %-34s median %5.0f µs, ends %5.0f µs", threads[t],
                        "triad's halves: starts apart", DecodeCpu.median(skew[t]), DecodeCpu.median(apart[t])));
            }
            System.out.println(line(threads[t], "triad in 1 MB chunks claimed in turn", chunked[t]));
            System.out.println(line(threads[t], "read-only (decode kernel, 256 MB)", read[t]));
        }
        System.out.println("load " + loadBefore + " → " + ReportSupport.loadAverage());
    }

    /** {@link DecodeBench#triad}'s split (one chunk per thread), noting the first two chunks' start and end. */
    static void timedTriad(float[] a, float[] b, float[] c, float s, long[] starts, long[] ends) {
        Parallel.forRange(a.length, 1 << 16, (from, to) -> {
            int which = from == 0 ? 0 : 1;
            starts[which] = System.nanoTime();
            for (int i = from; i < to; i++) {
                a[i] = b[i] + s * c[i];
            }
            ends[which] = System.nanoTime();
        });
    }

    /** Floats of each array per chunk of {@link #triadChunked}: 1 MB. */
    static final int CHUNK = 1 << 18;

    /** The triad in 1 MB chunks that the threads claim in turn, as {@link MatVec} splits its work: neither waits for the other. */
    static void triadChunked(float[] a, float[] b, float[] c, float s) {
        int chunks = (a.length + CHUNK - 1) / CHUNK;
        java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
        Parallel.forRange(Math.min(Parallel.threads(), chunks), 1, (from, to) -> {
            for (int ch = next.getAndIncrement(); ch < chunks; ch = next.getAndIncrement()) {
                int hi = Math.min(a.length, (ch + 1) * CHUNK);
                for (int i = ch * CHUNK; i < hi; i++) {
                    a[i] = b[i] + s * c[i];
                }
            }
        });
    }

    /** {@code threads} thread(s), the stream's name, its median and best GB/s. */
    static String line(int threads, String stream, double[] gbs) {
        double[] s = gbs.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%d thread(s) %-34s median %5.1f GB/s, best %5.1f GB/s", threads, stream,
                DecodeCpu.median(s), s[s.length - 1]);
    }
}
