package dev.visor.bench;

import dev.visor.tensor.Rng;
import dev.visor.tensor.kernel.Gemm;
import dev.visor.tensor.kernel.Parallel;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * float32 matmul through {@link Gemm#sgemm} / {@link Gemm#sgemmBatch}: square sizes 128…2048 and
 * the products of one Transformer layer with d_model 512, FFN 2048, 8 heads of 64 and 8 × 128 = 1024
 * tokens (weights stored (out, in) as in PyTorch, hence the transposed B), on 1 and 2 threads.
 * The secondary result {@code flop} is FLOP per second: divide by 1e9 for GFLOP/s, and by
 * {@link PeakFlopsBench}'s figure for the fraction of peak ({@link Roofline} does both).
 *
 * <p>How to run:
 * <pre>
 * mvn -B -q package -DskipTests -pl benchmarks -am
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar MatmulBench
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar MatmulBench -p shape=sq1024 -p threads=2
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class MatmulBench {

    /** See {@link Shape} for the notation. */
    @Param({
        "sq128", "sq256", "sq512", "sq1024", "sq2048",
        "mm_1024x2048x512_NN",       // the 1024×512 · 512×2048
        "qkv_1024x1536x512_NT",      // fused Q, K, V projection
        "proj_1024x512x512_NT",      // attention output projection
        "ffnUp_1024x2048x512_NT",    // feed-forward, first linear
        "ffnDown_1024x512x2048_NT",  // feed-forward, second linear
        "gradW_2048x512x1024_TN",    // weight gradient of ffnUp: dYᵀ · X
        "scores_64x128x128x64_NT",   // Q·Kᵀ for 8 sequences × 8 heads
        "pv_64x128x64x128_NN",       // P·V likewise
        "decode_1x2048x512_NT",      // one decoded token through ffnUp: bound by reading the weight
    })
    public String shape;

    /** Cores the kernel may use. */
    @Param({"1", "2"})
    public int threads;

    private Shape s;
    private float[] a;
    private float[] b;
    private float[] c;

    /** FLOP counter reported per second next to the primary score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flop {
        /** FLOP done in this iteration. */
        public double flop;

        /** Starts each iteration from zero. */
        @Setup(Level.Iteration)
        public void reset() {
            flop = 0;
        }
    }

    /** Random operands for the shape and the thread count for the kernel. */
    @Setup(Level.Trial)
    public void setUp() {
        s = Shape.parse(shape);
        Parallel.setThreads(threads);
        Rng rng = new Rng(42);
        a = gaussian(rng, s.batch() * s.m() * s.k());
        b = gaussian(rng, s.batch() * s.k() * s.n());
        c = new float[s.batch() * s.m() * s.n()];
    }

    /** {@code size} standard-normal floats: the operands of every matmul and attention benchmark. */
    static float[] gaussian(Rng rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        return x;
    }

    /** One product (or one batch of them), C overwritten. */
    @Benchmark
    public float[] sgemm(Flop counter) {
        int m = s.m();
        int n = s.n();
        int k = s.k();
        int lda = s.transA() ? m : k;
        int ldb = s.transB() ? k : n;
        if (s.batch() == 1) {
            Gemm.sgemm(s.transA(), s.transB(), m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, n);
        } else {
            Gemm.sgemmBatch(s.batch(), s.transA(), s.transB(), m, n, k, 1f,
                    a, 0, lda, m * k, b, 0, ldb, k * n, 0f, c, 0, n, m * n);
        }
        counter.flop += s.flop();
        return c;
    }
}
