package dev.visor.bench;

import dev.visor.tensor.kernel.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The GEMM bars of issue 11 for the width this JVM runs at, in one JVM: the FMA peak
 * ({@link PeakFlopsBench#preferred}) on 1 and 2 threads, {@link MatmulBench}'s products on 1 and
 * 2 threads, the peak again, and a table of each figure as a percentage of the higher peak, with
 * the bars and whether each is met. {@code bin/gemm-bars} runs it at every width next to the C FMA
 * loop and OpenBLAS and passes their figures in.
 *
 * <p>Before anything is timed, a warm-up runs every product on every thread count, twice round
 * ({@link #warmUp}), as JMH's warm-up iterations do: the drivers ({@code VectorGemm.rowPanels}, the
 * packing) are deoptimised and recompiled each time a product first takes a branch the earlier ones
 * never took (benchmarks/JOURNAL.md, gemm10a), so without it the first products of a fresh JVM were
 * timed on code still compiling and each JVM read a different one or two products low. Then each
 * figure is the best of several timed rounds (after two more of warm-up), as JMH's best
 * iteration; every round records the wall clock and the CPU time of the threads that did the
 * work (the caller and {@link Parallel}'s {@code visor-kernel-*} threads), so each figure has two
 * readings: GFLOP/s by the wall clock (the bar) and GFLOP per CPU-second (what a core did while it
 * ran; on a machine shared with other work, the reading that survives).
 *
 * <p>How to run (one width; {@code bin/gemm-bars} for all):
 * <pre>
 * java --add-modules jdk.incubator.vector -XX:UseAVX=2 -cp benchmarks/target/benchmarks.jar \
 *     dev.visor.bench.GemmBars --seconds=0.25 --rounds=3 --openblas=1:117.3,2:239.2 --cpeak=1:125.0,2:239.7
 * </pre>
 * Options: {@code --shapes=a,b} (default: the square sizes 512–2048 and the layer's products),
 * {@code --threads=1,2}, {@code --seconds=S} per round (default 1), {@code --rounds=R} measured
 * rounds (default 5), {@code --warmup=S} seconds per product, thread count and pass of the warm-up
 * before all timing (default 0.25; 0 skips it), {@code --openblas=T:GFLOPS[/CPU],...} (OpenBLAS's 1024³ on T threads, same width,
 * by the wall clock and per CPU-second, for the ratio bar), {@code --cpeak=T:GFLOPS[/CPU],...} (the C
 * loop's peak, for the peak bar),
 * {@code --out=FILE}.
 */
public final class GemmBars {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    /** The products the bars name: square 512, 1024, 2048 and one Transformer layer's. */
    static final String SHAPES = "sq512,sq1024,sq2048,mm_1024x2048x512_NN,qkv_1024x1536x512_NT,"
            + "proj_1024x512x512_NT,ffnUp_1024x2048x512_NT,ffnDown_1024x512x2048_NT,gradW_2048x512x1024_TN";
    /** The bars: fraction of the peak on 1 thread, on 2 or more. */
    static final double BAR_ONE = 0.80;
    static final double BAR_MANY = 0.75;
    /**
     * A peak on {@code t} threads below this fraction of {@code t} times the 1-thread peak is not the
     * machine's: another process held a core during it (the C loop once read 237 GFLOP/s on 2
     * threads, its 1-thread figure, then 464-475 by hand minutes later). Ratios to such a peak are
     * not computed silently: the peak is measured again, and if it stays low the report says so.
     */
    static final double PLAUSIBLE_SCALING = 0.75;
    /** Measurements of the JVM peaks before the report gives up on an implausible one. */
    static final int PEAK_ATTEMPTS = 3;

    private GemmBars() {}

    /**
     * A best round: GFLOP/s by the wall clock; GFLOP per CPU-second of all the working threads; and
     * per core by the busiest thread's CPU time (FLOP ÷ its CPU time ÷ threads: what the wall clock
     * would read if every thread had a core to itself, so it keeps an uneven split's cost).
     */
    record Rate(double wall, double cpu, double busiest) {
        Rate max(Rate o) {
            return new Rate(Math.max(wall, o.wall), Math.max(cpu, o.cpu), Math.max(busiest, o.busiest));
        }

        static Rate of(double flop, long wallNanos, long[] cpuNanos, int threads) {
            long sum = 0;
            long max = 1;
            for (long c : cpuNanos) {
                sum += c;
                max = Math.max(max, c);
            }
            return new Rate(flop / wallNanos, flop / Math.max(1, sum), flop / max / threads);
        }
    }

    /** Measures and prints the table. */
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = ReportSupport.options(args,
                List.of("shapes", "threads", "seconds", "rounds", "warmup", "openblas", "cpeak", "out"),
                "--shapes=a,b --threads=1,2 --seconds=S --rounds=R --warmup=S --openblas=1:G/C,2:G/C --cpeak=1:G/C,2:G/C --out=FILE");
        String[] shapes = opts.getOrDefault("shapes", SHAPES).split(",");
        int[] threads = java.util.Arrays.stream(opts.getOrDefault("threads", "1,2").split(","))
                .mapToInt(Integer::parseInt).toArray();
        double seconds = Double.parseDouble(opts.getOrDefault("seconds", "1"));
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "5"));
        Map<Integer, double[]> openblas = figures(opts.get("openblas"));
        Map<Integer, double[]> cpeak = figures(opts.get("cpeak"));
        String loadBefore = ReportSupport.loadAverage();
        long start = System.nanoTime();

        Map<Integer, Rate> peak = new LinkedHashMap<>();
        for (int t : threads) {
            peak.put(t, peak(t, seconds, rounds));
        }
        double warmup = Double.parseDouble(opts.getOrDefault("warmup", "0.25"));
        long warm0 = System.nanoTime();
        warmUp(shapes, threads, warmup, WARMUP_PASSES);
        double warmed = (System.nanoTime() - warm0) / 1e9;
        // on stderr with the JVM's uptime, so a -XX:+PrintCompilation log shows what compiled after it
        System.err.printf(Locale.ROOT, "GemmBars: warm-up done at %d ms of JVM uptime (%.1f s)%n",
                ManagementFactory.getRuntimeMXBean().getUptime(), warmed);
        Map<String, Rate> gemm = new LinkedHashMap<>();
        Map<String, Double> steal = new LinkedHashMap<>();
        for (int t : threads) {
            for (String shape : shapes) {
                MatmulBench bench = bench(shape, t);
                MatmulBench.Flop counter = new MatmulBench.Flop();
                Supplier<Map<Long, Long>> cpu = t == 1 ? GemmBars::ownCpuTime : GemmBars::kernelCpuTimes;
                long steal0 = ReportSupport.stealTicks();
                long wall0 = System.nanoTime();
                gemm.put(shape + "@" + t, measure(seconds, rounds, Shape.parse(shape).flop(), () -> bench.sgemm(counter), t, cpu));
                steal.put(shape + "@" + t, stealShare(steal0, ReportSupport.stealTicks(), System.nanoTime() - wall0));
            }
        }
        for (int t : threads) { // other processes only ever lower a peak: keep the higher reading
            peak.put(t, peak.get(t).max(peak(t, seconds, rounds)));
        }
        for (int attempt = 2; attempt <= PEAK_ATTEMPTS && !implausible(wallOf(peak)).isEmpty(); attempt++) {
            System.err.println("GemmBars: **implausible JVM peak** " + implausible(wallOf(peak))
                    + "; measuring it again (attempt " + attempt + " of " + PEAK_ATTEMPTS + ")");
            for (int t : implausible(wallOf(peak)).keySet()) {
                peak.put(t, peak.get(t).max(peak(t, seconds, rounds)));
            }
        }
        Map<Integer, String> badPeak = implausible(wallOf(peak));
        Map<Integer, Double> cWall = new LinkedHashMap<>();
        cpeak.forEach((t, c) -> cWall.put(t, c[0]));
        Map<Integer, String> badCPeak = implausible(cWall);

        StringBuilder out = new StringBuilder();
        out.append("Machine: ").append(ReportSupport.cpuModel()).append("; JDK ").append(ReportSupport.jdk()).append('\n');
        out.append("ISA: ").append(ReportSupport.isa()).append('\n');
        out.append("Heap: ").append(ReportSupport.heapPages()).append('\n');
        out.append("Load average before: ").append(loadBefore).append(", after: ").append(ReportSupport.loadAverage())
                .append(String.format(Locale.ROOT, "; every product on every thread count warmed up first (%d passes × %.2f s, %.0f s);"
                        + " %d rounds × %.2f s after 2 of warm-up, best round; %.0f s%n",
                        WARMUP_PASSES, warmup, warmed, rounds, seconds, (System.nanoTime() - start) / 1e9));
        double load = Double.parseDouble(loadBefore.split(",")[0].trim().replace("unknown", "0"));
        if (load > Runtime.getRuntime().availableProcessors()) {
            out.append("**Load ").append(loadBefore.split(",")[0]).append(" on ")
                    .append(Runtime.getRuntime().availableProcessors())
                    .append(" cores: other work shared the cores, so the wall-clock verdicts below are not the bars;"
                            + " the CPU-time columns are the figures to read.**\n");
        }
        badPeak.forEach((t, why) -> out.append("**Implausible JVM FMA peak on ").append(t).append(" threads after ")
                .append(PEAK_ATTEMPTS).append(" measurements: ").append(why)
                .append(". Its wall-clock ratios below are not judged; another process held a core.**\n"));
        badCPeak.forEach((t, why) -> out.append("**Implausible C FMA peak on ").append(t).append(" threads: ")
                .append(why).append(". The JVM-against-C bar is not judged on ").append(t).append(" threads.**\n"));
        out.append("\n| kernel | threads | GFLOP/s | % of peak | GFLOP per CPU-second | % of peak"
                + " | per core by the busiest thread's CPU time | % of peak |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (int t : threads) {
            Rate p = peak.get(t);
            out.append(row("FMA peak (" + PeakFlopsBench.CHAINS + " chains, higher of before/after)", t, p, p));
        }
        for (int t : threads) {
            for (String shape : shapes) {
                out.append(row("sgemm " + shape, t, gemm.get(shape + "@" + t), peak.get(t)));
            }
        }
        out.append(stealLine(steal));
        out.append("\n| bar | threads | figure (by the busiest thread's CPU time) | met by the wall clock |\n|---|---:|---:|---|\n");
        for (int t : threads) {
            if (cpeak.containsKey(t) && badCPeak.containsKey(t)) {
                out.append("| JVM peak ≥ 95 % of the C loop's (").append(fmt(cpeak.get(t)[0])).append(") | ").append(t)
                        .append(" | – | **not judged: C peak implausible** |\n");
            } else if (cpeak.containsKey(t)) {
                double[] c = cpeak.get(t);
                out.append(bar("JVM peak ≥ 95 % of the C loop's (" + fmt(c[0]) + ")", t,
                        peak.get(t).wall() / c[0], peak.get(t).busiest() / c[1], 0.95, "%"));
            }
            double need = t == 1 ? BAR_ONE : BAR_MANY;
            for (String shape : shapes) {
                Rate r = gemm.get(shape + "@" + t);
                out.append(bar(shape + " ≥ " + Math.round(need * 100) + " % of peak", t,
                        r.wall() / peak.get(t).wall(), r.busiest() / peak.get(t).busiest(), need, "%",
                        badPeak.containsKey(t) ? "**not judged: peak implausible**" : null));
            }
            Rate sq = gemm.get("sq1024@" + t);
            if (openblas.containsKey(t) && sq != null) {
                double[] o = openblas.get(t);
                out.append(bar("sq1024 ≥ 1.0× OpenBLAS (" + fmt(o[0]) + ")", t, sq.wall() / o[0],
                        sq.busiest() / o[1], 1.0, "×"));
            }
        }
        System.out.print(out);
        if (opts.containsKey("out")) {
            ReportSupport.writeAtomically(java.nio.file.Path.of(opts.get("out")), out.toString());
        }
    }

    /**
     * Share of all vCPUs' time that the hypervisor gave other guests ({@code /proc/stat} steal) over
     * {@code wallNanos}; NaN when steal cannot be read.
     */
    static double stealShare(long ticksBefore, long ticksAfter, long wallNanos) {
        if (ticksBefore < 0 || ticksAfter < 0 || wallNanos <= 0) {
            return Double.NaN;
        }
        return (ticksAfter - ticksBefore) / 100.0 / (wallNanos / 1e9 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * One line under the table: the products during whose measurement the host took at least 0.5 % of
     * the vCPUs' time for other guests. Such stolen time slows every figure of that row, CPU-time
     * readings included, while leaving no trace in the load average; a row that is low in one run and
     * not in the next, with steal beside it, was the host's doing.
     */
    static String stealLine(Map<String, Double> steal) {
        if (steal.values().stream().allMatch(v -> v.isNaN())) {
            return "\nHost steal: not readable (no /proc/stat).\n";
        }
        StringBuilder line = new StringBuilder();
        steal.forEach((row, share) -> {
            if (share >= 0.005) {
                line.append(line.length() == 0 ? "" : ", ").append(row).append(' ')
                        .append(String.format(Locale.ROOT, "%.1f %%", 100 * share));
            }
        });
        return "\nHost steal (/proc/stat, share of all vCPUs' time) during the products: "
                + (line.length() == 0 ? "under 0.5 % for every row" : line) + ".\n";
    }

    /**
     * The thread counts whose peak is implausibly low against the 1-thread peak (below
     * {@link #PLAUSIBLE_SCALING} × threads × the 1-thread figure), each with the reason; empty when
     * every peak is plausible or there is no 1-thread figure to compare with.
     *
     * @param wall GFLOP/s by the wall clock, by thread count
     * @return thread count → "N threads read X GFLOP/s, below 0.75 × N × Y (1 thread)"
     */
    static Map<Integer, String> implausible(Map<Integer, Double> wall) {
        Map<Integer, String> bad = new LinkedHashMap<>();
        Double one = wall.get(1);
        if (one == null || !(one > 0)) {
            return bad;
        }
        wall.forEach((t, g) -> {
            if (t > 1 && !(g >= PLAUSIBLE_SCALING * t * one)) {
                bad.put(t, String.format(Locale.ROOT, "%d threads read %.1f GFLOP/s, below %.2f × %d × %.1f (1 thread)",
                        t, g, PLAUSIBLE_SCALING, t, one));
            }
        });
        return bad;
    }

    private static Map<Integer, Double> wallOf(Map<Integer, Rate> peaks) {
        Map<Integer, Double> m = new LinkedHashMap<>();
        peaks.forEach((t, r) -> m.put(t, r.wall()));
        return m;
    }

    /**
     * {@code 1:208.5/208.6,2:421.4/210.5} as thread count → {GFLOP/s by the wall clock, GFLOP per
     * CPU-second of all its threads} ({@code bin/openblas-sgemm}'s two columns); without {@code /}
     * the one figure serves for both; empty for none.
     */
    static Map<Integer, double[]> figures(String spec) {
        Map<Integer, double[]> m = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return m;
        }
        for (String part : spec.split(",")) {
            String[] kv = part.split(":");
            if (kv.length != 2) {
                throw new IllegalArgumentException("figure '" + part + "' in '" + spec
                        + "' is not THREADS:GFLOPS or THREADS:GFLOPS/PER-CPU-SECOND");
            }
            String[] v = kv[1].split("/");
            double wall = Double.parseDouble(v[0].trim());
            m.put(Integer.parseInt(kv[0].trim()), new double[] {wall, v.length > 1 ? Double.parseDouble(v[1].trim()) : wall});
        }
        return m;
    }

    static String row(String what, int t, Rate r, Rate peak) {
        if (r.cpu() == 0) {   // no CPU reading in any round (see measure)
            return String.format(Locale.ROOT, "| %s | %d | %.1f | %.0f %% | n/a | n/a | n/a | n/a |%n",
                    what, t, r.wall(), 100 * r.wall() / peak.wall());
        }
        return String.format(Locale.ROOT, "| %s | %d | %.1f | %.0f %% | %.1f | %.0f %% | %.1f | %.0f %% |%n",
                what, t, r.wall(), 100 * r.wall() / peak.wall(), r.cpu(), 100 * r.cpu() / peak.cpu(),
                r.busiest(), 100 * r.busiest() / peak.busiest());
    }

    static String bar(String what, int t, double byWall, double byCpu, double need, String unit) {
        return bar(what, t, byWall, byCpu, need, unit, null);
    }

    /** {@link #bar}, with the verdict replaced by {@code verdict} when it is not null. */
    static String bar(String what, int t, double byWall, double byCpu, double need, String unit, String verdict) {
        String f = unit.equals("%") ? String.format(Locale.ROOT, "%.0f %%", 100 * byWall)
                : String.format(Locale.ROOT, "%.2f×", byWall);
        String c = Double.isNaN(byCpu) ? "" : unit.equals("%") ? String.format(Locale.ROOT, " (%.0f %%)", 100 * byCpu)
                : String.format(Locale.ROOT, " (%.2f×)", byCpu);
        return "| " + what + " | " + t + " | " + f + c + " | "
                + (verdict != null ? verdict : byWall >= need ? "yes" : "**no**") + " |\n";
    }

    private static String fmt(double x) {
        return String.format(Locale.ROOT, "%.1f", x);
    }

    /** The calling thread's CPU time, in ns, by thread id. */
    static Map<Long, Long> ownCpuTime() {
        return Map.of(Thread.currentThread().getId(), THREADS.getCurrentThreadCpuTime());
    }

    /** CPU time of the calling thread and of every {@code visor-kernel-*} thread, in ns, by thread id. */
    static Map<Long, Long> kernelCpuTimes() {
        Map<Long, Long> cpu = new LinkedHashMap<>(ownCpuTime());
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("visor-kernel-")) {
                cpu.put(info.getThreadId(), Math.max(0, THREADS.getThreadCpuTime(info.getThreadId())));
            }
        }
        return cpu;
    }

    /** {@link MatmulBench} set up for {@code shape} on {@code threads} (its setup also sets the kernels' thread count). */
    private static MatmulBench bench(String shape, int threads) {
        MatmulBench bench = new MatmulBench();
        bench.shape = shape;
        bench.threads = threads;
        bench.setUp();
        return bench;
    }

    /** Passes of the warm-up over every product and thread count. */
    static final int WARMUP_PASSES = 2;

    /**
     * The warm-up before any product is timed: {@code passes} times over every thread count and
     * product, each run for at least {@code seconds} (none with 0), so every branch of the drivers
     * has been taken and C2 has compiled (and, after a deoptimisation, recompiled) them before the
     * first timed round. The second pass runs on the code the first one's branches left.
     *
     * @return the products run, by {@code shape@threads}
     */
    static Map<String, Integer> warmUp(String[] shapes, int[] threads, double seconds, int passes) {
        Map<String, Integer> calls = new LinkedHashMap<>();
        for (int pass = 0; pass < passes && seconds > 0; pass++) {
            for (int t : threads) {
                for (String shape : shapes) {
                    MatmulBench bench = bench(shape, t);
                    MatmulBench.Flop counter = new MatmulBench.Flop();
                    long t0 = System.nanoTime();
                    do {
                        bench.sgemm(counter);
                        calls.merge(shape + "@" + t, 1, Integer::sum);
                    } while (System.nanoTime() - t0 < seconds * 1e9);
                }
            }
        }
        return calls;
    }

    /**
     * Best of {@code rounds} rounds of at least {@code seconds} each, after two rounds of warm-up;
     * {@code cpu} reads the working threads' CPU times (a thread that appears during a round counts
     * from zero).
     */
    static Rate measure(double seconds, int rounds, double flopPerCall, Runnable call, int threads,
                        Supplier<Map<Long, Long>> cpu) {
        Rate best = new Rate(0, 0, 0);
        for (int round = 0; round < rounds + 2; round++) {
            long calls = 0;
            Map<Long, Long> c0 = cpu.get();
            long t0 = System.nanoTime();
            long t;
            do {
                call.run();
                calls++;
                t = System.nanoTime();
            } while (t - t0 < seconds * 1e9);
            Map<Long, Long> c1 = cpu.get();
            long idle = (t - t0) / 100;
            // the threads that worked: a pool's idle threads (or the caller, while it only waits) do not count
            long[] used = c1.entrySet().stream().mapToLong(e -> e.getValue() - c0.getOrDefault(e.getKey(), 0L))
                    .filter(d -> d > idle).toArray();
            if (round >= 2) {
                // no thread's CPU time moved (a coarse or stalled counter): the round has a wall figure only,
                // 0 per CPU-second, which max() passes over (before, 1 ns of CPU gave 10^8-fold readings)
                best = best.max(used.length == 0 ? new Rate(calls * flopPerCall / (t - t0), 0, 0)
                        : Rate.of(calls * flopPerCall, t - t0, used, threads));
            }
        }
        return best;
    }

    /**
     * The FMA peak on {@code t} threads: each runs {@link PeakFlopsBench#preferred} for the same number
     * of calls; GFLOP/s is all threads' FLOP over the wall clock of the slowest, per CPU-second over
     * the sum of their CPU times.
     */
    static Rate peak(int t, double seconds, int rounds) throws Exception {
        PeakFlopsBench one = new PeakFlopsBench();
        Rate single = measure(Math.min(seconds, 0.2), 1, PeakFlopsBench.FLOP, one::preferred, 1, GemmBars::ownCpuTime);
        long calls = Math.max(1, (long) (seconds * single.cpu() * 1e9 / PeakFlopsBench.FLOP));
        ExecutorService pool = Executors.newFixedThreadPool(t);
        try {
            Rate best = new Rate(0, 0, 0);
            for (int round = 0; round < rounds + 2; round++) {
                List<Future<Long>> done = new ArrayList<>();
                long t0 = System.nanoTime();
                for (int i = 0; i < t; i++) {
                    done.add(pool.submit(() -> {
                        PeakFlopsBench bench = new PeakFlopsBench();
                        long c0 = THREADS.getCurrentThreadCpuTime();
                        float sink = 0;
                        for (long j = 0; j < calls; j++) {
                            sink += bench.preferred();
                        }
                        return THREADS.getCurrentThreadCpuTime() - c0 + (sink == 42f ? 1 : 0);
                    }));
                }
                long[] cpu = new long[t];
                for (int i = 0; i < t; i++) {
                    cpu[i] = done.get(i).get();
                }
                long wall = System.nanoTime() - t0;
                if (round >= 2) {
                    best = best.max(Rate.of((double) calls * t * PeakFlopsBench.FLOP, wall, cpu, t));
                }
            }
            return best;
        } finally {
            pool.shutdown();
        }
    }
}
