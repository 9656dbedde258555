package dev.visor.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Two builds (or two settings) of the GEMM side by side in one JVM, on one thread, by CPU time:
 * the A/B that survives a machine shared with other work. Each side's tensor-core classes load in
 * a class loader of their own, so both are compiled by the same JIT in the same process; their
 * timed rounds alternate (who goes first alternates too), each rated in FLOP per second of this
 * thread's CPU time, and the table gives each side's best and median round as a percentage of the
 * JVM's FMA peak measured in the same run, and how many rounds B won. Two separate JVMs run one
 * after the other (or at once, one per core) moved 10-25 % apart at load 5-9 on 2 cores; two
 * identical sides of this tool read up to 8 % apart, so trust a difference only when B wins most
 * rounds on most shapes.
 *
 * <pre>
 * mkdir /tmp/old &amp;&amp; git archive a32e586 | tar -x -C /tmp/old &amp;&amp; mvn -B -q -o -f /tmp/old/pom.xml -pl tensor-core compile
 * java --add-modules jdk.incubator.vector -XX:UseAVX=2 -cp benchmarks/target/benchmarks.jar dev.visor.bench.GemmAB \
 *     --a=/tmp/old/tensor-core/target/classes --b=tensor-core/target/classes --names=before,after
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.GemmAB \
 *     --a=tensor-core/target/classes --b=tensor-core/target/classes --props-b=kc=256 --names=kc512,kc256
 * </pre>
 * Options: {@code --a=PATH[:PATH]}, {@code --b=PATH[:PATH]} (class directories or jars holding
 * tensor-core's {@code dev.visor.tensor.kernel} classes), {@code --names=A,B}, {@code --props-a=key=v,...}
 * and {@code --props-b=...} ({@code visor.kernel.} properties in force while that side's
 * {@code MachineShape} initialises, e.g. {@code kc=512,tile=6x2}), {@code --shapes=a,b} ({@link
 * MatmulBench}'s names, default {@link GemmBars#SHAPES}), {@code --threads=N} (default 1; with more, each
 * side splits its products across N threads and is rated by the CPU time of the caller and the kernel
 * threads together, spin waits included), {@code --rounds=R} (default 5),
 * {@code --seconds=S} of CPU time per round (default 0.2), {@code --out=FILE}.
 */
public final class GemmAB {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private GemmAB() {}

    /** The kernel classes that read {@code visor.kernel.} switches when they initialise, each initialised with its side's. */
    static final List<String> SWITCHED = List.of("VectorGemm", "SharedGemm", "GemmPack", "RowBlockGemm");

    /** One side: its class loader's {@code Gemm.sgemm}, set to one thread. */
    record Side(String name, String describe, Method sgemm) {
        static Side load(String name, String paths, String props, int threads) throws ReflectiveOperationException {
            List<URL> urls = new ArrayList<>();
            for (String p : paths.split(":")) {
                try {
                    urls.add(Path.of(p).toUri().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException("class path entry '" + p + "' of side " + name + " is not a path", e);
                }
            }
            ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            List<String> set = new ArrayList<>();
            try {
                if (props != null && !props.isBlank()) {
                    for (String kv : props.split(",")) {
                        String[] p = kv.split("=", 2);
                        if (p.length != 2) {
                            throw new IllegalArgumentException("property '" + kv + "' of side " + name + " is not key=value");
                        }
                        System.setProperty("visor.kernel." + p[0].trim(), p[1].trim());
                        set.add("visor.kernel." + p[0].trim());
                    }
                }
                Class<?> shape = Class.forName("dev.visor.tensor.kernel.MachineShape", true, loader);
                String describe = (String) shape.getMethod("describe").invoke(shape.getMethod("current").invoke(null));
                // their switches (packA, packBGroup, rowBlocks, sharedB, ...) are read when they initialise:
                // while this side's properties are set
                for (String kernelClass : SWITCHED) {
                    try {
                        Class.forName("dev.visor.tensor.kernel." + kernelClass, true, loader);
                    } catch (ClassNotFoundException | LinkageError e) {
                        // a build without it or a JVM without the Vector API: the scalar path has no switches
                    }
                }
                Class<?> parallel = Class.forName("dev.visor.tensor.kernel.Parallel", true, loader);
                parallel.getMethod("setThreads", int.class).invoke(null, threads);
                Method sgemm = Class.forName("dev.visor.tensor.kernel.Gemm", true, loader).getMethod("sgemm",
                        boolean.class, boolean.class, int.class, int.class, int.class, float.class,
                        float[].class, int.class, int.class, float[].class, int.class, int.class,
                        float.class, float[].class, int.class, int.class);
                return new Side(name, describe, sgemm);
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("side " + name + " (" + paths + ") holds no tensor-core kernel classes", e);
            } finally {
                set.forEach(System::clearProperty);
            }
        }
    }

    /** Prints the table. */
    public static void main(String[] args) throws Exception {
        Map<String, String> opts = ReportSupport.options(args,
                List.of("a", "b", "names", "props-a", "props-b", "shapes", "rounds", "seconds", "threads", "out"),
                "--a=PATHS --b=PATHS --names=A,B --props-a=k=v --props-b=k=v --shapes=a,b --rounds=R --seconds=S --threads=N --out=FILE");
        if (!opts.containsKey("a") || !opts.containsKey("b")) {
            throw new IllegalArgumentException("GemmAB needs --a=PATHS and --b=PATHS (tensor-core class directories or jars)");
        }
        String[] names = opts.getOrDefault("names", "a,b").split(",");
        if (names.length != 2) {
            throw new IllegalArgumentException("--names must be two names, A,B, but got '" + opts.get("names") + "'");
        }
        int threads = Integer.parseInt(opts.getOrDefault("threads", "1"));
        if (threads < 1) {
            throw new IllegalArgumentException("--threads must be at least 1 but got " + threads);
        }
        Side a = Side.load(names[0], opts.get("a"), opts.get("props-a"), threads);
        Side b = Side.load(names[1], opts.get("b"), opts.get("props-b"), threads);
        int rounds = Integer.parseInt(opts.getOrDefault("rounds", "5"));
        long nanos = (long) (Double.parseDouble(opts.getOrDefault("seconds", "0.2")) * 1e9);
        String loadBefore = ReportSupport.loadAverage();
        PeakFlopsBench peakBench = new PeakFlopsBench();
        double peak = best(rounds, nanos, PeakFlopsBench.FLOP, peakBench::preferred);

        StringBuilder out = new StringBuilder();
        out.append("Machine: ").append(ReportSupport.cpuModel()).append("; JDK ").append(ReportSupport.jdk()).append('\n');
        out.append(a.name()).append(": ").append(a.describe()).append('\n');
        out.append(b.name()).append(": ").append(b.describe()).append('\n');
        out.append(String.format(Locale.ROOT, "%d thread%s, GFLOP per CPU-second%s, %d rounds × %.2f s each side,"
                + " alternating; JVM FMA peak (1 thread) %.1f%n", threads, threads == 1 ? "" : "s",
                threads == 1 ? "" : " of the caller and the kernel threads together (their waits included)",
                rounds, nanos / 1e9, peak));
        out.append("\n| shape | ").append(a.name()).append(" best | median | ").append(b.name())
                .append(" best | median | ").append(b.name()).append(" wins |\n|---|---:|---:|---:|---:|---:|\n");
        for (String name : opts.getOrDefault("shapes", GemmBars.SHAPES).split(",")) {
            Shape s = Shape.parse(name);
            if (s.batch() != 1) {
                throw new IllegalArgumentException("GemmAB times single products, but shape " + name + " is a batch");
            }
            Runnable ra = product(a, s);
            Runnable rb = product(b, s);
            double flop = 2.0 * s.m() * s.n() * s.k();
            timed(ra, flop, nanos, threads);  // warm-up: C2 compiles both sides
            timed(rb, flop, nanos, threads);
            double[] ga = new double[rounds];
            double[] gb = new double[rounds];
            int wins = 0;
            for (int r = 0; r < rounds; r++) {
                if (r % 2 == 0) {
                    ga[r] = timed(ra, flop, nanos, threads);
                    gb[r] = timed(rb, flop, nanos, threads);
                } else {
                    gb[r] = timed(rb, flop, nanos, threads);
                    ga[r] = timed(ra, flop, nanos, threads);
                }
                wins += gb[r] > ga[r] ? 1 : 0;
            }
            out.append(String.format(Locale.ROOT, "| %s | %s | %.1f | %s | %.1f | %d/%d |%n", name,
                    pct(max(ga), peak), median(ga), pct(max(gb), peak), median(gb), wins, rounds));
        }
        out.append("\nLoad average before: ").append(loadBefore).append(", after: ").append(ReportSupport.loadAverage()).append('\n');
        System.out.print(out);
        if (opts.containsKey("out")) {
            ReportSupport.writeAtomically(Path.of(opts.get("out")), out.toString());
        }
    }

    /** The product of {@code s} on this side, on fixed random inputs. */
    private static Runnable product(Side side, Shape s) {
        SplittableRandom rng = new SplittableRandom(42);
        float[] x = new float[s.m() * s.k()];
        float[] y = new float[s.k() * s.n()];
        float[] z = new float[s.m() * s.n()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = (float) rng.nextDouble(-1, 1);
        }
        int lda = s.transA() ? s.m() : s.k();
        int ldb = s.transB() ? s.k() : s.n();
        return () -> {
            try {
                side.sgemm().invoke(null, s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f, x, 0, lda, y, 0, ldb,
                        0f, z, 0, s.n());
            } catch (IllegalAccessException e) {
                throw new IllegalStateException(e);
            } catch (InvocationTargetException e) {
                throw new IllegalStateException("sgemm of side " + side.name() + " failed", e.getCause());
            }
        };
    }

    /**
     * Calls {@code call} for at least {@code nanos} of CPU time per thread: GFLOP per CPU-second of this
     * thread, or with {@code threads > 1} of this thread and every {@code visor-kernel-*} thread together
     * (both sides' kernel threads: the idle side's are parked and add nothing).
     */
    static double timed(Runnable call, double flopPerCall, long nanos, int threads) {
        if (threads == 1) {
            return timed(call, flopPerCall, nanos);
        }
        Map<Long, Long> c0 = GemmBars.kernelCpuTimes();
        long calls = 0;
        long used;
        do {
            call.run();
            calls++;
            used = 0;
            for (Map.Entry<Long, Long> e : GemmBars.kernelCpuTimes().entrySet()) {
                used += e.getValue() - c0.getOrDefault(e.getKey(), 0L);
            }
        } while (used < nanos * threads);
        return calls * flopPerCall / used;
    }

    /** Calls {@code call} for at least {@code nanos} of this thread's CPU time: GFLOP per CPU-second. */
    static double timed(Runnable call, double flopPerCall, long nanos) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long calls = 0;
        long used;
        do {
            call.run();
            calls++;
            used = THREADS.getCurrentThreadCpuTime() - c0;
        } while (used < nanos);
        return calls * flopPerCall / used;
    }

    private static double best(int rounds, long nanos, double flop, Runnable call) {
        timed(call, flop, nanos);
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            best = Math.max(best, timed(call, flop, nanos));
        }
        return best;
    }

    private static String pct(double g, double peak) {
        return String.format(Locale.ROOT, "%.1f (%.0f %%)", g, 100 * g / peak);
    }

    private static double max(double[] x) {
        return Arrays.stream(x).max().orElse(0);
    }

    static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
