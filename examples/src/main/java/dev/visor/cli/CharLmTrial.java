package dev.visor.cli;

import dev.visor.attention.AttentionScores;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskSpecException;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.sweeps.Trial;
import dev.visor.sweeps.TrialContext;
import dev.visor.sweeps.TrialFunction;
import dev.visor.sweeps.TrialOutcome;
import dev.visor.tasks.Vocabulary;
import dev.visor.transformer.AttentionKernel;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The sweep trial {@code char_lm}: a decoder-only character language model trained as
 * {@code visor train lm} trains one, from a sweep's parameters, reporting held-out bits per
 * character. Parameters (all optional): {@code text} (a UTF-8 file; default the bundled
 * <i>Coriolanus</i>), {@code held_out} 0.1, {@code context} 32, {@code d_model} 64, {@code heads} 4,
 * {@code layers} 2, {@code d_ff} 4·d_model, {@code dropout} 0 (so a resumed trial is bit-identical),
 * {@code decoder_mask} {@code "causal & padding"}, {@code positional} {@code sinusoidal} (or
 * {@code learned}, {@code rope}, {@code alibi}, {@code none}, as {@code visor train --positional}),
 * {@code decoder_score} {@code none} (a score spec, as {@code --decoder-score-mod}; with
 * {@code positional} rope or alibi that stage is put in front of it), {@code steps} 300, {@code batch} 16,
 * {@code lr} 0.003, {@code warmup} 30, {@code schedule} cosine, {@code weight_decay} 0,
 * {@code clip} 1, {@code eval_every} 50, {@code eval_windows} 64. The trial's seed sets the
 * initial weights and the batches.
 *
 * <p>Final metrics: {@code held_out_bits_per_char}, {@code held_out_accuracy}, {@code train_loss}.
 */
public final class CharLmTrial implements TrialFunction {
    private static final Set<String> PARAMS = Set.of("text", "held_out", "context", "d_model", "heads", "layers", "d_ff", "dropout",
            "decoder_mask", "positional", "decoder_score", "steps", "batch", "lr", "warmup", "schedule", "weight_decay", "clip", "eval_every", "eval_windows");

    /** For {@link java.util.ServiceLoader}. */
    public CharLmTrial() {}

    @Override
    public String name() {
        return "char_lm";
    }

    @Override
    public TrialOutcome run(Trial trial, TrialContext context) throws Exception {
        for (String p : trial.params().keySet()) {
            if (!PARAMS.contains(p)) {
                throw new IllegalArgumentException("trial " + trial.id() + ": char_lm has no parameter '" + p + "'; it takes "
                        + new java.util.TreeSet<>(PARAMS));
            }
        }
        String textFile = trial.text("text", null);
        TextCorpus corpus = TextCorpus.read(textFile == null ? null : Path.of(textFile), trial.number("held_out", 0.1));
        int window = (int) trial.integer("context", 32) + 1;
        corpus.checkWindow(window);
        MaskRegistry registry = MaskRegistry.load(Thread.currentThread().getContextClassLoader());
        ScoreModifierRegistry scores = ScoreModifierRegistry.load(Thread.currentThread().getContextClassLoader());
        TransformerConfig config = config(trial, corpus.vocab, window, registry, scores);
        TransformerModel model = RunCheckpoint.build(config, registry, scores, AttentionKernel.FLASH);

        int batch = (int) trial.integer("batch", 16);
        int pad = corpus.vocab.padId();
        int[][] held = corpus.heldOutWindows(window, (int) trial.integer("eval_windows", 64));
        TrialTrainer.Settings s = new TrialTrainer.Settings(trial.integer("steps", 300), trial.number("lr", 0.003),
                trial.integer("warmup", 30), trial.text("schedule", "cosine"), trial.number("weight_decay", 0), trial.number("clip", 1),
                trial.integer("eval_every", 50), trial.seed());
        Map<String, Double> last = TrialTrainer.train(model, s, rng -> corpus.trainingWindows(rng, batch, window), held, batch, pad, context);
        return new TrialOutcome(last, s.steps());
    }

    /**
     * The model a trial trains: the decoder-only configuration from its parameters, with its mask and
     * score spec canonicalised (so a trial's label and its checkpoint say the same thing).
     *
     * @throws IllegalArgumentException for a bad mask, positional or score spec, naming the trial
     */
    static TransformerConfig config(Trial trial, Vocabulary vocabulary, int window, MaskRegistry registry, ScoreModifierRegistry scores) {
        int dModel = (int) trial.integer("d_model", 64);
        String mask = trial.text("decoder_mask", "causal & padding");
        try {
            mask = registry.parse(mask).toString();
        } catch (MaskSpecException e) {
            throw new IllegalArgumentException("trial " + trial.id() + ": bad decoder_mask '" + mask + "': " + e.reason(), e);
        }
        String positionalName = trial.text("positional", "sinusoidal");
        ScoreOptions.Positional positional;
        try {
            positional = ScoreOptions.Positional.valueOf(positionalName.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("trial " + trial.id() + ": positional must be one of sinusoidal, learned, rope, alibi"
                    + " or none but is '" + positionalName + "'", e);
        }
        String score = trial.text("decoder_score", AttentionScores.NONE_SPEC);
        if (positional.inScores()) {
            score = ScoreOptions.withPosition(score, positional);
        }
        try {
            score = ScoreOptions.canonical(score, ScoreOptions.withRope(scores));
        } catch (MaskSpecException e) {
            throw new IllegalArgumentException("trial " + trial.id() + ": bad decoder_score '" + score + "': " + e.reason(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("trial " + trial.id() + ": bad decoder_score '" + score + "': " + Errors.oneLine(e), e);
        }
        int vocab = vocabulary.size();
        TransformerConfig config = TransformerConfig.tiny(vocab).toBuilder().dModel(dModel).heads((int) trial.integer("heads", 4))
                .kvHeads((int) trial.integer("heads", 4)).layers((int) trial.integer("layers", 2))
                .dFF((int) trial.integer("d_ff", 4L * dModel)).dropout(trial.number("dropout", 0)).maxLength(window)
                .positional(positional.embedding())
                .seed(trial.seed()).srcVocabSize(vocab).tgtVocabSize(vocab).padId(vocabulary.padId()).bosId(vocabulary.bosId())
                .eosId(vocabulary.eosId()).build().decoderOnly();
        return config.toBuilder().masks(config.masks().with(AttentionSite.DECODER_SELF, mask))
                .scores(config.scores().with(AttentionSite.DECODER_SELF, score)).build();
    }
}
