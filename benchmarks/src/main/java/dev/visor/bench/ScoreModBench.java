package dev.visor.bench;

import dev.visor.attention.AttentionConfig;
import dev.visor.attention.BlockSparsity;
import dev.visor.attention.FlashAttention;
import dev.visor.attention.HeadsView;
import dev.visor.attention.ScoreModification;
import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.tensor.Rng;
import dev.visor.tensor.kernel.Parallel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a score modifier fused into the flash kernel costs: the forward (and backward) pass at
 * N = 2048, 8 heads × 64, mask {@code causal}, with no modifier ({@code none}, the plain kernel) and
 * with {@code alibi}, {@code softcap(cap=30)} and {@code relative_bias} (T5 defaults: 32 buckets,
 * max_distance 128, a random table). RoPE is not a score modifier (it rotates q and k once before
 * the kernel) and is not part of this bench. The bars: alibi and softcap forward ≤ 1.15× none,
 * relative_bias ≤ 1.3×.
 *
 * <p>JMH (wall clock; for a quiet machine):
 * <pre>
 * mvn -B -q package -DskipTests -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar ScoreModBench -p threads=1,2
 * </pre>
 * On a shared machine run {@link #main} instead: one thread, the variants taking turns call by
 * call in one JVM, each call timed by this thread's CPU time, and the median per variant and its
 * ratio to {@code none} printed:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.ScoreModBench --calls=40 --warmup=10
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class ScoreModBench {
    static final int N = 2048;
    static final int HEADS = 8;
    static final int HEAD_DIM = 64;
    /** The modifiers compared, {@code none} first. */
    static final String[] MODIFIERS = {"none", "alibi", "softcap(cap=30)", "relative_bias"};

    /** One modifier's inputs at N = 2048 under {@code causal}. */
    @State(Scope.Benchmark)
    public static class Inputs {
        @Param({"none", "alibi", "softcap(cap=30)", "relative_bias"})
        public String modifier;

        @Param({"1"})
        public int threads;

        HeadsView q, k, v, out, dOut, dq, dk, dv;
        BlockSparsity sparsity;
        AttentionConfig cfg;
        ScoreModification mods;
        float[] lse;

        @Setup
        public void setUp() {
            Parallel.setThreads(threads);
            Rng rng = new Rng(1);
            q = AttentionBench.random(rng, N);
            k = AttentionBench.random(rng, N);
            v = AttentionBench.random(rng, N);
            dOut = AttentionBench.random(rng, N);
            out = HeadsView.zeros(1, HEADS, N, HEAD_DIM);
            dq = HeadsView.zeros(1, HEADS, N, HEAD_DIM);
            dk = HeadsView.zeros(1, HEADS, N, HEAD_DIM);
            dv = HeadsView.zeros(1, HEADS, N, HEAD_DIM);
            sparsity = BlockSparsity.of(AttentionBench.compile("causal", N));
            cfg = AttentionConfig.defaults(HEAD_DIM);
            mods = modification(modifier, rng);
            lse = runForward(this);
        }
    }

    /** The modification of a spec with random parameters, or null for {@code none}. */
    static ScoreModification modification(String spec, Rng rng) {
        if (spec.equals("none")) {
            return null;
        }
        ScoreModifier m = ScoreModifierRegistry.load().create(spec, new ScoreContext(HEADS));
        float[] theta = new float[m.parameterCount()];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = (float) rng.nextGaussian() * 0.1f;
        }
        return new ScoreModification(m, theta, 0);
    }

    static float[] runForward(Inputs in) {
        return in.mods == null ? FlashAttention.forward(in.q, in.k, in.v, in.out, in.sparsity, in.cfg)
                : FlashAttention.forward(in.q, in.k, in.v, in.out, in.sparsity, in.cfg, in.mods);
    }

    static Object runBackward(Inputs in) {
        if (in.mods == null) {
            FlashAttention.backward(in.q, in.k, in.v, in.out, in.lse, in.dOut, in.dq, in.dk, in.dv, in.sparsity, in.cfg);
            return in.dq.data();
        }
        return FlashAttention.backward(in.q, in.k, in.v, in.out, in.lse, in.dOut, in.dq, in.dk, in.dv, in.sparsity,
                in.cfg, in.mods);
    }

    /** The flash forward pass with the modifier fused. */
    @Benchmark
    public float[] forward(Inputs in) {
        return runForward(in);
    }

    /** The flash backward pass with the modifier fused (and its parameter gradient). */
    @Benchmark
    public Object backward(Inputs in) {
        return runBackward(in);
    }

    /** Same-run ratios by per-thread CPU time, one thread; see the class comment. */
    public static void main(String[] args) {
        Map<String, String> opts = ReportSupport.options(args, List.of("calls", "warmup"), "--calls=C --warmup=W");
        int calls = Integer.parseInt(opts.getOrDefault("calls", "40"));
        int warmup = Integer.parseInt(opts.getOrDefault("warmup", "10"));
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.println("Machine: " + ReportSupport.cpuModel() + "; JDK " + ReportSupport.jdk());
        System.out.println("ISA: " + ReportSupport.isa());
        System.out.println("Load average before: " + ReportSupport.loadAverage());
        Inputs[] inputs = new Inputs[MODIFIERS.length];
        for (int m = 0; m < MODIFIERS.length; m++) {
            inputs[m] = new Inputs();
            inputs[m].modifier = MODIFIERS[m];
            inputs[m].threads = 1;
            inputs[m].setUp();
        }
        // the variants take turns call by call, so load that comes and goes hits them alike; the
        // median CPU time per call of each variant is quoted
        double[][][] times = new double[2][MODIFIERS.length][calls];
        for (int pass = 0; pass < 2; pass++) {
            for (int c = -warmup; c < calls; c++) {
                for (int m = 0; m < MODIFIERS.length; m++) {
                    Inputs in = inputs[m];
                    long t0 = threads.getCurrentThreadCpuTime();
                    Object sink = pass == 0 ? runForward(in) : runBackward(in);
                    long t1 = threads.getCurrentThreadCpuTime();
                    if (c >= 0) {
                        times[pass][m][c] = (t1 - t0) / 1e6;
                    }
                    if (sink == null) {
                        throw new IllegalStateException("no result");
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%nN = %d, %d heads × %d, causal, 1 thread: median CPU ms per call over %d"
                + " interleaved calls (after %d of warm-up)%n", N, HEADS, HEAD_DIM, calls, warmup);
        System.out.printf(Locale.ROOT, "| modifier | forward ms | forward ratio | backward ms | backward ratio |%n"
                + "|---|---:|---:|---:|---:|%n");
        double f0 = median(times[0][0]);
        double b0 = median(times[1][0]);
        for (int m = 0; m < MODIFIERS.length; m++) {
            double f = median(times[0][m]);
            double b = median(times[1][m]);
            System.out.printf(Locale.ROOT, "| `%s` | %.2f | %.3f× | %.2f | %.3f× |%n", MODIFIERS[m], f, f / f0, b, b / b0);
        }
        System.out.println("Load average after: " + ReportSupport.loadAverage());
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
