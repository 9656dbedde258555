package dev.visor.bench;

import dev.visor.tensor.Rng;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.tensor.optim.AdamW;
import dev.visor.tensor.optim.Gradients;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import dev.visor.transformer.Transformers;
import dev.visor.transformer.TokenBatch;
import dev.visor.transformer.train.Batch;
import dev.visor.transformer.train.GradientStep;
import dev.visor.transformer.train.StepParallelism;
import dev.visor.transformer.train.SyntheticTasks;
import java.util.List;
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
 * One training step of the demo's model ({@code visor train seq2seq --task reverse}: d_model 64,
 * 4 heads, 2 + 2 layers, d_ff 256) with dropout 0.1 (residual, feed-forward and attention, as {@code nn.Transformer}), on batches of 64 reversal examples of lengths
 * 3–10 over 10 symbols: forward, cross-entropy summed over the target tokens and divided by their
 * count, backward, gradient clipping to norm 1 and AdamW (lr 0.003, no weight decay: the CLI's defaults) — what {@code Trainer} does per
 * step. The batches are made in the set-up (a pool cycled through), so data generation is not timed.
 *
 * <p>The forward and backward part is the trainer's {@link GradientStep}, so {@code parallelism}
 * ({@code auto}, {@code data}, {@code intra-op}) chooses between data-parallel shards and intra-op
 * splitting as {@code visor train --step-parallelism} does. {@link #baseStep} trains the base-size model
 * ({@code TransformerBench}'s: d_model 512, 8 heads, 6 + 6 layers, FFN 2048, 8 × 128 tokens) the same way.
 *
 * <p>JMH's score is steps per second; the auxiliary counter {@code tokens} is target tokens per
 * second, the figure {@code benchmarks/python/train_step_torch.py} prints for PyTorch
 * ({@code benchmarks/python/compare_train_step.sh} runs both and prints the bar table).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar TrainStepBench.trainStep -p threads=1,2
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar TrainStepBench.baseStep -p threads=2 -p parallelism=data,intra-op
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class TrainStepBench {
    static final int SYMBOLS = 10;
    static final int BATCH = 64;
    static final int MIN_LENGTH = 3;
    static final int MAX_LENGTH = 10;
    static final int POOL = 32;

    /** The demo's model in training mode, its optimizer and a pool of batches. */
    @State(Scope.Benchmark)
    public static class Step {
        /** Kernel threads. */
        @Param({"1", "2"})
        public int threads;

        /** Dropout of the model (the bar is measured with 0.1). */
        @Param("0.1")
        public double dropout;

        /** How the step uses the threads: {@code auto}, {@code data} or {@code intra-op} ({@link StepParallelism#parse}). */
        @Param("auto")
        public String parallelism;

        EncoderDecoderTransformer model;
        AdamW optimizer;
        GradientStep gradients;
        Batch[] batches;
        int[] counts;
        int next;
        long steps;

        /** Builds the model, the optimizer and the batches. */
        @Setup(Level.Trial)
        public void setUp() {
            Parallel.setThreads(threads);
            int vocab = SyntheticTasks.FIRST_TOKEN + SYMBOLS;
            model = Transformers.encoderDecoder(demoModel(vocab, dropout));
            model.train();
            optimizer = new AdamW(model.namedParameters(), AdamW.options(0.003).withWeightDecay(0.0));
            gradients = new GradientStep(model, StepParallelism.parse(parallelism), 7);
            SyntheticTasks task = SyntheticTasks.reverse(vocab, MIN_LENGTH, MAX_LENGTH);
            TransformerConfig c = model.config();
            Rng rng = new Rng(7);
            batches = new Batch[POOL];
            counts = new int[POOL];
            for (int i = 0; i < POOL; i++) {
                batches[i] = task.batches(BATCH, c.bosId(), c.eosId(), c.padId()).next(rng);
                counts[i] = batches[i].targetCount(c.padId());
            }
        }
    }

    /** Target tokens per second, next to JMH's steps per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Tokens {
        /** Target tokens trained on (JMH reports them per second). */
        public long tokens;
    }

    /** The demo's model: the CLI's defaults ({@code Seq2SeqRun.defaultModel}) with the given dropout. */
    static TransformerConfig demoModel(int vocab, double dropout) {
        return TransformerConfig.tiny(vocab).toBuilder().dModel(64).heads(4).kvHeads(4).layers(2).dFF(256)
                .dropout(dropout).attentionDropout(dropout).maxLength(32).build();
    }

    /** One optimizer step on the next batch of the pool. */
    @Benchmark
    public double trainStep(Step s, Tokens t) {
        int i = s.next;
        s.next = (i + 1) % POOL;
        Batch b = s.batches[i];
        return step(s.model, s.optimizer, s.gradients, b, s.counts[i], ++s.steps, t);
    }

    /** Zeroes the gradients, runs forward and backward ({@link GradientStep}), clips to norm 1 and steps the optimizer. */
    static double step(TransformerModel model, AdamW optimizer, GradientStep gradients, Batch b, int count, long step, Tokens t) {
        optimizer.zeroGrad();
        double value = gradients.run(List.of(b), count, 0.0, step).loss();
        double norm = Gradients.clipGradNorm(model.parameters(), 1.0);
        optimizer.step();
        t.tokens += count;
        return value + norm;
    }

    /**
     * {@code TransformerBench}'s base model (d_model 512, 8 heads, 6 + 6 layers, FFN 2048, dropout 0.1,
     * vocabulary 8000) in training mode, and one batch of 8 rows of 128 source and 128 target tokens
     * (valid lengths 128, 120, ..., 72).
     */
    @State(Scope.Benchmark)
    public static class Base {
        /** Kernel threads. */
        @Param({"1", "2"})
        public int threads;

        /** How the step uses the threads. */
        @Param("auto")
        public String parallelism;

        /**
         * The rows' valid lengths: {@code spread} (the bar's batch: 128, 120, ..., 72) or {@code full} (every
         * row 128 long, no padding: what a step gains by skipping padded work shows as the difference).
         */
        @Param("spread")
        public String lengths = "spread";

        EncoderDecoderTransformer model;
        AdamW optimizer;
        GradientStep gradients;
        Batch batch;
        int count;
        long steps;

        /** Builds the model, the optimizer and the batch. */
        @Setup(Level.Trial)
        public void setUp() {
            Parallel.setThreads(threads);
            model = Transformers.encoderDecoder(TransformerConfig.base(BASE_VOCAB, BASE_VOCAB));
            model.train();
            optimizer = new AdamW(model.namedParameters(), AdamW.options(1e-4).withWeightDecay(0.0));
            gradients = new GradientStep(model, StepParallelism.parse(parallelism), 7);
            Rng rng = new Rng(2);
            boolean full = switch (lengths) {
                case "spread" -> false;
                case "full" -> true;
                default -> throw new IllegalArgumentException("lengths '" + lengths + "': expected spread or full");
            };
            TokenBatch src = full ? unpadded(rng, false) : TransformerBench.batch(rng, BASE_VOCAB, false);
            TokenBatch tgt = full ? unpadded(rng, true) : TransformerBench.batch(rng, BASE_VOCAB, true);
            int length = tgt.length();
            int[] targets = new int[tgt.batch() * length];
            for (int b = 0; b < tgt.batch(); b++) {
                for (int i = 0; i + 1 < tgt.validLengths()[b]; i++) {
                    targets[b * length + i] = tgt.id(b, i + 1);
                }
            }
            batch = new Batch(src, tgt, targets);
            count = batch.targetCount(0);
        }
    }

    static final int BASE_VOCAB = 8000;

    /** {@link TransformerBench#batch}'s ids, every row {@link TransformerBench#LENGTH} long. */
    static TokenBatch unpadded(Rng rng, boolean startWithBos) {
        int[][] rows = new int[TransformerBench.BATCH][TransformerBench.LENGTH];
        for (int[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                row[i] = 3 + rng.nextInt(BASE_VOCAB - 3);
            }
            if (startWithBos) {
                row[0] = 1;
            }
        }
        return TokenBatch.of(rows, 0);
    }

    /** One optimizer step of the base model on its batch (the target tokens are the valid ones but the last of each row). */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx6g"})
    @Warmup(iterations = 2, time = 10)
    @Measurement(iterations = 3, time = 10)
    public double baseStep(Base s, Tokens t) {
        return step(s.model, s.optimizer, s.gradients, s.batch, s.count, ++s.steps, t);
    }
}
