package dev.visor.bench;

import dev.visor.tensor.kernel.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rest of a decoding token — everything in a step but its matrix–vector products — on each
 * thread count, in one JVM by wall clock, the rounds taking turns: per round and thread count a
 * token ({@link DecodeBench#token}, 32-token sessions), a token's products alone
 * ({@link DecodeBench#matvec}) and a triad pass ({@link DecodeBench#triad}), so the load of a
 * moment falls on every figure of its round. Prints per thread count the medians (and the best
 * round) of the token, the products, their difference (the rest) and the triad's GB/s, and the
 * decoding thread's CPU time per token against its wall time, and the token against the bound of its
 * own round's triad (weights ÷ that bandwidth; median and best round); then the host's steal time
 * over the run. Why rounds: on the reference VM the bandwidth two threads get flips between about 50
 * and 90 GB/s from minute to minute, so a token and its products timed in separate JVMs (as
 * {@link DecodeReport}'s JMH forks are) can fall in different phases, and their difference is then
 * not the rest of the token (decode8: 487–595 µs that way, 89–136 µs in rounds). Last, a probe:
 * serial work standing in for a step's small ops, alone and with the products between its pieces,
 * with the kernel threads hot — whether a spinning kernel thread slows the caller's serial work, or
 * a product after serial work starts late. Run it alternately with the settings to compare, e.g.
 * {@code -Dvisor.hotScopes=false}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:+UseTransparentHugePages -Xms1g -Xmx1g -XX:+AlwaysPreTouch \
 *     -cp benchmarks/target/benchmarks.jar dev.visor.bench.DecodeRest [--threads=1,2] [--rounds=9] [--label=X]
 * </pre>
 */
public final class DecodeRest {
    private DecodeRest() {}

    /** Sessions of {@link DecodeBench#TOKENS} tokens per round and thread count. */
    static final int SESSIONS = 8;
    /** Token's products per round and thread count. */
    static final int PRODUCTS = 100;
    /** Triad passes per round and thread count. */
    static final int TRIADS = 10;

    /** Runs the rounds and prints the lines. */
    public static void main(String[] args) {
        Map<String, String> opts = ReportSupport.options(args, List.of("threads", "rounds", "label"),
                "--threads=1,2 --rounds=9 --label=X");
        int[] threads = Arrays.stream(opts.getOrDefault("threads", "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "9"));
        String label = opts.getOrDefault("label", "");
        String loadBefore = ReportSupport.loadAverage();
        long stealBefore = ReportSupport.stealTicks();
        long wallBefore = System.nanoTime();
        DecodeBench bench = new DecodeBench();
        bench.threads = threads[0];
        bench.setUp();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[][] token = new double[threads.length][rounds];
        double[][] tokenCpu = new double[threads.length][rounds];
        double[][] products = new double[threads.length][rounds];
        double[][] triad = new double[threads.length][rounds];
        double[][] serial = new double[threads.length][rounds];
        double[][] interleaved = new double[threads.length][rounds];
        float[] buf = new float[512];
        Arrays.fill(buf, 0.5f);
        for (int r = -3; r < rounds; r++) {
            for (int t = 0; t < threads.length; t++) {
                Parallel.setThreads(threads[t]);
                bench.token();                        // the new kernel threads start and settle outside the timing
                bench.matvec();
                long c0 = mx.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                for (int i = 0; i < SESSIONS; i++) {
                    bench.token();
                }
                long t1 = System.nanoTime();
                long c1 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < PRODUCTS; i++) {
                    bench.matvec();
                }
                long t2 = System.nanoTime();
                for (int i = 0; i < TRIADS; i++) {
                    bench.triad();
                }
                long t3 = System.nanoTime();
                try (Parallel.Hot hot = Parallel.hot()) {
                    bench.matvec();
                    long s0 = System.nanoTime();
                    for (int i = 0; i < PRODUCTS; i++) {
                        for (int p = 0; p < bench.products(); p++) {
                            sink += serialPiece(buf);
                        }
                    }
                    long s1 = System.nanoTime();
                    for (int i = 0; i < PRODUCTS; i++) {
                        for (int p = 0; p < bench.products(); p++) {
                            sink += serialPiece(buf);
                            bench.product(p);
                        }
                    }
                    long s2 = System.nanoTime();
                    serial[t][Math.max(0, r)] = (s1 - s0) / 1e3 / PRODUCTS;
                    interleaved[t][Math.max(0, r)] = (s2 - s1) / 1e3 / PRODUCTS;
                }
                if (r >= 0) {
                    token[t][r] = (t1 - t0) / 1e3 / SESSIONS / DecodeBench.TOKENS;
                    tokenCpu[t][r] = (c1 - c0) / 1e3 / SESSIONS / DecodeBench.TOKENS;
                    products[t][r] = (t2 - t1) / 1e3 / PRODUCTS;
                    triad[t][r] = DecodeBench.TRIAD_BYTES / ((t3 - t2) / 1e3 / TRIADS) / 1e3;
                }
            }
        }
        double seconds = (System.nanoTime() - wallBefore) / 1e9;
        long steal = ReportSupport.stealTicks() - stealBefore;
        long weightBytes = DecodeBench.weightBytes(bench.decoding());
        for (int t = 0; t < threads.length; t++) {
            System.out.println(line(label, threads[t], token[t], tokenCpu[t], products[t], triad[t], weightBytes));
            double[] extra = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                extra[r] = interleaved[t][r] - products[t][r] - serial[t][r];
            }
            System.out.println(String.format(Locale.ROOT, "%s | %d thread(s) | probe: serial pieces alone (kernel threads hot) %.0f µs"
                            + " | products with a piece before each %.0f µs | that minus products minus pieces %.0f (%.0f) µs",
                    label, threads[t], DecodeCpu.median(serial[t]), DecodeCpu.median(interleaved[t]), DecodeCpu.median(extra), min(extra)));
        }
        System.out.println(String.format(Locale.ROOT, "%s | steal %s over %.0f s | load %s → %s", label,
                steal < 0 ? "unknown" : String.format(Locale.ROOT, "%.1f %% of one vCPU", 100.0 * steal / 100 / seconds),
                seconds, loadBefore, ReportSupport.loadAverage()));
    }

    /**
     * One thread count's line: medians (best round) of the token, the products, the rest (each
     * round's token minus its products), the decoding thread's CPU time per token and the triad.
     */
    static String line(String label, int threads, double[] token, double[] tokenCpu, double[] products, double[] triad,
                       long weightBytes) {
        double[] rest = new double[token.length];
        double[] ratio = new double[token.length];
        for (int r = 0; r < rest.length; r++) {
            rest[r] = token[r] - products[r];
            ratio[r] = token[r] / (weightBytes / (triad[r] * 1e3));
        }
        return String.format(Locale.ROOT, "%s | %d thread(s) | token %.0f (%.0f) µs | products %.0f (%.0f) µs"
                        + " | rest %.0f (%.0f) µs | decoding thread CPU %.0f µs per token | triad %.1f (%.1f) GB/s"
                        + " | token ÷ its round's bound %.2f (%.2f)",
                label, threads, DecodeCpu.median(token), min(token), DecodeCpu.median(products), min(products),
                DecodeCpu.median(rest), min(rest), DecodeCpu.median(tokenCpu), DecodeCpu.median(triad), max(triad),
                DecodeCpu.median(ratio), min(ratio));
    }

    private static volatile float sink;

    /**
     * Serial work standing in for a step's small ops between two products: 20 passes of a
     * LayerNorm-like normalisation of 512 floats, a few microseconds on the calling thread.
     */
    static float serialPiece(float[] x) {
        float acc = 0;
        for (int rep = 0; rep < 20; rep++) {
            float mean = 0;
            for (float v : x) {
                mean += v;
            }
            mean /= x.length;
            float var = 0;
            for (float v : x) {
                var += (v - mean) * (v - mean);
            }
            float inv = (float) (1 / Math.sqrt(var / x.length + 1e-5));
            for (int i = 0; i < x.length; i++) {
                x[i] = 0.5f + (x[i] - mean) * inv * 1e-3f;
            }
            acc += x[rep];
        }
        return acc;
    }

    private static double min(double[] x) {
        return Arrays.stream(x).min().orElse(Double.NaN);
    }

    private static double max(double[] x) {
        return Arrays.stream(x).max().orElse(Double.NaN);
    }
}
