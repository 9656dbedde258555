package dev.visor.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dev.visor.attention.Attention;
import dev.visor.attention.AttentionConfig;
import dev.visor.attention.BlockSparsity;
import dev.visor.mask.CompiledMask;
import dev.visor.tensor.GradMode;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Masked attention forward, Visor against DJL/PyTorch: batch 1, 8 heads, head dim 64, N = 512…4096,
 * under {@code full}, {@code causal} and {@code sliding_window(left=127)}, on the same q, k, v
 * (seed 1, as {@link AttentionBench}).
 * <ul>
 *   <li>{@link #visor}: {@code Attention.flash(q, k, v, mask, cfg)}, the block-sparse flash kernel,
 *       with the mask compiled once (as a model does through its mask cache);</li>
 *   <li>{@link #djl}: {@link DjlAttention#attend} — scale, matmul, add the {@code (N, N)} additive
 *       mask built once, softmax, matmul — with no mask added for {@code full}.</li>
 * </ul>
 *
 * <pre>
 * mvn -B -q -Ppeers -pl benchmarks -am package -DskipTests
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar PeerAttentionBench -p n=2048 -p mask=causal
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class PeerAttentionBench {

    /** One (mask, length, threads) configuration and its inputs as floats. */
    @State(Scope.Benchmark)
    public static class Inputs {
        /** Sequence length (queries = keys). */
        @Param({"512", "1024", "2048", "4096"})
        public int n;

        /** A mask spec of the registry. */
        @Param({"full", "causal", "sliding_window(left=127)"})
        public String mask;

        /** Threads both libraries may use. */
        @Param({"1", "2"})
        public int threads;

        float[] q;
        float[] k;
        float[] v;
        CompiledMask compiled;

        /** Draws q, k, v and compiles the mask. */
        @Setup(Level.Trial)
        public void setUp() {
            Rng rng = new Rng(1);
            int size = AttentionBench.HEADS * n * AttentionBench.HEAD_DIM;
            q = MatmulBench.gaussian(rng, size);
            k = MatmulBench.gaussian(rng, size);
            v = MatmulBench.gaussian(rng, size);
            compiled = AttentionBench.compile(mask, n);
        }

        int[] shape() {
            return new int[] {1, AttentionBench.HEADS, n, AttentionBench.HEAD_DIM};
        }
    }

    /** Visor tensors and the block sparsity of the compiled mask. */
    @State(Scope.Benchmark)
    public static class VisorInputs {
        Tensor q;
        Tensor k;
        Tensor v;
        BlockSparsity sparsity;
        AttentionConfig cfg;

        /** Wraps the shared floats. */
        @Setup(Level.Trial)
        public void setUp(Inputs in) {
            Peers.visorThreads(in.threads);
            q = Tensor.of(in.q, in.shape());
            k = Tensor.of(in.k, in.shape());
            v = Tensor.of(in.v, in.shape());
            sparsity = BlockSparsity.of(in.compiled);
            cfg = AttentionConfig.defaults(AttentionBench.HEAD_DIM);
        }
    }

    /** PyTorch arrays through DJL and the additive mask. */
    @State(Scope.Benchmark)
    public static class DjlInputs {
        NDManager manager;
        NDArray q;
        NDArray k;
        NDArray v;
        NDArray mask;

        /** Loads PyTorch on {@code threads} threads, copies q, k, v in and builds the mask. */
        @Setup(Level.Trial)
        public void setUp(Inputs in) {
            manager = Peers.djl(in.threads);
            ai.djl.ndarray.types.Shape shape = new ai.djl.ndarray.types.Shape(PeerMatmulBench.toLong(in.shape()));
            q = manager.create(in.q, shape);
            k = manager.create(in.k, shape);
            v = manager.create(in.v, shape);
            mask = "full".equals(in.mask) ? null : DjlAttention.additiveMask(manager, in.compiled.mask(), in.n, in.n);
        }

        /** Frees the native memory. */
        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    /** Visor's block-sparse flash attention. */
    @Benchmark
    public Tensor visor(VisorInputs in) {
        try (GradMode.Scope ignored = GradMode.disable()) {
            return Attention.flash(in.q, in.k, in.v, in.sparsity, in.cfg);
        }
    }

    /** DJL/PyTorch: matmul, additive mask, softmax, matmul. */
    @Benchmark
    public void djl(DjlInputs in, Blackhole bh) {
        try (NDScope ignored = new NDScope()) {
            bh.consume(DjlAttention.attend(in.q, in.k, in.v, in.mask));
        }
    }
}
