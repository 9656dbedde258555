package dev.visor.cli;

import dev.visor.mask.MaskRegistry;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.tasks.Split;
import dev.visor.tasks.SyntheticTask;
import dev.visor.tasks.Vocabulary;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.transformer.AttentionKernel;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import dev.visor.transformer.checkpoint.Checkpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One sequence-to-sequence training run, shared by {@code visor demo} and {@code visor train seq2seq}:
 * builds (or resumes) the model, prints what it is about to do, trains with a progress line, and
 * saves the checkpoint — only after training succeeded (or on Ctrl-C), so a failed run leaves earlier
 * checkpoints as they were.
 */
final class Seq2SeqRun {
    /** The demo's model: d_model 64, 4 heads, 2 + 2 layers, d_ff 256, no dropout. */
    static TransformerConfig defaultModel(int vocab, int maxLength) {
        return TransformerConfig.tiny(vocab).toBuilder().dModel(64).heads(4).kvHeads(4).layers(2).dFF(256).dropout(0.0)
                .maxLength(maxLength).build();
    }

    /**
     * What a run learns from.
     *
     * @param task the task (null when resuming)
     * @param symbols letters of the string tasks
     * @param minLength shortest input (null: the task's default)
     * @param maxLength longest input (null: the task's default)
     * @param testSize held-out examples
     */
    record Data(SyntheticTask task, int symbols, Integer minLength, Integer maxLength, int testSize) {}

    final Session session;
    final SyntheticTask task;
    final Vocabulary vocab;
    final Split split;
    final RunInfo info;
    final EncoderDecoderTransformer model;
    final Checkpoint resumeFrom;
    final int maxOutput;
    private final TrainingOptions options;

    /**
     * Sets up a run; when resuming, the data and the optimisation settings come from the checkpoint
     * (options given on the command line override the latter).
     *
     * @param session the session
     * @param data the task and its sizes (ignored when resuming)
     * @param options optimisation options, already {@link TrainingOptions#check checked}
     * @param modelOptions model options (refused when resuming)
     * @param resume a checkpoint to continue, or null
     */
    Seq2SeqRun(Session session, Data data, TrainingOptions options, ModelOptions modelOptions, Path resume) {
        this.session = session;
        this.options = options;
        MaskRegistry registry = session.registry();
        ScoreModifierRegistry scores = session.scoreRegistry();
        int symbols;
        int minLength;
        int maxLength;
        int testSize;
        if (resume != null) {
            if (modelOptions.anyGiven()) {
                throw CliException.usage("--resume continues the checkpoint's model; drop the model options (--d-model, --heads, masks, ...)");
            }
            RunCheckpoint.Loaded c = RunCheckpoint.load(resume, registry, scores, AttentionKernel.FLASH);
            if (!c.info().kind().equals(RunInfo.SEQ2SEQ) || !(c.model() instanceof EncoderDecoderTransformer m)) {
                throw CliException.usage("--resume " + resume + " holds " + RunInfo.describe(c.info().kind()) + ", not a seq2seq one");
            }
            this.task = c.info().task();
            this.vocab = c.info().vocabulary();
            this.info = c.info();
            this.model = m;
            this.resumeFrom = c.checkpoint();
            symbols = info.symbols();
            minLength = info.minLength();
            maxLength = info.maxLength();
            testSize = info.data().get("test_size") instanceof Number n ? n.intValue() : data.testSize();
            options.resumeFrom(info.training(), resumeFrom.step());
        } else {
            this.task = data.task();
            symbols = data.symbols();
            minLength = data.minLength() != null ? data.minLength() : task == SyntheticTask.ADD ? 1 : 3;
            maxLength = data.maxLength() != null ? data.maxLength() : task == SyntheticTask.ADD ? 5 : 10;
            testSize = data.testSize();
            if (task == SyntheticTask.ADD && maxLength > 9) {
                throw CliException.usage("--max-len " + maxLength + " is too long for add: operands have at most 9 digits");
            }
            try {
                this.vocab = task.vocabulary(symbols);
                task.sample(new dev.visor.tensor.Rng(0), minLength, maxLength, symbols);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(Errors.oneLine(e).replace("min=", "--min-len ").replace("max=", "--max-len "), e);
            }
            int needed = task.longestSequence(maxLength) + 2;
            TransformerConfig config = modelOptions.build(defaultModel(vocab.size(), Math.max(32, needed)), vocab.size(),
                    vocab.padId(), vocab.bosId(), vocab.eosId(), registry, scores);
            if (config.architecture() != TransformerConfig.Architecture.ENCODER_DECODER) {
                throw CliException.usage("seq2seq training needs an encoder_decoder model but the config describes a "
                        + config.architecture().key() + " one");
            }
            if (config.maxLength() < needed) {
                throw CliException.usage("--max-length " + config.maxLength() + " is too short for " + task.key()
                        + " with --max-len " + maxLength + ": sequences reach " + needed + " tokens");
            }
            TransformerModel built = RunCheckpoint.build(config, registry, scores, AttentionKernel.FLASH);
            this.model = (EncoderDecoderTransformer) built;
            this.info = new RunInfo(RunInfo.SEQ2SEQ, vocab.tokens(), task, symbols, minLength, maxLength, 0, 0, Map.of(),
                    Map.of("test_size", testSize), Map.of());
            this.resumeFrom = null;
        }
        try {
            this.split = Split.of(this.task, symbols, minLength, maxLength, testSize, options.seed);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(Errors.oneLine(e), e);
        }
        this.maxOutput = this.task.longestSequence(maxLength) + 1;
    }

