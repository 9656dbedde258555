package dev.visor.cli;

import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskSpecException;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.MaskPlan;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerConfigBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * Every field of a {@link TransformerConfig} as a command-line option, applied over a base: the
 * command's default model, a {@code --preset}, or a {@code --config FILE} (the JSON a checkpoint's
 * {@code config.json} holds). Vocabulary sizes and special token ids come from the data and are set
 * last. The mask of any attention site and layer can be set:
 * {@code --decoder-mask "causal & padding & sliding_window(left=16)"},
 * {@code --mask-layer decoder_self:1=causal & padding}; score specs and {@code --positional} are
 * {@link ScoreOptions}.
 */
final class ModelOptions {
    private static final Pattern LAYER_SPEC = Pattern.compile("([a-z_]+):(\\d+)=(.+)", Pattern.DOTALL);

    @Option(names = "--config", paramLabel = "FILE", description = "Start from this JSON model config (e.g. a checkpoint's config.json).")
    Path configFile;

    @Option(names = "--preset", paramLabel = "NAME", description = "Start from a preset: tiny, small or base.")
    String preset;

    @Option(names = "--d-model", paramLabel = "N", description = "Model width d_model.")
    Integer dModel;

    @Option(names = "--heads", paramLabel = "N", description = "Attention heads.")
    Integer heads;

    @Option(names = "--kv-heads", paramLabel = "N", description = "Key/value heads (fewer than --heads: grouped-query attention).")
    Integer kvHeads;

    @Option(names = "--layers", paramLabel = "N", description = "Encoder and decoder layers.")
    Integer layers;

    @Option(names = "--encoder-layers", paramLabel = "N", description = "Encoder layers.")
    Integer encoderLayers;

    @Option(names = "--decoder-layers", paramLabel = "N", description = "Decoder layers.")
    Integer decoderLayers;

    @Option(names = "--d-ff", paramLabel = "N", description = "Inner width of the feed-forward network.")
    Integer dFF;

    @Option(names = "--dropout", paramLabel = "P", description = "Residual, embedding and feed-forward dropout.")
    Double dropout;

    @Option(names = "--attention-dropout", paramLabel = "P", description = "Dropout on attention weights.")
    Double attentionDropout;

    @Option(names = "--activation", paramLabel = "relu|gelu", description = "Feed-forward activation.")
    TransformerConfig.Activation activation;

    @Option(names = "--norm", paramLabel = "post|pre", description = "Norm placement: post (the paper) or pre.")
    TransformerConfig.NormPlacement norm;

    @Option(names = "--norm-eps", paramLabel = "EPS", description = "Layer-norm epsilon.")
    Double normEps;

    @Option(names = "--max-length", paramLabel = "N", description = "Longest sequence the model accepts.")
    Integer maxLength;

    @Option(names = "--tie-weights", paramLabel = "true|false", arity = "0..1", fallbackValue = "true",
            description = "Share the generator's weight with the target embedding.")
    Boolean tieWeights;

    @Option(names = "--share-embeddings", paramLabel = "true|false", arity = "0..1", fallbackValue = "true",
            description = "Share source and target embeddings (one vocabulary).")
    Boolean shareEmbeddings;

    @Option(names = "--init-seed", paramLabel = "N", description = "Seed of the initial weights.")
    Long initSeed;

    @Option(names = "--encoder-mask", paramLabel = "SPEC", description = "Mask of encoder self-attention (default: padding).")
    String encoderMask;

    @Option(names = "--decoder-mask", paramLabel = "SPEC", description = "Mask of decoder self-attention (default: causal & padding).")
    String decoderMask;

    @Option(names = "--cross-mask", paramLabel = "SPEC", description = "Mask of cross-attention (default: padding).")
    String crossMask;

    @Option(names = "--mask-layer", paramLabel = "SITE:LAYER=SPEC",
            description = "Mask of one layer of a site (encoder_self, decoder_self, cross), layers from 0; repeatable.")
    List<String> layerMasks = new ArrayList<>();

