package dev.visor.bench;

import dev.visor.tensor.GradMode;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.tensor.nn.Functional;
import dev.visor.tensor.nn.Reduction;
import dev.visor.tensor.optim.AdamW;
import dev.visor.tensor.optim.Gradients;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TokenBatch;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.Transformers;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End-to-end Transformer throughput in target tokens per second, on a batch of 8 sequences of 128
 * source and 128 target tokens (1 024 target tokens per call; JMH's ops/s are tokens/s):
 * <ul>
 *   <li>{@link #baseForward}: the base model of "Attention Is All You Need" (d_model 512, 8 heads,
 *       6 + 6 layers, FFN 2048) in evaluation mode without autograd — embeddings, encoder, decoder
 *       (causal and padding masks), no generator: the work {@code torch.nn.Transformer}'s forward
 *       does, so the figure compares with PyTorch's (see {@code transformer/src/test/python/torch_transformer_speed.py});</li>
 *   <li>{@link #baseForwardLogits}: the same plus the generator over a {@code vocab}-word vocabulary;</li>
 *   <li>{@link #smallTrainStep}: one training step of {@code small} (d_model 256, 4 heads, 3 + 3 layers,
 *       FFN 1024, dropout 0.1): forward, label-smoothed cross-entropy, backward, clipping and AdamW.</li>
 * </ul>
 * The source rows have valid lengths 128, 120, ..., 72 (padding masked), the targets likewise.
 *
 * <pre>
 * mvn -B -q -pl benchmarks -am package -DskipTests
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar TransformerBench
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar TransformerBench.baseForward -p threads=1
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class TransformerBench {
    static final int BATCH = 8;
    static final int LENGTH = 128;
    static final int TOKENS = BATCH * LENGTH;

    /** Rows of {@code LENGTH} random ids with valid lengths 128, 120, ... (8 fewer per row). */
    static TokenBatch batch(Rng rng, int vocab, boolean startWithBos) {
        int[][] rows = new int[BATCH][];
        for (int b = 0; b < BATCH; b++) {
            rows[b] = new int[LENGTH - 8 * b];
            for (int i = 0; i < rows[b].length; i++) {
                rows[b][i] = 3 + rng.nextInt(vocab - 3);
            }
            if (startWithBos) {
                rows[b][0] = 1;
            }
        }
        TokenBatch t = TokenBatch.of(rows, 0);
        return t;
    }

    /** The base model in evaluation mode. */
    @State(Scope.Benchmark)
    public static class Base {
        /** Generator vocabulary. */
        @Param("8000")
        public int vocab;

        /** Kernel threads (0: all cores). */
        @Param("0")
        public int threads;

        EncoderDecoderTransformer model;
        TokenBatch src;
        TokenBatch tgt;

        /** Builds the model and the batch. */
        @Setup(Level.Trial)
        public void setUp() {
            if (threads > 0) {
                Parallel.setThreads(threads);
            }
            model = Transformers.encoderDecoder(TransformerConfig.base(vocab, vocab));
            model.eval();
            Rng rng = new Rng(1);
            src = batch(rng, vocab, false);
            tgt = batch(rng, vocab, true);
        }
    }

    /** The small model in training mode with its optimizer. */
    @State(Scope.Benchmark)
    public static class Small {
        /** Vocabulary. */
        @Param("8000")
        public int vocab;

        /** Kernel threads (0: all cores). */
        @Param("0")
        public int threads;

        EncoderDecoderTransformer model;
        AdamW optimizer;
        TokenBatch src;
        TokenBatch tgt;
        int[] targets;

        /** Builds the model, the optimizer and the batch. */
        @Setup(Level.Trial)
        public void setUp() {
            if (threads > 0) {
                Parallel.setThreads(threads);
            }
            model = Transformers.encoderDecoder(TransformerConfig.small(vocab));
            model.train();
            optimizer = new AdamW(model.namedParameters(), AdamW.options(1e-4).withBetas(0.9, 0.98).withEps(1e-9));
            Rng rng = new Rng(2);
            src = batch(rng, vocab, false);
            tgt = batch(rng, vocab, true);
            targets = new int[TOKENS];
            for (int b = 0; b < BATCH; b++) {
                for (int i = 0; i + 1 < LENGTH; i++) {
                    targets[b * LENGTH + i] = tgt.id(b, i + 1);
                }
            }
        }
    }

    /** Encoder and decoder of the base model: {@code torch.nn.Transformer}'s forward. */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public Tensor baseForward(Base s) {
        try (GradMode.Scope ignored = GradMode.disable()) {
            return s.model.decode(s.model.encode(s.src), s.src, s.tgt);
        }
    }

    /** The base model's forward pass to logits. */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public Tensor baseForwardLogits(Base s) {
        try (GradMode.Scope ignored = GradMode.disable()) {
            return s.model.forward(s.src, s.tgt);
        }
    }

    /** One training step of the small model. */
    @Benchmark
    @OperationsPerInvocation(TOKENS)
    public double smallTrainStep(Small s) {
        s.optimizer.zeroGrad();
        Tensor logits = s.model.forward(s.src, s.tgt);
        Tensor loss = Functional.crossEntropy(logits, s.targets, 0, 0.1, Reduction.MEAN);
        loss.backward();
        double norm = Gradients.clipGradNorm(s.model.parameters(), 1.0);
        s.optimizer.step();
        return loss.item() + norm;
    }
}
