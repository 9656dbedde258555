package dev.visor.transformer;

import dev.visor.attention.AttentionScores;
import dev.visor.attention.RopeStrategy;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.transformer.TransformerConfig.Architecture;

/**
 * The validation of {@link TransformerConfig}, by concern: sizes, layer counts per architecture,
 * vocabularies and their sharing, regularisation, and special tokens. Every failure is an
 * {@link IllegalArgumentException} naming the JSON keys and their values.
 */
final class ConfigChecks {
    private ConfigChecks() {}

    /** Every size is positive and {@code d_model} splits into heads, heads into key/value heads. */
    static void dimensions(int srcVocabSize, int tgtVocabSize, int dModel, int heads, int kvHeads, int dFF, int maxLength) {
        positive("src_vocab_size", srcVocabSize);
        positive("tgt_vocab_size", tgtVocabSize);
        positive("d_model", dModel);
        positive("heads", heads);
        positive("kv_heads", kvHeads);
        positive("d_ff", dFF);
        positive("max_length", maxLength);
        if (dModel % heads != 0) {
            throw new IllegalArgumentException("d_model=" + dModel + " is not divisible by heads=" + heads
                    + "; each head needs d_model/heads features");
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException("heads=" + heads + " is not divisible by kv_heads=" + kvHeads
                    + "; each key/value head must serve the same number of query heads");
        }
    }

    /** The stacks the architecture has are at least one layer deep, the others absent. */
    static void layers(Architecture architecture, int encoderLayers, int decoderLayers) {
        if (encoderLayers < 0 || decoderLayers < 0) {
            throw new IllegalArgumentException("layer counts must be >= 0 but got encoder_layers=" + encoderLayers
                    + ", decoder_layers=" + decoderLayers);
        }
        switch (architecture) {
            case ENCODER_DECODER -> {
                if (encoderLayers < 1 || decoderLayers < 1) {
                    throw new IllegalArgumentException("an encoder-decoder model needs encoder_layers >= 1 and decoder_layers >= 1"
                            + " but got encoder_layers=" + encoderLayers + ", decoder_layers=" + decoderLayers);
                }
            }
            case DECODER_ONLY -> {
                if (encoderLayers != 0 || decoderLayers < 1) {
                    throw new IllegalArgumentException("a decoder-only model needs encoder_layers=0 and decoder_layers >= 1"
                            + " but got encoder_layers=" + encoderLayers + ", decoder_layers=" + decoderLayers);
                }
            }
            case ENCODER_ONLY -> {
                if (decoderLayers != 0 || encoderLayers < 1) {
                    throw new IllegalArgumentException("an encoder-only model needs decoder_layers=0 and encoder_layers >= 1"
                            + " but got encoder_layers=" + encoderLayers + ", decoder_layers=" + decoderLayers);
                }
            }
        }
    }

    /** Vocabularies agree wherever the architecture or the sharing options make them one. */
    static void vocabularies(Architecture architecture, int srcVocabSize, int tgtVocabSize, boolean tieWeights,
                             boolean shareEmbeddings) {
        if (architecture == Architecture.DECODER_ONLY && srcVocabSize != tgtVocabSize) {
            throw new IllegalArgumentException("a decoder_only model has one vocabulary, so src_vocab_size="
                    + srcVocabSize + " must equal tgt_vocab_size=" + tgtVocabSize);
        }
        if (architecture == Architecture.ENCODER_ONLY && tieWeights && srcVocabSize != tgtVocabSize) {
            throw new IllegalArgumentException("tie_weights shares the head with the embeddings, so an encoder_only model"
                    + " needs tgt_vocab_size (the head's classes)=" + tgtVocabSize + " equal to src_vocab_size=" + srcVocabSize);
        }
        if (shareEmbeddings) {
            if (architecture != Architecture.ENCODER_DECODER) {
                throw new IllegalArgumentException("share_embeddings ties the source and target embeddings, which only an"
                        + " encoder-decoder model has, but the architecture is " + architecture.key());
            }
            if (srcVocabSize != tgtVocabSize) {
                throw new IllegalArgumentException("share_embeddings needs one vocabulary but src_vocab_size=" + srcVocabSize
                        + " and tgt_vocab_size=" + tgtVocabSize);
            }
        }
    }

    /** Dropouts are probabilities below 1 and the norm epsilon is finite and positive. */
    static void regularisation(double dropout, double attentionDropout, double normEps) {
        probability("dropout", dropout);
        probability("attention_dropout", attentionDropout);
        if (!(normEps > 0) || Double.isInfinite(normEps)) {
            throw new IllegalArgumentException("norm_eps must be finite and > 0 but got " + normEps);
        }
    }

    /** Special tokens lie in their vocabularies, and decoding's start and end tokens are not padding. */
    static void tokens(Architecture architecture, int srcVocabSize, int tgtVocabSize, int padId, int bosId, int eosId) {
        if (architecture == Architecture.ENCODER_ONLY) {
            tokenId("pad_id", padId, srcVocabSize);
            return;
        }
        tokenId("pad_id", padId, Math.min(srcVocabSize, tgtVocabSize));
        tokenId("bos_id", bosId, tgtVocabSize);
        tokenId("eos_id", eosId, tgtVocabSize);
        if (bosId == padId || eosId == padId) {
            throw new IllegalArgumentException("bos_id=" + bosId + " and eos_id=" + eosId + " must differ from pad_id="
                    + padId + ", or decoded tokens would be taken for padding");
        }
    }

    static void scores(ScorePlan scores, Architecture architecture, int encoderLayers, int decoderLayers) {
        scores.checkLayers(AttentionSite.ENCODER_SELF, encoderLayers, architecture.key());
        scores.checkLayers(AttentionSite.DECODER_SELF, decoderLayers, architecture.key());
        int cross = architecture == Architecture.ENCODER_DECODER ? decoderLayers : 0;
        scores.checkLayers(AttentionSite.CROSS, cross, architecture.key());
        for (int layer = 0; layer < cross; layer++) {
            String spec = scores.spec(AttentionSite.CROSS, layer);
            if (!AttentionScores.isNone(spec) && ScoreModifierRegistry.parseSyntax(spec).stream()
                    .anyMatch(c -> c.name().equals(RopeStrategy.NAME))) {
                throw new IllegalArgumentException("the cross score spec of layer " + layer + ", '" + spec + "', has rope,"
                        + " but cross-attention keys (the encoder's positions) share no position axis with its queries;"
                        + " give rope to encoder_self and decoder_self");
            }
        }
    }

    private static void positive(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1 but got " + value);
        }
    }

    private static void probability(String name, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1) but got " + p);
        }
    }

    private static void tokenId(String name, int id, int vocab) {
        if (id < 0 || id >= vocab) {
            throw new IllegalArgumentException(name + "=" + id + " is outside the vocabulary [0, " + vocab + ")");
        }
    }
}
