package dev.visor.cli;

import dev.visor.tensor.kernel.Parallel;
import dev.visor.transformer.AttentionKernel;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import dev.visor.transformer.checkpoint.Checkpoint;
import dev.visor.transformer.train.Batch;
import dev.visor.transformer.train.BatchSource;
import dev.visor.transformer.train.BestCheckpoint;
import dev.visor.transformer.train.Evaluation;
import dev.visor.transformer.train.Evaluator;
import dev.visor.transformer.train.StopCondition;
import dev.visor.transformer.train.Trainer;
import dev.visor.transformer.train.TrainingListener;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code visor train lm [--text FILE]}: trains a decoder-only character language model on a text
 * (by default the public-domain text shipped with the examples), reports held-out bits per character,
 * prints a sample and saves the checkpoint for {@code visor generate}. {@code --resume DIR} continues
 * in {@code DIR} on the same text with the same settings; Ctrl-C saves a resumable checkpoint.
 */
@Command(name = "lm",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Train a decoder-only character language model on a text and save it.",
            "Without --text it trains on the opening of Shakespeare's Coriolanus (public domain), shipped with Visor.",
            "Ctrl-C finishes the current step, saves a resumable checkpoint and exits with 130."})
final class TrainLmCommand implements Runnable {
    private final Session session;

    @Option(names = "--text", paramLabel = "FILE", description = "A UTF-8 text file (default: the bundled Coriolanus; with --resume, the checkpoint's text).")
    private Path text;

    @Option(names = "--context", paramLabel = "N", defaultValue = "64", description = "Characters per training window (default: ${DEFAULT-VALUE}).")
    private int context;

    @Option(names = "--held-out", paramLabel = "FRACTION", defaultValue = "0.1", description = "Tail of the text kept for evaluation (default: ${DEFAULT-VALUE}).")
    private double heldOut;

    @Option(names = "--sample", paramLabel = "N", defaultValue = "300", description = "Characters to sample after training (default: ${DEFAULT-VALUE}).")
    private int sample;

    @Mixin
    private RunFolderOptions folder;

    @Mixin
    private TrainingOptions training;

    @ArgGroup(exclusive = false, validate = false, heading = "%nModel (every field of the config; masks and score specs by site and layer):%n")
    private ModelOptions model = new ModelOptions();

    TrainLmCommand(Session session) {
        this.session = session;
    }

    /**
     * The default language model: d_model 128, 4 heads, 4 layers, d_ff 512, dropout 0.1, and exactly
     * the positions a training window covers (sinusoids past them were never trained on).
     */
    static TransformerConfig defaultModel(int vocab, int window) {
        return TransformerConfig.tiny(vocab).toBuilder().dModel(128).heads(4).kvHeads(4).layers(4).dFF(512).dropout(0.1)
                .maxLength(window).build().decoderOnly();
    }

