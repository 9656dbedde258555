package dev.visor.cli;

import dev.visor.mask.MaskRegistry;
import dev.visor.tasks.Split;
import dev.visor.tasks.SyntheticTask;
import dev.visor.tasks.Vocabulary;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.tensor.kernel.VectorSupport;
import dev.visor.transformer.AttentionKernel;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One sequence-to-sequence training run, shared by {@code visor demo} and {@code visor train seq2seq}:
 * builds (or resumes) the model, prints what it is about to do, trains with a progress line, and
 * saves the checkpoint — only after training succeeded, so a failed run leaves earlier checkpoints
 * as they were.
 */
final class Seq2SeqRun {
    /** The demo's model: d_model 64, 4 heads, 2 + 2 layers, d_ff 256, no dropout. */
    static TransformerConfig defaultModel(int vocab, int maxLength) {
        return TransformerConfig.tiny(vocab).toBuilder().dModel(64).heads(4).kvHeads(4).layers(2).dFF(256).dropout(0.0)
                .maxLength(maxLength).build();
    }

    final Session session;
    final SyntheticTask task;
    final Vocabulary vocab;
    final Split split;
    final RunInfo info;
    final EncoderDecoderTransformer model;
    final dev.visor.transformer.checkpoint.Checkpoint resumeFrom;
    final int maxOutput;

    /**
     * Sets up a run.
     *
     * @param session the session
     * @param task the task
     * @param symbols letters of the string tasks
     * @param minLength shortest input
     * @param maxLength longest input
     * @param testSize held-out examples
     * @param seed seed of the held-out set
     * @param modelOptions model options (ignored when resuming)
     * @param resume a checkpoint to continue, or null
     */
    Seq2SeqRun(Session session, SyntheticTask task, int symbols, int minLength, int maxLength, int testSize, long seed,
               ModelOptions modelOptions, Path resume) {
        this.session = session;
        MaskRegistry registry = session.registry();
        if (resume != null) {
            if (modelOptions.anyGiven()) {
                throw CliException.usage("--resume continues the checkpoint's model; drop the model options (--d-model, --heads, masks, ...)");
            }
            RunCheckpoint.Loaded c = RunCheckpoint.load(resume, registry, AttentionKernel.FLASH);
            if (!c.info().kind().equals(RunInfo.SEQ2SEQ) || !(c.model() instanceof EncoderDecoderTransformer m)) {
                throw CliException.usage("--resume " + resume + " holds a " + c.info().kind() + " model, not a seq2seq one");
            }
            this.task = c.info().task();
            this.vocab = c.info().vocabulary();
            this.info = c.info();
            this.model = m;
            this.resumeFrom = c.checkpoint();
            symbols = info.symbols();
            minLength = info.minLength();
            maxLength = info.maxLength();
        } else {
            this.task = task;
            try {
                this.vocab = task.vocabulary(symbols);
                task.sample(new dev.visor.tensor.Rng(0), minLength, maxLength, symbols);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(Errors.oneLine(e), e);
            }
            int needed = task.longestSequence(maxLength) + 2;
            TransformerConfig config = modelOptions.build(defaultModel(vocab.size(), Math.max(32, needed)), vocab.size(),
                    vocab.padId(), vocab.bosId(), vocab.eosId(), registry);
            if (config.architecture() != TransformerConfig.Architecture.ENCODER_DECODER) {
                throw CliException.usage("seq2seq training needs an encoder_decoder model but the config describes a "
                        + config.architecture().key() + " one");
            }
            if (config.maxLength() < needed) {
                throw CliException.usage("--max-length " + config.maxLength() + " is too short for " + task.key()
                        + " with --max-len " + maxLength + ": sequences reach " + needed + " tokens");
            }
            TransformerModel built = RunCheckpoint.build(config, registry, AttentionKernel.FLASH);
            this.model = (EncoderDecoderTransformer) built;
            this.info = new RunInfo(RunInfo.SEQ2SEQ, vocab.tokens(), task, symbols, minLength, maxLength, 0, 0, Map.of());
            this.resumeFrom = null;
        }
        try {
            this.split = Split.of(this.task, symbols, minLength, maxLength, testSize, seed);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(Errors.oneLine(e), e);
        }
        this.maxOutput = this.task.longestSequence(maxLength) + 1;
    }

    /** Prints what the run will train. */
    void describe(PrintWriter out) {
        TransformerConfig c = model.config();
        long params = model.parameters().stream().mapToLong(t -> t.numel()).sum();
        String letters = task == SyntheticTask.ADD ? "" : String.format(" over the letters a–%c", (char) ('a' + info.symbols() - 1));
        out.printf(Locale.ROOT, "  task     %s (%s), inputs of %d–%d %s%s%n", task.description(), task.key(), info.minLength(),
                info.maxLength(), task == SyntheticTask.ADD ? "digits per operand" : "symbols", letters);
        out.printf(Locale.ROOT, "  test     %d held-out inputs, never drawn for training%n", split.test().size());
        out.printf(Locale.ROOT, "  model    encoder-decoder, d_model %d, %d heads, %d+%d layers, d_ff %d, %s norm — %,d parameters%s%n",
                c.dModel(), c.heads(), c.encoderLayers(), c.decoderLayers(), c.dFF(), c.normPlacement().key(), params,
                info.steps() > 0 ? " (resumed after " + info.steps() + " steps)" : "");
        out.printf("  masks    encoder: %s · decoder: %s · cross: %s%s%n", c.masks().spec(AttentionSite.ENCODER_SELF),
                c.masks().spec(AttentionSite.DECODER_SELF), c.masks().spec(AttentionSite.CROSS),
                hasOverrides(c) ? " (with per-layer overrides)" : "");
        out.printf("  machine  %d threads, Vector API %s, Java %s%n", Parallel.threads(), VectorSupport.available() ? "on" : "off",
                Runtime.version().feature());
        out.flush();
    }

    private static boolean hasOverrides(TransformerConfig c) {
        for (AttentionSite s : AttentionSite.values()) if (!c.masks().overrides(s).isEmpty()) return true;
        return false;
    }

    /**
     * Trains.
     *
     * @param options optimisation options
     * @param target stop early at this held-out exact match
     * @return the training and the result
     */
    Trained train(TrainingOptions options, double target) {
        if (options.threads != null) Parallel.setThreads(options.threads);
        Seq2SeqTraining training = new Seq2SeqTraining(model, split, vocab, options, maxOutput, resumeFrom);
        Progress progress = new Progress(session.out(), session.interactive(), options.steps, Math.max(1, options.evalEvery / 5),
                System::nanoTime);
        Seq2SeqTraining.Result r = training.run(progress, target);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("exact_match", r.exactMatch());
        metrics.put("loss", r.loss());
        return new Trained(training, r, info.withSteps(r.totalSteps(), metrics));
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
