package dev.visor.transformer.train;

import dev.visor.tensor.GradientCapture;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.transformer.MaskPlan;
import dev.visor.transformer.ScorePlan;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import java.util.List;
import java.util.Objects;

/**
 * The forward and backward part of a training step: adds to the model's parameter gradients the
 * gradient of {@code Σ_micro loss_sum(micro) / total}, the loss per target token over all
 * micro-batches, either with one graph per micro-batch whose ops split across the kernel threads
 * ({@link StepParallelism#INTRA_OP}), or with each micro-batch split by rows into one shard per kernel
 * thread ({@link StepParallelism#DATA_PARALLEL}).
 *
 * <p>In the data-parallel mode each shard runs on a kernel thread, whose ops then run on that thread
 * alone ({@link Parallel#forRange} runs nested loops inline). For the built-in models with the default
 * mask and score plans ({@link #lengthGrouped}) the shards hold rows of similar length, each shard cut
 * to its own longest row ({@link ShardPlan}, {@link Batch#trimmed}): the shards' padded work is balanced
 * and smaller than the whole batch's. Other models take contiguous runs of rows at the batch's padded
 * length. Each shard's backward pass adds to a
 * {@link GradientCapture} of its own, and the captures are added to the parameters' gradients shard by
 * shard in order, so the result depends on the thread count but not on thread timing. Each shard's
 * loss is its sum divided by the step's total target count, so the shards add up to the full batch's
 * loss (the mean over all target tokens, not a mean of shard means). Dropout draws from streams
 * derived from the step, micro-batch and shard ({@link Rng#deriveStreams}): reproducible for a given
 * seed and thread count (the shards' rows depend only on the rows' lengths), but not the masks the
 * intra-op mode draws.
 */
public final class GradientStep {
    private final TransformerModel model;
    private final StepParallelism mode;
    private final long seed;
    private final boolean byLength;
    private final int pad;

    /**
     * The forward and backward passes of {@code model}'s steps under {@code mode}.
     *
     * @param model the model whose loss is differentiated; its modules must not share mutable state
     *        across calls beyond their generators (true of every built-in module)
     * @param mode how to use the kernel threads; {@link StepParallelism#AUTO} is resolved per micro-batch
     *        (after the {@value StepParallelism#PROPERTY} system property), and takes data parallelism only
     *        for the built-in model classes
     * @param seed mixed into the dropout streams of data-parallel shards
     */
    public GradientStep(TransformerModel model, StepParallelism mode, long seed) {
        this.model = Objects.requireNonNull(model, "model");
        this.mode = Objects.requireNonNull(mode, "mode").withOverride();
        this.seed = seed;
        this.byLength = lengthGrouped(model);
        this.pad = model.config().padId();
    }

    /**
     * What a step's forward passes gave.
     *
     * @param loss the summed loss {@code Σ loss_sum / total}: the loss per target token (NaN when there were none)
     * @param correct the number of non-pad targets whose argmax prediction was right
     */
    public record Result(double loss, long correct) {}

    /**
     * Whether {@link StepParallelism#AUTO} splits a batch of this model by rows: with more than one
     * kernel thread, at least two rows, and a model small enough that its per-op work is comparable to
     * a thread hand-off ({@code d_model ≤ 256}).
     *
     * @param config the model's configuration
     * @param rows the micro-batch's row count
     * @return true for data parallelism
     */
    public static boolean prefersDataParallel(TransformerConfig config, int rows) {
        return Parallel.threads() > 1 && rows > 1 && config.dModel() <= 256;
    }

    /**
     * Whether {@code model} is one of the built-in model classes (package {@code dev.visor.transformer}),
     * whose modules are known to run on several threads at once; {@link StepParallelism#AUTO} leaves a
     * model class of your own on the intra-op path unless data parallelism is asked for.
     *
     * @param model the model being trained
     * @return true for a built-in model class
     */
    private static boolean builtIn(TransformerModel model) {
        return model.getClass().getPackageName().equals(TransformerModel.class.getPackageName());
    }

    /**
     * The shards a micro-batch of {@code rows} rows is split into under this step's mode: 1 for the
     * intra-op mode, otherwise {@code min(threads, rows)}.
     *
     * @param rows the micro-batch's row count, at least 1
     * @return the shard count, at least 1
     */
    public int shards(int rows) {
        boolean data = switch (mode) {
            case DATA_PARALLEL -> true;
            case INTRA_OP -> false;
            case AUTO -> builtIn(model) && prefersDataParallel(model.config(), rows);
        };
        return data ? Math.max(1, Math.min(Parallel.threads(), rows)) : 1;
    }

