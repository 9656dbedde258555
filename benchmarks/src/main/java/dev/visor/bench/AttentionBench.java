package dev.visor.bench;

import dev.visor.attention.Attention;
import dev.visor.attention.AttentionConfig;
import dev.visor.attention.BlockSparsity;
import dev.visor.attention.FlashAttention;
import dev.visor.attention.HeadsView;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Gemm;
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
 * Attention by mask: the block-sparse flash kernel at 8 heads × head dim 64 for sequence lengths
 * 512…4096 under {@code full} (dense), {@code causal}, {@code sliding_window(left=127)} and
 * {@code document} (8 equal documents), next to the matmul throughput of the same run, plus the
 * memory check: {@code sliding_window(left=255)} at 16 384 tokens, forward and backward through
 * autograd in a 1 GiB heap.
 *
 * <p>The useful work of a call is {@code 4·d} FLOP per attended (query, key) pair per head
 * ({@code 2d} for {@code q·k}, {@code 2d} for {@code p·v}; the softmax is not counted), i.e. what
 * a kernel that skipped every masked score exactly would need; {@link #usefulFlop} computes it.
 * {@link AttentionReport} turns the timings into GFLOP/s, % of matmul and speed-up over dense.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar AttentionBench.forward -p n=2048
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar dev.visor.bench.AttentionReport
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class AttentionBench {
    static final int HEADS = 8;
    static final int HEAD_DIM = 64;

    private static final MaskRegistry REGISTRY = MaskRegistry.load();

    /**
     * The benchmarked mask compiled by the mask module for one {@code (1, 8, n, n)} call in 64×64
     * blocks; {@code document} gets 8 equal documents.
     */
    static CompiledMask compile(String spec, int n) {
        MaskContext.Builder ctx = MaskContext.builder(1, HEADS, n, n);
        if (spec.contains("document")) {
            int[] segments = new int[n];
            for (int i = 0; i < n; i++) {
                segments[i] = i / (n / 8);
            }
            ctx.segmentIds(new int[][] {segments});
        }
        MaskContext context = ctx.build();
        return CompiledMask.compile(REGISTRY.create(spec, context), context.shape(), FlashAttention.DEFAULT_BLOCK,
                FlashAttention.DEFAULT_BLOCK);
    }

    /** {@code 4·d} FLOP per attended (query, key) pair per head: the work the mask leaves to do. */
    static double usefulFlop(String spec, int n) {
        CompiledMask cm = compile(spec, n);
        return 4.0 * HEAD_DIM * cm.elementDensity() * cm.shape().elements();
    }

    static HeadsView random(Rng rng, int n) {
        return HeadsView.contiguous(MatmulBench.gaussian(rng, HEADS * n * HEAD_DIM), 1, HEADS, n, HEAD_DIM);
    }

    /** One (mask, length) configuration with its inputs and output buffers. */
    @State(Scope.Benchmark)
    public static class Inputs {
        @Param({"512", "1024", "2048", "4096"})
        public int n;

        @Param({"full", "causal", "sliding_window(left=127)", "document"})
        public String mask;

        HeadsView q, k, v, out, dOut, dq, dk, dv;
        BlockSparsity sparsity;
        AttentionConfig cfg;
        float[] lse;

        @Setup
        public void setUp() {
            Rng rng = new Rng(1);
            q = random(rng, n);
            k = random(rng, n);
            v = random(rng, n);
            dOut = random(rng, n);
            out = HeadsView.zeros(1, HEADS, n, HEAD_DIM);
            dq = HeadsView.zeros(1, HEADS, n, HEAD_DIM);
            dk = HeadsView.zeros(1, HEADS, n, HEAD_DIM);
            dv = HeadsView.zeros(1, HEADS, n, HEAD_DIM);
            sparsity = BlockSparsity.of(compile(mask, n));
            cfg = AttentionConfig.defaults(HEAD_DIM);
            lse = FlashAttention.forward(q, k, v, out, sparsity, cfg);
        }
    }

    /** The flash forward pass. */
    @Benchmark
    public float[] forward(Inputs in) {
        return FlashAttention.forward(in.q, in.k, in.v, in.out, in.sparsity, in.cfg);
    }

    /** The flash backward pass alone (recomputing the weights from the log-sum-exp). */
    @Benchmark
    public float[] backward(Inputs in) {
        FlashAttention.backward(in.q, in.k, in.v, in.out, in.lse, in.dOut, in.dq, in.dk, in.dv, in.sparsity, in.cfg);
        return in.dq.data();
    }

    /** Square single-precision matmul through {@code Gemm.sgemm}: the throughput attention is compared with. */
    @State(Scope.Benchmark)
    public static class GemmInputs {
        @Param({"1024"})
        public int size;

        float[] a, b, c;

        @Setup
        public void setUp() {
            Rng rng = new Rng(2);
            a = new float[size * size];
            b = new float[size * size];
            c = new float[size * size];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) rng.nextGaussian();
                b[i] = (float) rng.nextGaussian();
            }
        }
    }

    /** {@code C = A·B}, {@code 2·size³} FLOP. */
    @Benchmark
    public float[] matmul(GemmInputs g) {
        Gemm.sgemm(false, false, g.size, g.size, g.size, 1f, g.a, 0, g.size, g.b, 0, g.size, 0f, g.c, 0, g.size);
        return g.c;
    }

    /** 16 384 tokens under {@code sliding_window(left=255)}, as autograd tensors. */
    @State(Scope.Benchmark)
    public static class LongWindow {
        static final int N = 16_384;
        Tensor q, k, v, seed;
        BlockSparsity sparsity;

        @Setup
        public void setUp() {
            Rng rng = new Rng(3);
            q = Tensor.randn(rng, 1, HEADS, N, HEAD_DIM).requiresGrad(true);
            k = Tensor.randn(rng, 1, HEADS, N, HEAD_DIM).requiresGrad(true);
            v = Tensor.randn(rng, 1, HEADS, N, HEAD_DIM).requiresGrad(true);
            seed = Tensor.randn(rng, 1, HEADS, N, HEAD_DIM);
            sparsity = BlockSparsity.of(compile("sliding_window(left=255)", N));
        }
    }

    /** Forward and backward at 16 384 tokens in a 1 GiB heap: the score matrix alone would need 8 GiB. */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx1g"})
    @Warmup(iterations = 1, time = 1)
    @Measurement(iterations = 3, time = 1)
    public Tensor longWindowForwardBackward(LongWindow s) {
        s.q.zeroGrad();
        s.k.zeroGrad();
        s.v.zeroGrad();
        Tensor out = Attention.flash(s.q, s.k, s.v, s.sparsity, AttentionConfig.defaults(HEAD_DIM));
        out.backward(s.seed);
        return s.q.grad();
    }
}
