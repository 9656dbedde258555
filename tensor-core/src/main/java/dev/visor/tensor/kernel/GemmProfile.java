package dev.visor.tensor.kernel;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Where a square one-thread product's time goes, at the width this JVM runs (issue 11's 1024³
 * against OpenBLAS): the register-tile kernel alone, packing B, the whole product, and the same
 * product with A's rows aliased so that its micro-panels stay in L1 (the cost of A's traffic), with
 * C's rows aliased so that its tiles stay in L1 or L2 (the cost of C's), and with both; then packing
 * all of A as the product does ({@link VectorGemm#PACK_A}), and the product's own kernel calls with
 * nothing packed in between (every row panel's A packed beforehand, one block of B packed once and
 * read for every block of columns, the tiles stored into C), so that the whole product's time can be
 * read as its kernel calls plus its packing plus what packing costs the calls after it.
 * Every part is timed by this thread's CPU time, in rounds whose order alternates, so a machine
 * shared with other work moves them together; the table gives each part's best and median round.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:UseAVX=2 -cp benchmarks/target/benchmarks.jar \
 *     dev.visor.tensor.kernel.GemmProfile 1024 9
 * </pre>
 * Arguments: the size n (default 1024) and the rounds (default 9, after two of warm-up). Vector
 * path only: the scalar fallback has no packed kernel to profile.
 */
public final class GemmProfile {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /**
     * Row distance of the aliased A and C: MR rows of A span a few cache lines, all in L1; a row
     * panel's tiles of C (MR rows of n columns) overlap into one stretch of about n floats, so C's
     * lines come from L1 or L2 instead of L3 (the cost of C's traffic; the values are garbage).
     */
    static final int ALIASED_LDA = 16;
    /** Smallest n: a whole NR-wide panel at every width, and the aliased A inside the n × n array. */
    static final int MIN_N = 64;
    /** The parts, in table order. */
    static final String[] PARTS = {"kernel alone (B block in L2, A panels rotating, packed with PACK_A)", "pack all of B",
        "whole product", "whole product, A's rows aliased (A in L1)",
        "whole product, C's rows aliased (C in L1/L2)", "whole product, A's and C's rows aliased",
        "pack all of A (PACK_A; 0 where A is read in place)", "kernel calls of the product (A and B packed beforehand, C real)"};
    /** The parts timed in milliseconds (the rest in GFLOP/s). */
    static final int PACK_B_PART = 1, PACK_A_PART = 6, CALLS_PART = 7;

    private GemmProfile() {}

    /**
     * Prints the machine line and the table for an n³ product.
     *
     * @param args {@code [n] [rounds]}
     */
    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 9;
        System.out.println(MachineShape.current().describe());
        System.out.print(table(n, measure(n, rounds)));
    }

    /**
     * Measures each part {@code rounds} times (after two rounds of warm-up).
     *
     * @param n      the product's size, at least {@link #MIN_N}
     * @param rounds measured rounds, at least 1
     * @return {@code [part][round]}: GFLOP per CPU-second, and for packing milliseconds of CPU time
     * @throws IllegalStateException    on the scalar path
     * @throws IllegalArgumentException naming n or rounds when too small
     */
    static double[][] measure(int n, int rounds) {
        if (!VectorSupport.available()) {
            throw new IllegalStateException("GemmProfile needs the Vector API (--add-modules jdk.incubator.vector)");
        }
        if (n < MIN_N || rounds < 1) {
            throw new IllegalArgumentException("n is " + n + " and rounds " + rounds + " but n must be at least "
                    + MIN_N + " and rounds at least 1");
        }
        var rng = new SplittableRandom(11);
        float[] a = new float[n * n];
        float[] b = new float[n * n];
        float[] c = new float[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) (rng.nextDouble() * 2 - 1);
            b[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        int kc = Math.min(n, VectorGemm.ONE_SLAB_MAX);
        // a block of packed B as wide as the product's (NC_MAX's bytes at depth kc, whole panels)
        int nc = Math.min(n / VectorGemm.NR * VectorGemm.NR,
                (Math.max(VectorGemm.NR, VectorGemm.NC_MAX * VectorGemm.KC / kc) + VectorGemm.NR - 1)
                        / VectorGemm.NR * VectorGemm.NR);
        float[] bp = new float[kc * nc];
        float[] tile = new float[VectorGemm.MR * VectorGemm.NR];
        int panels = Math.max(1, Math.min(64, n / VectorGemm.MR));
        // with VectorGemm.PACK_A the kernel reads packed micro-panels of A, as in the product
        float[] ap = new float[VectorGemm.PACK_A ? panels * VectorGemm.MR * kc : 0];
        float[] one = new float[VectorGemm.MR * kc];
        for (int p = 0; VectorGemm.PACK_A && p < panels; p++) {
            GemmPack.packA(a, p * VectorGemm.MR * n, n, 1, VectorGemm.MR, kc, one, 0);
            System.arraycopy(one, 0, ap, p * one.length, one.length);
        }
        // all of A packed as the product packs it (whole row panels, depth kc), for the kernel calls part
        int rowsFull = n / VectorGemm.MR * VectorGemm.MR;
        float[] keptA = new float[VectorGemm.PACK_A ? rowsFull * kc : 0];
        for (int ir = 0; VectorGemm.PACK_A && ir < rowsFull; ir += VectorGemm.MR) {
            GemmPack.packA(a, ir * n, n, 1, VectorGemm.MR, kc, keptA, ir * kc);
        }
        double flop = 2.0 * n * n * n;
        double callsFlop = 2.0 * rowsFull * (n / nc * nc) * kc;
        double[][] out = new double[PARTS.length][rounds];
        float sink = 0;
        for (int r = -2; r < rounds; r++) {
            long[] ns = new long[PARTS.length];
            for (int q = 0; q < PARTS.length; q++) {
                int part = (q + Math.max(0, r)) % PARTS.length; // the order rotates from round to round
                long t0 = THREADS.getCurrentThreadCpuTime();
                switch (part) {
                    case 0 -> {
                        GemmPack.packB(false, b, 0, n, 0, kc, 0, nc, bp, 0);
                        t0 = THREADS.getCurrentThreadCpuTime();
                        long calls = 0;
                        while (calls * 2L * VectorGemm.MR * VectorGemm.NR * kc < flop) {
                            int panel = (int) (calls / (nc / VectorGemm.NR) % panels);
                            int bi = (int) (calls % (nc / VectorGemm.NR)) * VectorGemm.NR * kc;
                            if (VectorGemm.PACK_A) {
                                GemmKernels.run(VectorGemm.NV, kc, ap, panel * VectorGemm.MR * kc, 1, VectorGemm.MR, bp, bi,
                                        tile, 0, VectorGemm.NR, 1f);
                            } else {
                                GemmKernels.run(VectorGemm.NV, kc, a, panel * VectorGemm.MR * n, n, 1, bp, bi, tile, 0,
                                        VectorGemm.NR, 1f);
                            }
                            calls++;
                        }
                        sink += tile[0];
                    }
                    case 1 -> {
                        for (int jc = 0; jc + nc <= n; jc += nc) {
                            GemmPack.packB(false, b, 0, n, 0, kc, jc, nc, bp, 0);
                        }
                        sink += bp[1];
                    }
                    case 2 -> VectorGemm.block(false, false, 0, n, 0, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
                    case 3 -> VectorGemm.block(false, false, 0, n, 0, n, n, 1f, a, 0, ALIASED_LDA, b, 0, n, 0f,
                            c, 0, n);
                    case 4 -> VectorGemm.block(false, false, 0, n, 0, n, n, 1f, a, 0, n, b, 0, n, 0f,
                            c, 0, ALIASED_LDA);
                    case 5 -> VectorGemm.block(false, false, 0, n, 0, n, n, 1f, a, 0, ALIASED_LDA, b, 0, n, 0f,
                            c, 0, ALIASED_LDA);
                    case PACK_A_PART -> {
                        for (int ir = 0; VectorGemm.PACK_A && ir < rowsFull; ir += VectorGemm.MR) {
                            GemmPack.packA(a, ir * n, n, 1, VectorGemm.MR, kc, keptA, ir * kc);
                        }
                        sink += keptA.length > 0 ? keptA[1] : 0;
                    }
                    default -> {
                        GemmPack.packB(false, b, 0, n, 0, kc, 0, nc, bp, 0);
                        t0 = THREADS.getCurrentThreadCpuTime();
                        for (int jc = 0; jc + nc <= n; jc += nc) {
                            for (int ir = 0; ir < rowsFull; ir += VectorGemm.MR) {
                                for (int jr = 0; jr < nc; jr += VectorGemm.NR) {
                                    if (VectorGemm.PACK_A) {
                                        GemmKernels.run(VectorGemm.NV, kc, keptA, ir * kc, 1, VectorGemm.MR, bp, jr * kc,
                                                c, ir * n + jc + jr, n, 1f);
                                    } else {
                                        GemmKernels.run(VectorGemm.NV, kc, a, ir * n, n, 1, bp, jr * kc,
                                                c, ir * n + jc + jr, n, 1f);
                                    }
                                }
                            }
                        }
                        sink += c[1];
                    }
                }
                ns[part] = Math.max(1, THREADS.getCurrentThreadCpuTime() - t0);
            }
            if (r >= 0) {
                for (int part = 0; part < PARTS.length; part++) {
                    // the packing passes cover n / nc whole blocks of kc rows: scaled to all of B
                    double packScale = (double) n * n / ((double) (n / nc) * nc * kc);
                    double packAScale = (double) n * n / ((double) rowsFull * kc);
                    out[part][r] = switch (part) {
                        case PACK_B_PART -> ns[part] / 1e6 * packScale;
                        case PACK_A_PART -> VectorGemm.PACK_A ? ns[part] / 1e6 * packAScale : 0;
                        case CALLS_PART -> callsFlop / ns[part];
                        default -> flop / ns[part];
                    };
                }
            }
        }
        if (sink == 12345.678f) {
            System.out.print(""); // keeps the results live
        }
        return out;
    }

    /**
     * The Markdown table of {@link #measure}'s rounds: best and median of each part, packing also as
     * a share of the whole product's best round.
     *
     * @param n      the product's size
     * @param rounds {@code [part][round]} as {@link #measure} returns
     * @return the table, one line per part, ending in a newline
     */
    static String table(int n, double[][] rounds) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n| part (%d³, 1 thread, per CPU-second) | best | median |%n|---|---:|---:|%n", n));
        for (int part = 0; part < PARTS.length; part++) {
            double[] v = rounds[part].clone();
            java.util.Arrays.sort(v);
            boolean ms = part == PACK_B_PART || part == PACK_A_PART;
            double best = ms ? v[0] : v[v.length - 1];
            double median = v[v.length / 2];
            String unit = ms ? " ms" : " GFLOP/s";
            String share = ms ? String.format(Locale.ROOT, " (%.1f %% of the product's best round)",
                    100 * best / (2.0 * n * n * n / max(rounds[2]) / 1e6)) : "";
            sb.append(String.format(Locale.ROOT, "| %s | %.2f%s%s | %.2f%s |%n", PARTS[part], best, unit, share, median, unit));
        }
        return sb.toString();
    }

    private static double max(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }
}