    @ArgGroup(exclusive = false, validate = false)
    ScoreOptions scores = new ScoreOptions();

    /**
     * Builds the configuration.
     *
     * @param defaults the command's default model, used when neither --config nor --preset is given
     * @param vocabSize the vocabulary of the data (source and target)
     * @param padId the padding id
     * @param bosId the begin id
     * @param eosId the end id
     * @param registry the registry mask specs are checked against
     * @param scoreRegistry the registry score specs are checked against
     * @return the validated configuration
     * @throws CliException (usage) for an unreadable config, a malformed spec or an impossible combination
     */
    TransformerConfig build(TransformerConfig defaults, int vocabSize, int padId, int bosId, int eosId, MaskRegistry registry,
                            ScoreModifierRegistry scoreRegistry) {
        if (configFile != null && preset != null) throw CliException.usage("give either --config or --preset, not both");
        TransformerConfig base = defaults;
        if (configFile != null) base = load(configFile);
        if (preset != null) {
            try {
                TransformerConfig p = TransformerConfig.preset(preset, vocabSize);
                base = defaults.architecture() == TransformerConfig.Architecture.DECODER_ONLY ? p.decoderOnly() : p;
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--preset: " + Errors.oneLine(e), e);
            }
        }
        TransformerConfigBuilder b = base.toBuilder();
        if (dModel != null) b.dModel(dModel);
        if (heads != null) b.heads(heads);
        if (kvHeads != null) b.kvHeads(kvHeads);
        else if (heads != null) b.kvHeads(heads);
        if (layers != null) {
            if (base.encoderLayers() > 0) b.encoderLayers(layers);
            if (base.decoderLayers() > 0) b.decoderLayers(layers);
        }
        if (encoderLayers != null) b.encoderLayers(encoderLayers);
        if (decoderLayers != null) b.decoderLayers(decoderLayers);
        if (dFF != null) b.dFF(dFF);
        if (dropout != null) b.dropout(dropout);
        if (attentionDropout != null) b.attentionDropout(attentionDropout);
        if (activation != null) b.activation(activation);
        if (norm != null) b.normPlacement(norm);
        if (normEps != null) b.normEps(normEps);
        if (maxLength != null) b.maxLength(maxLength);
        if (tieWeights != null) b.tieWeights(tieWeights);
        if (shareEmbeddings != null) b.shareEmbeddings(shareEmbeddings);
        if (initSeed != null) b.seed(initSeed);
        b.srcVocabSize(vocabSize).tgtVocabSize(vocabSize).padId(padId).bosId(bosId).eosId(eosId);
        MaskPlan plan = base.masks();
        plan = site(plan, AttentionSite.ENCODER_SELF, encoderMask, "--encoder-mask", registry);
        plan = site(plan, AttentionSite.DECODER_SELF, decoderMask, "--decoder-mask", registry);
        plan = site(plan, AttentionSite.CROSS, crossMask, "--cross-mask", registry);
        for (String entry : layerMasks) {
            Matcher m = LAYER_SPEC.matcher(entry.strip());
            if (!m.matches()) {
                throw CliException.usage("--mask-layer '" + entry + "' is not SITE:LAYER=SPEC, e.g. decoder_self:1=causal & padding");
            }
            AttentionSite site;
            try {
                site = AttentionSite.fromKey(m.group(1));
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--mask-layer: " + Errors.oneLine(e), e);
            }
            String spec = check(m.group(3), "--mask-layer " + m.group(1) + ":" + m.group(2), registry);
            plan = plan.withLayers(site, spec, Integer.parseInt(m.group(2)));
        }
        b.masks(plan);
        scores.apply(b, base, scoreRegistry);
        TransformerConfig config;
        try {
            config = b.build();
        } catch (IllegalArgumentException e) {
            throw CliException.usage("impossible model: " + Errors.oneLine(e), e);
        }
        checkSize(config, Runtime.getRuntime().maxMemory());
        return config;
    }