    /** Prints what the run will train. */
    void describe(PrintWriter out) {
        TransformerConfig c = model.config();
        String letters = task == SyntheticTask.ADD ? "" : String.format(" over the letters a–%c", (char) ('a' + info.symbols() - 1));
        out.printf(Locale.ROOT, "  task     %s (%s), inputs of %d–%d %s%s%n", task.description(), task.key(), info.minLength(),
                info.maxLength(), task == SyntheticTask.ADD ? "digits per operand" : "symbols", letters);
        out.printf(Locale.ROOT, "  test     %d held-out inputs, never drawn for training%n", split.test().size());
        out.printf(Locale.ROOT, "  model    encoder-decoder, d_model %d, %s, %d+%d layers, d_ff %d, %s norm — %,d parameters%s%n",
                c.dModel(), Plural.count(c.heads(), "head"), c.encoderLayers(), c.decoderLayers(), c.dFF(), c.normPlacement().key(),
                ModelSummary.parameters(model), info.steps() > 0 ? " (resumed after " + Plural.count(info.steps(), "step") + ")" : "");
        out.printf("  masks    encoder: %s · decoder: %s · cross: %s%n", c.masks().spec(AttentionSite.ENCODER_SELF),
                c.masks().spec(AttentionSite.DECODER_SELF), c.masks().spec(AttentionSite.CROSS));
        ModelSummary.overrides(c, "           ", List.of(AttentionSite.values())).forEach(out::println);
        ModelSummary.scores(c, List.of(AttentionSite.values())).forEach(out::println);
        out.printf("  machine  %s, Vector API %s, Java %s%n", Plural.count(Parallel.threads(), "thread"), VersionProvider.vectorApi(),
                Runtime.version().feature());
        out.flush();
    }

    /**
     * Trains, saving resumable checkpoints in {@code out} on --save-every and on Ctrl-C.
     *
     * @param out the run's folder
     * @param command the command that resumes it, e.g. "train seq2seq"
     * @param target stop early at this held-out exact match
     * @return the training and the result
     */
    Trained train(Path out, String command, double target) {
        if (options.threads != null) Parallel.setThreads(options.threads);
        Seq2SeqTraining training = new Seq2SeqTraining(model, split, vocab, options, resumeFrom);
        RunInfo run = info.withTraining(options.toJson());
        TrainingLoop loop = new TrainingLoop(session, command, options, out, step -> run.withSteps(step, training.metrics()));
        Seq2SeqTraining.Result r = training.run(loop, target);
        return new Trained(training, r, run.withSteps(r.totalSteps(), training.metrics()));
    }

    /**
     * The outcome of {@link #train}.
     *
     * @param training the training (its optimizer state is saved)
     * @param result the result
     * @param info the run info to save
     */
    record Trained(Seq2SeqTraining training, Seq2SeqTraining.Result result, RunInfo info) {}

    /**
     * Saves the checkpoint.
     *
     * @param dir the folder
     * @param trained the outcome of training
     */
    void save(Path dir, Trained trained) {
        try {
            RunCheckpoint.save(dir, model, trained.training().trainer().optimizer().stateDict(), trained.result().totalSteps(),
                    trained.info());
        } catch (IOException e) {
            throw CliException.failure("cannot save the checkpoint to " + dir + ": " + Errors.oneLine(e), e);
        }
    }
}
