package dev.visor.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dev.visor.attention.MaskCompiler;
import dev.visor.attention.MaskInputs;
import dev.visor.attention.MultiHeadAttention;
import dev.visor.mask.CompiledMask;
import dev.visor.tensor.GradMode;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.transformer.AttentionKernel;
import dev.visor.transformer.EncoderLayer;
import dev.visor.transformer.MultiHeadAttentionLayer;
import dev.visor.transformer.PositionwiseFeedForward;
import dev.visor.transformer.Residual;
import dev.visor.transformer.TransformerConfig;
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
 * One Transformer encoder layer forward in evaluation mode — {@code torch.nn.TransformerEncoderLayer}'s
 * defaults: d_model 512, 8 heads, FFN 2048, ReLU, post-norm, ε = 1e-5 — on 8 sequences of 128
 * tokens without a mask, Visor's {@code EncoderLayer} against the same layer built from DJL's blocks
 * ({@link DjlEncoderLayer}) with the same weights and input. The report turns times into tokens/s.
 *
 * <pre>
 * mvn -B -q -Ppeers -pl benchmarks -am package -DskipTests
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar PeerLayerBench
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class PeerLayerBench {
    static final int D_MODEL = 512;
    static final int HEADS = 8;
    static final int D_FF = 2048;
    static final int BATCH = 8;
    static final int LENGTH = 128;

    /** A Visor encoder layer with {@code torch.nn.TransformerEncoderLayer}'s defaults, in evaluation mode. */
    static EncoderLayer visorLayer(Rng rng) {
        MultiHeadAttention mha = MultiHeadAttention.builder(D_MODEL, HEADS).dropout(0.1).build(rng);
        EncoderLayer layer = new EncoderLayer(new MultiHeadAttentionLayer(mha, AttentionKernel.FLASH),
                new PositionwiseFeedForward(D_MODEL, D_FF, TransformerConfig.Activation.RELU, 0.1, rng), D_MODEL, 0.1,
                Residual.POST_NORM, rng);
        layer.eval();
        return layer;
    }

    /** The layer's weights, its input and the thread count. */
    @State(Scope.Benchmark)
    public static class Layer {
        /** Threads both libraries may use. */
        @Param({"1", "2"})
        public int threads;

        EncoderLayer visor;
        float[] x;

        /** Builds the Visor layer (seed 7) and draws the input (seed 8). */
        @Setup(Level.Trial)
        public void setUp() {
            visor = visorLayer(new Rng(7));
            x = MatmulBench.gaussian(new Rng(8), BATCH * LENGTH * D_MODEL);
        }
    }

    /** The input as a Visor tensor. */
    @State(Scope.Benchmark)
    public static class VisorInput {
        Tensor x;
        CompiledMask full;

        /** Wraps the input and sets the threads. */
        @Setup(Level.Trial)
        public void setUp(Layer layer) {
            Peers.visorThreads(layer.threads);
            x = Tensor.of(layer.x, BATCH, LENGTH, D_MODEL);
            MaskCompiler masks = MaskCompiler.load();
            full = masks.compile(masks.resolve("full"), MaskInputs.none().context(BATCH, HEADS, LENGTH, LENGTH, 0));
        }
    }

    /** The DJL layer with the Visor layer's weights, and the input as a PyTorch array. */
    @State(Scope.Benchmark)
    public static class DjlLayer {
        NDManager manager;
        DjlEncoderLayer block;
        ParameterStore store;
        NDArray x;

        /** Loads PyTorch on {@code threads} threads, builds the block and copies weights and input in. */
        @Setup(Level.Trial)
        public void setUp(Layer layer) {
            manager = Peers.djl(layer.threads);
            x = manager.create(layer.x, new ai.djl.ndarray.types.Shape(BATCH, LENGTH, D_MODEL));
            block = new DjlEncoderLayer(D_MODEL, HEADS, D_FF);
            block.initialize(manager, DataType.FLOAT32, x.getShape());
            block.copyFrom(layer.visor.namedParameters());
            store = new ParameterStore(manager, false);
        }

        /** Frees the native memory. */
        @TearDown(Level.Trial)
        public void tearDown() {
            manager.close();
        }
    }

    /** Visor: {@code layer.forward(x, full)} without autograd (the mask compiled once, as a model does). */
    @Benchmark
    public Tensor visor(Layer layer, VisorInput in) {
        try (GradMode.Scope ignored = GradMode.disable()) {
            return layer.visor.forward(in.x, in.full);
        }
    }

    /** DJL/PyTorch: the block's inference forward. */
    @Benchmark
    public void djl(DjlLayer d, Blackhole bh) {
        try (NDScope ignored = new NDScope()) {
            bh.consume(d.block.forward(d.store, new NDList(d.x), false));
        }
    }
}