    @Override
    public void run() {
        training.check(600, 100);
        if (context < 2) throw CliException.usage("--context must be at least 2 but is " + context);
        if (sample < 0) throw CliException.usage("--sample must be at least 0 but is " + sample);
        if (model.encoderMask != null || model.crossMask != null) {
            throw CliException.usage("a language model has only decoder self-attention; drop --encoder-mask and --cross-mask "
                    + "(use --decoder-mask)");
        }
        if (model.scores.encoderScores != null || model.scores.crossScores != null) {
            throw CliException.usage("a language model has only decoder self-attention; drop --encoder-score-mod and "
                    + "--cross-score-mod (use --score-mod or --decoder-score-mod)");
        }
        if (training.threads != null) Parallel.setThreads(training.threads);
        TextCorpus corpus;
        DecoderOnlyTransformer lm;
        RunInfo info;
        Checkpoint resumeFrom = null;
        if (folder.resume != null) {
            if (model.anyGiven()) throw CliException.usage("--resume continues the checkpoint's model; drop the model options");
            RunCheckpoint.Loaded c = RunCheckpoint.load(folder.resume, session.registry(), session.scoreRegistry(), AttentionKernel.FLASH);
            if (!(c.model() instanceof DecoderOnlyTransformer m) || !c.info().kind().equals(RunInfo.LM)) {
                throw CliException.usage("--resume " + folder.resume + " holds " + RunInfo.describe(c.info().kind())
                        + ", not a language model");
            }
            if (training.given("--context") || training.given("--held-out")) {
                throw CliException.usage("--resume continues with the checkpoint's --context and --held-out; drop them");
            }
            corpus = TextCorpus.stored(c.info().data(), text);
            if (!corpus.vocab.tokens().equals(c.info().tokens())) {
                throw CliException.usage("the text's characters differ from the checkpoint's vocabulary; resume on the same text");
            }
            lm = m;
            info = c.info();
            resumeFrom = c.checkpoint();
            context = info.context();
            training.resumeFrom(info.training(), resumeFrom.step());
        } else {
            corpus = TextCorpus.read(text, heldOut);
            TransformerConfig config = model.build(defaultModel(corpus.vocab.size(), context + 1), corpus.vocab.size(), corpus.vocab.padId(),
                    corpus.vocab.bosId(), corpus.vocab.eosId(), session.registry(), session.scoreRegistry());
            if (config.architecture() != TransformerConfig.Architecture.DECODER_ONLY) {
                throw CliException.usage("a language model is decoder_only but the config describes an " + config.architecture().key() + " one");
            }
            TransformerModel built = RunCheckpoint.build(config, session.registry(), session.scoreRegistry(), AttentionKernel.FLASH);
            lm = (DecoderOnlyTransformer) built;
            info = new RunInfo(RunInfo.LM, corpus.vocab.tokens(), null, 0, 0, 0, context, 0, Map.of(), corpus.toJson(), Map.of());
        }
        if (context + 1 > lm.config().maxLength()) {
            throw CliException.usage("windows of --context " + context + " + 1 characters exceed the model's --max-length " + lm.config().maxLength());
        }
        corpus.checkWindow(context + 1);
        Path out = folder.target(Path.of("runs", "lm"));
        RunInfo run = info.withTraining(training.toJson());
        PrintWriter o = session.out();
        describe(o, out, corpus, lm, resumeFrom);
        Trainer trainer = new Trainer(lm, training.trainerConfig()).withParallelism(training.parallelism);
        if (resumeFrom != null) {
            try {
                trainer.resumeFrom(resumeFrom);
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw CliException.failure("cannot resume: " + Errors.oneLine(e), e);
            }
        }
        int pad = corpus.vocab.padId();
        int window = context + 1;
        BatchSource source = rng -> Batch.languageModel(corpus.trainingWindows(rng, training.batch, window), pad);
        List<Batch> held = new ArrayList<>();
        int[][] tail = corpus.heldOutWindows(window, 64);
        for (int i = 0; i < tail.length; i += training.batch) {
            held.add(Batch.languageModel(java.util.Arrays.copyOfRange(tail, i, Math.min(tail.length, i + training.batch)), pad));
        }
        double[] last = {Double.NaN, Double.NaN};   // training loss, held-out loss
        BestCheckpoint best = BestCheckpoint.lowest(lm, Evaluation::loss);
        TrainingLoop loop = new TrainingLoop(session, "train lm", training, out, step -> run.withSteps(step, metrics(last)));
        TrainingListener notes = TrainingListener.onStep(s -> last[0] = s.loss()).andThen(TrainingListener.onEvaluation(e -> {
            last[1] = e.evaluation().loss();
            loop.note(String.format(Locale.ROOT, "  step %d: held-out %.3f bits per character (accuracy %.1f %%)", e.step(),
                    e.evaluation().loss() / Math.log(2), 100 * e.evaluation().tokenAccuracy()));
        })).andThen(best);
        loop.run(trainer, source, Evaluator.teacherForced(held), notes, StopCondition.NEVER, Math.max(1, training.evalEvery / 5));
        lm.eval();
        if (best.isBetterThan(last[1])) {
            // a small text is soon memorised: keep the weights that predicted the held-out tail best
            best.restoreInto(lm);
            o.printf(Locale.ROOT, "Kept the weights of step %d, the best on the held-out text (%.3f bits per character); later steps overfit.%n",
                    best.step(), best.value() / Math.log(2));
            last[1] = best.value();
        }
        try {
            loop.writer().write(lm, trainer.optimizer().stateDict(), trainer.step());
        } catch (IOException e) {
            throw CliException.failure("cannot save the checkpoint to " + out + ": " + Errors.oneLine(e), e);
        }
        o.printf(Locale.ROOT, "Held-out %.3f bits per character after %s; saved %s%n", last[1] / Math.log(2),
                Plural.count(trainer.step(), "step"), out);
        if (sample > 0) {
            String prompt = corpus.text.substring(0, corpus.text.indexOf('\n') + 1);
            o.println();
            o.println("A sample (temperature 0.8), from the prompt " + Generation.visible(prompt) + ":");
            o.println(prompt + Generation.sample(lm, corpus.vocab, context + 1, prompt, sample, 0.8, 0, 1.0, training.seed));
        }
        o.flush();
    }

    private static Map<String, Double> metrics(double[] last) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss", last[0]);
        metrics.put("held_out_bits_per_char", last[1] / Math.log(2));
        return metrics;
    }

    private void describe(PrintWriter o, Path out, TextCorpus corpus, DecoderOnlyTransformer lm, Checkpoint resumeFrom) {
        TransformerConfig c = lm.config();
        o.println((resumeFrom == null ? "Training a character language model" : "Continuing a character language model from step "
                + resumeFrom.step()) + " to step " + training.lastStep + "; checkpoint → " + out);
        o.printf(Locale.ROOT, "  text     %s: %,d characters, %d distinct; the last %.0f %% held out%n", corpus.name, corpus.ids.length,
                corpus.vocab.size() - 3, 100 * corpus.heldOut);
        o.printf(Locale.ROOT, "  model    decoder-only, d_model %d, %s, %s, d_ff %d — %,d parameters; mask %s%n", c.dModel(),
                Plural.count(c.heads(), "head"), Plural.count(c.decoderLayers(), "layer"), c.dFF(), ModelSummary.parameters(lm),
                c.masks().spec(AttentionSite.DECODER_SELF));
        ModelSummary.overrides(c, "           ", List.of(AttentionSite.DECODER_SELF)).forEach(o::println);
        ModelSummary.scores(c, List.of(AttentionSite.DECODER_SELF)).forEach(o::println);
        o.println();
    }
}