    /** Bytes per parameter when training: the weight, its gradient and AdamW's two moments, float32 each. */
    static final long TRAINING_BYTES_PER_PARAMETER = 16;

    /**
     * Refuses, before anything is allocated, a model with a tensor too large for a Java array or
     * more parameters than the JVM's memory can train.
     *
     * @param c the configuration
     * @param maxMemory the JVM's heap limit in bytes
     * @throws CliException (usage) naming the tensor or the memory needed and available
     */
    static void checkSize(TransformerConfig c, long maxMemory) {
        long d = c.dModel();
        long vocab = Math.max(c.srcVocabSize(), c.tgtVocabSize());
        long headDim = d / c.heads();
        long[][] tensors = {
            {vocab, d}, {c.dFF(), d}, {d + 2L * c.kvHeads() * headDim, d}, {c.maxLength(), d}};
        String[] names = {"the embedding (vocabulary × d_model)", "a feed-forward weight (d_ff × d_model)",
            "an attention in-projection ((d_model + 2·kv_heads·head_dim) × d_model)", "the position table (max_length × d_model)"};
        for (int i = 0; i < tensors.length; i++) {
            long elements = tensors[i][0] * tensors[i][1];
            if (tensors[i][0] > 0 && elements / tensors[i][0] != tensors[i][1] || elements > Integer.MAX_VALUE - 8) {
                throw CliException.usage("impossible model: " + names[i] + " would have " + tensors[i][0] + " × "
                        + tensors[i][1] + " elements, more than a tensor can hold (" + (Integer.MAX_VALUE - 8) + ")");
            }
        }
        // per layer: attention in/out projections (self, plus cross in the decoder), two FFN matrices
        long attention = (d + 2L * c.kvHeads() * headDim) * d + d * d;
        long ffn = 2L * d * c.dFF();
        long parameters = c.encoderLayers() * (attention + ffn) + c.decoderLayers() * (2 * attention + ffn)
                + (c.srcVocabSize() + 2L * c.tgtVocabSize() + c.maxLength()) * d;
        long bytes = parameters * TRAINING_BYTES_PER_PARAMETER;
        if (parameters < 0 || bytes / TRAINING_BYTES_PER_PARAMETER != parameters || bytes > maxMemory) {
            throw CliException.usage(String.format(java.util.Locale.ROOT, "the model has about %,d parameters, %,d MB "
                    + "to train (weights, gradients and AdamW state), but the JVM may use at most %,d MB; use smaller sizes "
                    + "or give the JVM more memory (VISOR_JAVA_OPTS=-Xmx...)", parameters, bytes >> 20, maxMemory >> 20));
        }
    }

    /** @return whether any option changes the model's shape (so resuming from a checkpoint must refuse them) */
    boolean anyGiven() {
        return configFile != null || preset != null || dModel != null || heads != null || kvHeads != null || layers != null
                || encoderLayers != null || decoderLayers != null || dFF != null || dropout != null || attentionDropout != null
                || activation != null || norm != null || normEps != null || scores.anyGiven() || maxLength != null
                || tieWeights != null || shareEmbeddings != null || initSeed != null || encoderMask != null
                || decoderMask != null || crossMask != null || !layerMasks.isEmpty();
    }

    private static MaskPlan site(MaskPlan plan, AttentionSite site, String spec, String option, MaskRegistry registry) {
        return spec == null ? plan : plan.with(site, check(spec, option, registry));
    }

    private static String check(String spec, String option, MaskRegistry registry) {
        try {
            return registry.parse(spec).toString();
        } catch (MaskSpecException e) {
            throw CliException.usage(option + ": bad mask spec: " + e.reason(), e);
        }
    }

    private static TransformerConfig load(Path file) {
        try {
            return TransformerConfig.load(file);
        } catch (IOException e) {
            throw CliException.failure("cannot read --config " + file + ": " + Errors.oneLine(e), e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            String why = Errors.oneLine(e);   // the config reader already names the file
            throw CliException.usage("--config: " + (why.startsWith(file.toString()) ? why : file + ": " + why), e);
        }
    }
}