    /**
     * Adds to every parameter's gradient the gradient of {@code Σ_micro loss_sum(micro) / total}.
     *
     * @param micro the micro-batches of the step, at least one
     * @param total the target count over all of them (not pad); 0 gives a NaN loss and no gradient
     * @param labelSmoothing ε_ls of the cross-entropy, in [0, 1)
     * @param step the step number, mixed into the shards' dropout streams
     * @return the loss per target token and the count of right predictions
     */
    public Result run(List<Batch> micro, int total, double labelSmoothing, long step) {
        if (total == 0) {
            return new Result(Double.NaN, 0);
        }
        double loss = 0;
        long correct = 0;
        for (int m = 0; m < micro.size(); m++) {
            Batch b = micro.get(m);
            int rows = b.input().batch();
            int k = shards(rows);
            if (k == 1) {
                double[] r = lossAndBackward(b, total, labelSmoothing);
                loss += r[0];
                correct += (long) r[1];
                continue;
            }
            double[][] results = new double[k][];
            GradientCapture[] captures = new GradientCapture[k];
            RuntimeException[] failures = new RuntimeException[k];
            long microSeed = Rng.mixSeeds(seed, step, m);
            int[][] plan = byLength ? lengthPlan(b, k) : null;
            Parallel.forRange(k, 1, (from, to) -> {
                for (int s = from; s < to; s++) {
                    Batch shard = plan != null ? b.pick(plan[s]).trimmed(pad)
                            : b.rows((int) ((long) rows * s / k), (int) ((long) rows * (s + 1) / k));
                    try (Rng.Scope streams = Rng.deriveStreams(Rng.mixSeeds(microSeed, s, 0));
                            GradientCapture capture = GradientCapture.begin()) {
                        captures[s] = capture;
                        results[s] = lossAndBackward(shard, total, labelSmoothing);
                    } catch (RuntimeException e) {
                        failures[s] = e; // rethrown below in shard order, so a failing batch reports the same shard whichever thread ran it
                    }
                }
            });
            for (RuntimeException e : failures) {
                if (e != null) {
                    throw e;
                }
            }
            for (int s = 0; s < k; s++) {
                loss += results[s][0];
                correct += (long) results[s][1];
            }
            GradientCapture.drainAll(List.of(captures), model.parameters());   // shard by shard per element, split by parameter
        }
        return new Result(loss, correct);
    }

    /** The rows of each of {@code k} shards grouped by length ({@link ShardPlan}). */
    private int[][] lengthPlan(Batch b, int k) {
        int[] spans = b.inputSpans(pad);
        int[] sources = b.source() == null ? new int[spans.length] : b.source().validLengths();
        return ShardPlan.assign(sources, spans, k, model.config().dModel());
    }

    /**
     * Whether shards of {@code model}'s batches may be cut to their own longest row: for the built-in
     * model classes with the default mask and score plans, whose attention masks padded keys at every
     * site, so that no real position sees how far a row was padded. A mask of one's own may read the
     * padded length (and a model class of one's own may mix positions otherwise), so those keep the row split.
     *
     * @param model the model being trained
     * @return true when shards are grouped by length and cut
     */
    static boolean lengthGrouped(TransformerModel model) {
        TransformerConfig c = model.config();
        return builtIn(model) && c.masks().equals(MaskPlan.defaults()) && c.scores().equals(ScorePlan.defaults());
    }

    private double[] lossAndBackward(Batch b, int total, double labelSmoothing) {
        int[] targets = b.targets();
        TransformerModel.Loss out = model.loss(b.source(), b.input(), targets, labelSmoothing);
        Tensor l = out.sum().div(total);
        double value = l.item();
        long right = correct(out.logits(), targets, model.config().padId());
        l.backward();
        return new double[] {value, right};
    }

    private static long correct(Tensor logits, int[] targets, int pad) {
        int[] predicted = Trainer.argmax(logits);
        if (predicted.length != targets.length) {
            throw new IllegalArgumentException("the model gave logits for " + predicted.length + " positions but the batch has "
                    + targets.length + " targets");
        }
        long n = 0;
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] != pad && predicted[i] == targets[i]) {
                n++;
            }
        }
        return n;
    }
}
