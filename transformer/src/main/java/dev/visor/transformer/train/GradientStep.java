package dev.visor.transformer.train;

import dev.visor.tensor.GradientCapture;
import dev.visor.tensor.LeafGradients;
import dev.visor.tensor.Rng;
import dev.visor.tensor.StepArena;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.KernelProperties;
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
 * seed and thread count (the shards' rows depend only on the rows' lengths).
 *
 * <p>A micro-batch that is not split across threads (one kernel thread, or the intra-op mode) runs as
 * length groups one after the other, each cut to its own longest row, when that saves at least
 * {@value LengthGroups#MIN_SAVING_PERCENT} % of the padded work ({@link LengthGroups}, {@value #GROUPS_PROPERTY}).
 * A small model's ({@code d_model ≤} {@value #SMALL_WIDTH}) groups are its 2-thread shards: on the
 * demo's batches 2 groups of about 568 + 556 padded positions instead of 1 344, so the 1-thread and the
 * 2-thread steps do the same work, draw the same dropout masks and give the same bits, and their ratio
 * is the threads' scaling alone. A wider model (whose steps never run data-parallel shards) takes the
 * groups of the least summed work, up to {@value LengthGroups#MAX_GROUPS}, their backward passes adding straight
 * into the parameters' gradients, linear weights inside the product ({@link LeafGradients}): the
 * base-size bench's rows (128, 120, …, 72) run as 4 groups of two rows each, 21 % less work than the
 * whole batch (docs/DESIGN.md, "Length groups at every width"). Otherwise (other models,
 * batches of even lengths) the whole batch is one graph, drawing dropout from the model's own generators.
 *
 * <p>Each piece's passes take their arrays from an arena of this step ({@link StepArena}: the caller's, or
 * a shard's own), so a step reuses the last step's arrays; keep one {@code GradientStep} per training loop
 * for that, and zero the gradients before each {@link #run} as usual. {@value #ARENA_PROPERTY}{@code =false}
 * allocates them anew.
 */
public final class GradientStep {
    private final TransformerModel model;
    private final StepParallelism mode;
    private final long seed;
    private final boolean byLength;
    private final int pad;
    private final int grouping;
    // the arrays of the steps' forward and backward passes, reused step to step: [0] for the caller's
    // pieces, [s] for data-parallel shard s (on whichever thread runs it); see StepArena
    private StepArena[] arenas = new StepArena[0];
    private boolean pooled;
    private boolean poisoned;

    /**
     * The system property that forces the length groups of a step that does not split the batch across
     * threads ({@link #microPlan}): {@code auto} (the default), {@code on}, {@code off}, or a group count
     * of at least 1 ({@code 1} is {@code off}), for A/B runs.
     */
    public static final String GROUPS_PROPERTY = "visor.train.lengthGroups";

    /**
     * The widest {@code d_model} whose steps {@link StepParallelism#AUTO} splits across threads, and whose
     * length groups must therefore be the 2-thread shards, bit for bit ({@link LengthGroups#twinsShards}). (Wider
     * models used to keep the whole batch: on Zen 5 before the Zen 4 GEMM work, two groups at the base
     * size saved 14 % of the positions but ran no faster per CPU second; on Zen 4 four groups run 10–16 % faster,
     * benchmarks/JOURNAL.md, section "train11".)
     */
    static final int SMALL_WIDTH = 256;

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
        this.grouping = LengthGroups.grouping(System.getProperty(GROUPS_PROPERTY));
        this.pooled = KernelProperties.bool(ARENA_PROPERTY, true);
    }

    /**
     * The system property that turns the steps' arenas off ({@code false}: every array new, as before the
     * arena; {@link StepArena}), read when a step is made, so that one JVM can run both for an A/B.
     */
    public static final String ARENA_PROPERTY = StepArena.PROPERTY;

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
     * a thread hand-off ({@code d_model ≤} {@value #SMALL_WIDTH}).
     *
     * @param config the model's configuration
     * @param rows the micro-batch's row count
     * @return true for data parallelism
     */
    public static boolean prefersDataParallel(TransformerConfig config, int rows) {
        return Parallel.threads() > 1 && rows > 1 && config.dModel() <= SMALL_WIDTH;
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
        for (StepArena a : arenas) {
            a.recycleKept(model.parameters());   // the last step's adopted gradients, unless a parameter still holds one
        }
        double loss = 0;
        long correct = 0;
        for (int m = 0; m < micro.size(); m++) {
            Batch b = micro.get(m);
            int rows = b.input().batch();
            int k = shards(rows);
            long microSeed = Rng.mixSeeds(seed, step, m);
            double[] r;
            if (k > 1) {
                r = shards(b, byLength ? LengthGroups.shardPlan(b, k, model.config().dModel(), pad) : null, k, microSeed, total, labelSmoothing, true);
            } else {
                int[][] groups = microPlan(b);
                r = groups == null ? lossAndBackward(arena(0), b, total, labelSmoothing)
                        : LengthGroups.twinsShards(model.config().dModel()) ? shards(b, groups, groups.length, microSeed, total, labelSmoothing, false)
                        : inSequence(b, groups, microSeed, total, labelSmoothing);
            }
            loss += r[0];
            correct += (long) r[1];
        }
        return new Result(loss, correct);
    }

    /**
     * The forward and backward passes of {@code b} in {@code k} shards: the rows of {@code plan}, each shard
     * cut to its own longest row, or without a plan contiguous runs of rows at the batch's padded length;
     * on the kernel threads at once ({@code parallel}, each shard's ops on its thread) or one after the
     * other on the caller (each shard's ops split across the kernel threads as usual). Either way each
     * shard draws dropout from its own stream and adds its gradients to a capture of its own, and the
     * captures are added to the parameters shard by shard, so a plan gives the same sums both ways.
     *
     * @return the shards' summed loss and right predictions
     */
    private double[] shards(Batch b, int[][] plan, int k, long microSeed, int total, double labelSmoothing, boolean parallel) {
        int rows = b.input().batch();
        double[][] results = new double[k][];
        GradientCapture[] captures = new GradientCapture[k];
        RuntimeException[] failures = new RuntimeException[k];
        arena(parallel ? k - 1 : 0);   // made on the caller, before the shards run
        Parallel.RangeBody body = (from, to) -> {
            for (int s = from; s < to; s++) {
                Batch shard = plan != null ? b.pick(plan[s]).trimmed(pad)
                        : b.rows((int) ((long) rows * s / k), (int) ((long) rows * (s + 1) / k));
                try (Rng.Scope streams = Rng.deriveStreams(Rng.mixSeeds(microSeed, s, 0));
                        GradientCapture capture = GradientCapture.begin()) {
                    captures[s] = capture;
                    results[s] = lossAndBackward(parallel ? arenas[s] : arenas[0], shard, total, labelSmoothing);
                } catch (RuntimeException e) {
                    failures[s] = e; // rethrown below in shard order, so a failing batch reports the same shard whichever thread ran it
                }
            }
        };
        if (parallel) {
            Parallel.forRange(k, 1, body);
        } else {
            body.run(0, k);
        }
        for (RuntimeException e : failures) {
            if (e != null) {
                throw e;
            }
        }
        double[] sum = new double[2];
        for (int s = 0; s < k; s++) {
            sum[0] += results[s][0];
            sum[1] += results[s][1];
        }
        GradientCapture.drainAll(List.of(captures), model.parameters());   // shard by shard per element, split by parameter
        return sum;
    }

    /**
     * The length groups a micro-batch that is not split across threads runs as, one after the other, or
     * {@code null} for the whole batch at once: {@link LengthGroups#plan} for a model whose batches may be
     * cut ({@link #lengthGrouped}), after {@value #GROUPS_PROPERTY}.
     *
     * @param b the micro-batch
     * @return the rows of each group, or null
     */
    int[][] microPlan(Batch b) {
        return byLength ? LengthGroups.of(b, model.config().dModel(), grouping, pad) : null;
    }

    /**
     * The forward and backward passes of {@code b}'s length groups one after the other on the caller
     * (each op split across the kernel threads), each group cut to its own longest row and drawing
     * dropout from its own stream, its backward pass adding straight into the parameters' gradients: no
     * capture per group to hold a whole model's gradients and to drain afterwards, and in a
     * {@link LeafGradients#addInPlace} scope, so that a linear weight's gradient after the first group is
     * {@code grad += gᵀ·x} in the product itself rather than a new weight-sized array added afterwards.
     *
     * @return the groups' summed loss and right predictions
     */
    private double[] inSequence(Batch b, int[][] groups, long microSeed, int total, double labelSmoothing) {
        double[] sum = new double[2];
        for (int g = 0; g < groups.length; g++) {
            try (Rng.Scope streams = Rng.deriveStreams(Rng.mixSeeds(microSeed, g, 0));
                    LeafGradients.Scope inPlace = LeafGradients.addInPlace()) {
                double[] r = lossAndBackward(arena(0), b.pick(groups[g]).trimmed(pad), total, labelSmoothing);
                sum[0] += r[0];
                sum[1] += r[1];
            }
        }
        return sum;
    }

    /**
     * How many pieces this step runs {@code b} as: its {@link #shards} on the kernel threads, or its
     * length groups one after the other ({@link #microPlan}), or 1 for the whole batch.
     *
     * @param b a micro-batch
     * @return at least 1
     */
    public int pieces(Batch b) {
        int k = shards(b.input().batch());
        if (k > 1) {
            return k;
        }
        int[][] groups = microPlan(b);
        return groups == null ? 1 : groups.length;
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

    /**
     * The forward and backward passes of {@code b} in a scope of {@code arena}: everything they make
     * returns to the arena at its end except the gradients the parameters (or the open capture) adopt,
     * which return at the next {@link #run}; the loss and the count are read inside.
     */
    private double[] lossAndBackward(StepArena arena, Batch b, int total, double labelSmoothing) {
        if (!pooled) {
            return passes(b, total, labelSmoothing);
        }
        try (StepArena.Scope scope = arena.open()) {
            return passes(b, total, labelSmoothing);
        }
    }

    private double[] passes(Batch b, int total, double labelSmoothing) {
        int[] targets = b.targets();
        TransformerModel.Loss out = model.loss(b.source(), b.input(), targets, labelSmoothing);
        Tensor l = out.sum().div(total);
        double value = l.item();
        long right = correct(out.logits(), targets, model.config().padId());
        l.backward();
        return new double[] {value, right};
    }

    /** The step parallelism this step was made for. */
    StepParallelism mode() {
        return mode;
    }

    /**
     * For tests: whether the passes take their arrays from the arenas (default {@code -Dvisor.trainArena}),
     * and whether the arenas fill every array returned to them with NaN (so that a result that reads an
     * array after its scope, or a reused array's old contents, shows). Call before the first {@link #run}.
     */
    GradientStep arenas(boolean pool, boolean poison) {
        this.pooled = pool;
        this.poisoned = poison;
        return this;
    }

    /** Arena {@code i}, and every one before it, made if missing (on the caller only). */
    private StepArena arena(int i) {
        if (i >= arenas.length) {
            int old = arenas.length;
            arenas = java.util.Arrays.copyOf(arenas, i + 1);
            for (int j = old; j <= i; j++) {
                arenas[j] = poisoned ? new StepArena().poisonReturns(Float.NaN) : new StepArena();
            }
        }
        return arenas[i];
    }

    /**
     * What this step's arenas keep between steps: the bytes of their free arrays, for reports (0 with
     * {@code -Dvisor.trainArena=false} or before the first step). Read it between steps.
     *
     * @return bytes held for reuse
     */
    public long arenaBytes() {
        long floats = 0;
        for (StepArena a : arenas) {
            floats += a.freeFloats();
        }
        return 4 * floats;
    }

    /**
     * The arenas this step's passes take their arrays from (for tests: their misses and sizes).
     *
     * @return a copy of the list, [0] the caller's
     */
    List<StepArena> arenas() {
        return List.of(arenas);
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
