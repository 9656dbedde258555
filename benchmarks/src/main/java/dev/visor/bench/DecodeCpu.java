package dev.visor.bench;

import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.MatVec;
import dev.visor.tensor.kernel.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Decoding's figures by per-thread CPU time on one thread, for A/B runs of two builds on a shared
 * machine: the triad, a token's products alone ({@link DecodeBench#matvec}), a token
 * ({@link DecodeBench#token}), the two cache-resident products {@code bin/compare-peers} times
 * (1×512·(2048×512)ᵀ and 1×2048·(512×2048)ᵀ, 4 MB each), and last the token's products again on
 * copies of the weights at offset 0 ({@link Tensor#toArray}: each a fresh array, so a large one
 * sits at a G1 region's start with its rows off the cache lines), taking turns round by round, each
 * round's CPU time from {@link ThreadMXBean}. Prints one line of medians: run it alternately from
 * each build's jar (A, B, A, B, …) and compare the lines. The last figure against the products in
 * place is the weights' cache-line lead measured within one JVM (about 1.0 with
 * {@code -Dvisor.storage.align=off}, where both read rows at offset 0).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:+UseTransparentHugePages -cp benchmarks/target/benchmarks.jar dev.visor.bench.DecodeCpu [ROUNDS] [LABEL]
 * </pre>
 */
public final class DecodeCpu {
    private DecodeCpu() {}

    /** Runs the rounds; the optional arguments are the number of measured rounds (default 7) and a label for the line. */
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        String label = args.length > 1 ? args[1] : "";
        String loadBefore = ReportSupport.loadAverage();
        DecodeBench bench = new DecodeBench();
        bench.threads = 1;
        bench.setUp();
        Random rng = new Random(42);
        float[] x = new float[2048];
        float[] up = new float[2048 * 512];
        float[] down = new float[512 * 2048];
        float[] y = new float[2048];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        for (int i = 0; i < up.length; i++) {
            up[i] = (float) rng.nextGaussian();
            down[i] = (float) rng.nextGaussian();
        }
        List<Tensor> mats = DecodeBench.tokenMatrices(bench.decoding());
        float[][] copies = new float[mats.size()][];
        float[] yCopies = new float[DecodeBench.VOCAB];
        for (int i = 0; i < copies.length; i++) {
            copies[i] = mats.get(i).toArray();
        }
        Runnable[] ops = {
            bench::triad,
            bench::matvec,
            bench::token,
            () -> MatVec.multiply(1, 2048, 512, 1f, x, 0, 512, up, 0, 512, 0f, y, 0, 2048),
            () -> MatVec.multiply(1, 512, 2048, 1f, x, 0, 2048, down, 0, 2048, 0f, y, 0, 512),
            () -> {
                for (int i = 0; i < copies.length; i++) {
                    int n = mats.get(i).size(0);
                    int k = mats.get(i).size(1);
                    MatVec.multiply(1, n, k, 1f, x, 0, k, copies[i], 0, k, 0f, yCopies, 0, n);
                }
            },
        };
        int[] calls = {3, 20, 1, 400, 400, 20};
        int[] perCall = {1, 1, DecodeBench.TOKENS, 1, 1, 1};
        double[][] micros = measure(ops, calls, rounds);
        double[] med = new double[ops.length];
        for (int o = 0; o < ops.length; o++) {
            med[o] = median(micros[o]) / perCall[o];
        }
        double[] paired = new double[rounds];   // each round's copies over in place: the load of that round cancels
        for (int r = 0; r < rounds; r++) {
            paired[r] = micros[5][r] / micros[1][r];
        }
        System.out.println(line(label, med, DecodeBench.matrixBytes(mats),
                DecodeBench.weightBytes(bench.decoding())) + String.format(Locale.ROOT, ", per round %.2f×", median(paired))
                + " | load " + loadBefore + " → " + ReportSupport.loadAverage());
    }

    /** Three warm-up rounds, then {@code rounds} rounds of {@code calls[o]} calls of each op in turn: µs per call. */
    static double[][] measure(Runnable[] ops, int[] calls, int rounds) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[][] micros = new double[ops.length][rounds];
        for (int r = -3; r < rounds; r++) {
            for (int o = 0; o < ops.length; o++) {
                long t0 = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < calls[o]; i++) {
                    ops[o].run();
                }
                if (r >= 0) {
                    micros[o][r] = (threads.getCurrentThreadCpuTime() - t0) / 1e3 / calls[o];
                }
            }
        }
        return micros;
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /**
     * The printed line from the medians (µs: triad pass, a token's products, a token, the two 4 MB
     * products): the triad's bandwidth, the products' bandwidth, the token against the bound (all
     * weights at the triad's bandwidth) and the 4 MB products' bandwidth.
     */
    static String line(String label, double[] med, long productBytes, long weightBytes) {
        double triad = DecodeBench.TRIAD_BYTES / med[0] / 1e3;
        double bound = weightBytes / triad / 1e3;
        return String.format(Locale.ROOT, "%s | triad %.0f us %.1f GB/s | products %.0f us %.1f GB/s (%.2f× bound)"
                        + " | token %.0f us = %.2f× bound %.0f us | 1x512·(2048x512)ᵀ %.1f us %.1f GB/s | 1x2048·(512x2048)ᵀ %.1f us %.1f GB/s"
                        + " | products on offset-0 copies %.0f us %.1f GB/s (%.2f× in place)",
                label, med[0], triad, med[1], productBytes / med[1] / 1e3, med[1] / bound, med[2], med[2] / bound, bound,
                med[3], (4 << 20) / med[3] / 1e3, med[4], (4 << 20) / med[4] / 1e3,
                med[5], productBytes / med[5] / 1e3, med[5] / med[1]);
    }
}
