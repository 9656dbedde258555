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
 * streams get together.
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
        double[][] read = new double[threads.length][rounds];
        for (int r = -2; r < rounds; r++) {
            for (int t = 0; t < threads.length; t++) {
                Parallel.setThreads(threads[t]);
                long t0 = System.nanoTime();
                DecodeBench.triad(a, b, c, 3f);
                long t1 = System.nanoTime();
                MatVec.multiply(1, READ_ROWS, READ_COLS, 1f, x, 0, READ_COLS, w, 0, READ_COLS, 0f, y, 0, READ_ROWS);
                long t2 = System.nanoTime();
                if (r >= 0) {
                    triad[t][r] = DecodeBench.TRIAD_BYTES / (double) (t1 - t0);
                    read[t][r] = readBytes / (double) (t2 - t1);
                }
            }
        }
        for (int t = 0; t < threads.length; t++) {
            System.out.println(line(threads[t], "triad", triad[t]));
            System.out.println(line(threads[t], "read-only (decode kernel, 256 MB)", read[t]));
        }
        System.out.println("load " + loadBefore + " → " + ReportSupport.loadAverage());
    }

    /** {@code threads} thread(s), the stream's name, its median and best GB/s. */
    static String line(int threads, String stream, double[] gbs) {
        double[] s = gbs.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "%d thread(s) %-34s median %5.1f GB/s, best %5.1f GB/s", threads, stream,
                DecodeCpu.median(s), s[s.length - 1]);
    }
}
