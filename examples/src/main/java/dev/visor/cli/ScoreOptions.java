package dev.visor.cli;

import dev.visor.attention.AttentionScores;
import dev.visor.attention.RopeStrategy;
import dev.visor.mask.MaskSpec;
import dev.visor.mask.MaskSpecException;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.ScorePlan;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerConfigBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * How attention forms its scores, as command-line options beside {@link ModelOptions}' masks: a score
 * spec per site and layer ({@code --decoder-score-mod "alibi >> softcap(cap=30)"},
 * {@code --score-mod-layer decoder_self:1=rope}), {@code --score-mod} for every self-attention site,
 * and {@code --positional}, which names where positions enter: added to the embeddings
 * ({@code sinusoidal}, {@code learned}), or in every self-attention layer ({@code rope}, {@code alibi},
 * both short for a score spec with nothing added to the embeddings), or {@code none}.
 */
final class ScoreOptions {
    private static final Pattern LAYER_SPEC = Pattern.compile("([a-z_]+):(\\d+)=(.+)", Pattern.DOTALL);
    private static final AttentionSite[] SELF = {AttentionSite.ENCODER_SELF, AttentionSite.DECODER_SELF};

    /** Where positions enter the model. */
    enum Positional {
        /** The paper's sinusoids added to the embeddings. */
        SINUSOIDAL,
        /** A learned table added to the embeddings. */
        LEARNED,
        /** Rotary embeddings of q and k in every self-attention layer ({@code rope} first in its score spec). */
        ROPE,
        /** ALiBi biases in every self-attention layer ({@code alibi} in its score spec). */
        ALIBI,
        /** No positional information at all (or only what the score specs give). */
        NONE;

        /** @return what the config adds to the embeddings: nothing for the score-spec schemes */
        TransformerConfig.Positional embedding() {
            return switch (this) {
                case SINUSOIDAL -> TransformerConfig.Positional.SINUSOIDAL;
                case LEARNED -> TransformerConfig.Positional.LEARNED;
                case ROPE, ALIBI, NONE -> TransformerConfig.Positional.NONE;
            };
        }

        /** @return whether this scheme is a stage of the self-attention score specs ({@link ScoreOptions#withPosition}) */
        boolean inScores() {
            return this == ROPE || this == ALIBI;
        }
    }

    @Option(names = "--positional", paramLabel = "sinusoidal|learned|rope|alibi|none",
            description = "Where positions enter: added to the embeddings (sinusoidal, learned), or in every self-attention"
                    + " layer (rope, alibi: shorthands for those score specs, nothing added to the embeddings), or none.")
    Positional positional;

    @Option(names = "--score-mod", paramLabel = "SPEC",
            description = "Score spec of every self-attention site, e.g. 'rope >> softcap(cap=30)' (see visor masks modifiers).")
    String selfScores;

    @Option(names = "--encoder-score-mod", paramLabel = "SPEC", description = "Score spec of encoder self-attention (default: none).")
    String encoderScores;

    @Option(names = "--decoder-score-mod", paramLabel = "SPEC", description = "Score spec of decoder self-attention (default: none).")
    String decoderScores;

    @Option(names = "--cross-score-mod", paramLabel = "SPEC", description = "Score spec of cross-attention (default: none; no rope).")
    String crossScores;

    @Option(names = "--score-mod-layer", paramLabel = "SITE:LAYER=SPEC",
            description = "Score spec of one layer of a site (encoder_self, decoder_self, cross), layers from 0; repeatable.")
    List<String> layerScores = new ArrayList<>();

    /** @return whether any option was given */
    boolean anyGiven() {
        return positional != null || selfScores != null || encoderScores != null || decoderScores != null || crossScores != null
                || !layerScores.isEmpty();
    }

    /**
     * Applies the options over {@code base}'s positional encoding and score plan.
     *
     * @param b the builder of the new config
     * @param base the config the options change
     * @param registry the registry score specs are checked against (plugins included)
     * @throws CliException (usage) for a malformed spec or an unknown name
     */
    void apply(TransformerConfigBuilder b, TransformerConfig base, ScoreModifierRegistry registry) {
        ScoreModifierRegistry withRope = withRope(registry);
        ScorePlan plan = base.scores();
        for (AttentionSite site : SELF) plan = site(plan, site, selfScores, "--score-mod", withRope);
        plan = site(plan, AttentionSite.ENCODER_SELF, encoderScores, "--encoder-score-mod", withRope);
        plan = site(plan, AttentionSite.DECODER_SELF, decoderScores, "--decoder-score-mod", withRope);
        plan = site(plan, AttentionSite.CROSS, crossScores, "--cross-score-mod", withRope);
        for (String entry : layerScores) {
            Matcher m = LAYER_SPEC.matcher(entry.strip());
            if (!m.matches()) {
                throw CliException.usage("--score-mod-layer '" + entry + "' is not SITE:LAYER=SPEC, e.g. decoder_self:1=alibi");
            }
            AttentionSite site;
            try {
                site = AttentionSite.fromKey(m.group(1));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--score-mod-layer: " + Errors.oneLine(e), e);
            }
            plan = plan.withLayers(site, check(m.group(3), "--score-mod-layer " + m.group(1) + ":" + m.group(2), withRope),
                    Integer.parseInt(m.group(2)));
        }
        if (positional != null) {
            b.positional(positional.embedding());
            if (positional.inScores()) {
                plan = withPositions(plan, positional, spec -> check(spec, "--positional", withRope));
            }
        }
        b.scores(plan);
    }

    /** Every self-attention spec (site and overrides) with {@code rope} first, or {@code alibi} after any rope. */
    private static ScorePlan withPositions(ScorePlan plan, Positional p, UnaryOperator<String> canonical) {
        for (AttentionSite site : SELF) {
            plan = plan.with(site, canonical.apply(withPosition(plan.spec(site), p)));
            SortedMap<Integer, String> overrides = plan.overrides(site);
            for (Map.Entry<Integer, String> e : overrides.entrySet()) {
                plan = plan.withLayers(site, canonical.apply(withPosition(e.getValue(), p)), e.getKey());
            }
        }
        return plan;
    }

    static String withPosition(String spec, Positional p) {
        String stage = p == Positional.ROPE ? RopeStrategy.NAME : "alibi";
        if (AttentionScores.isNone(spec)) return stage;
        List<MaskSpec.Call> calls = ScoreModifierRegistry.parseSyntax(spec);
        if (calls.stream().anyMatch(c -> c.name().equals(stage))) return spec;   // already there, perhaps with arguments
        List<String> parts = new ArrayList<>();
        for (MaskSpec.Call c : calls) parts.add(c.toString());
        boolean ropeFirst = calls.get(0).name().equals(RopeStrategy.NAME);
        parts.add(p == Positional.ALIBI && ropeFirst ? 1 : 0, stage);
        return String.join(" >> ", parts);
    }

    private static ScorePlan site(ScorePlan plan, AttentionSite site, String spec, String option, ScoreModifierRegistry registry) {
        return spec == null ? plan : plan.with(site, check(spec, option, registry));
    }

    /** {@code registry}, with the built-in {@code rope} stage added unless a plugin already took its name. */
    static ScoreModifierRegistry withRope(ScoreModifierRegistry registry) {
        return registry.find(RopeStrategy.NAME).isPresent() ? registry : registry.with(new RopeStrategy());
    }

    /**
     * A score spec in its canonical form, {@code none} for every spelling of none.
     *
     * @throws MaskSpecException for a malformed spec or an unknown name; IllegalArgumentException for bad arguments
     */
    static String canonical(String spec, ScoreModifierRegistry withRope) {
        return AttentionScores.isNone(spec) ? AttentionScores.NONE_SPEC : withRope.canonical(spec);
    }

    private static String check(String spec, String option, ScoreModifierRegistry registry) {
        try {
            return canonical(spec, registry);
        } catch (MaskSpecException e) {
            throw CliException.usage(option + ": bad score spec: " + e.reason(), e);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(option + ": bad score spec: " + Errors.oneLine(e), e);
        }
    }
}
