package dev.visor.transformer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.visor.tensor.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link TransformerConfig}: the record mapped by {@link ConfigMapper} (snake_case
 * keys, enums by their lower-case names, the mask plan as a nested object, see {@link MaskPlanJson}).
 *
 * <pre>{@code
 * {
 *   "architecture": "encoder_decoder",
 *   "src_vocab_size": 16, "tgt_vocab_size": 16,
 *   "d_model": 32, "heads": 4, "kv_heads": 4, "encoder_layers": 2, "decoder_layers": 2, "d_ff": 64,
 *   "dropout": 0.0, "attention_dropout": 0.0, "activation": "relu", "norm_placement": "post",
 *   "norm_eps": 1.0E-5, "positional": "sinusoidal", "max_length": 64,
 *   "tie_weights": false, "share_embeddings": false, "pad_id": 0, "bos_id": 1, "eos_id": 2,
 *   "masks": {"encoder_self": "padding", "decoder_self": "causal & padding", "cross": "padding",
 *             "overrides": {"decoder_self": {"1": "causal & sliding_window(left=4)"}}},
 *   "scores": {"decoder_self": "rope >> alibi"},
 *   "seed": 0
 * }
 * }</pre>
 *
 * {@code scores} (the {@link ScorePlan}, same form as {@code masks}) is written only when some site
 * modifies its scores, so configs without score specs keep the layout they had before them; a
 * missing {@code scores}, or a site left out of it, reads as {@code none}.
 *
 * Reading is strict: an unknown key is an error with a did-you-mean, and every value must have its
 * type. A hand-written file may start from a preset ({@code "preset": "tiny", "vocab_size": 16}) and
 * then set only what differs; without a preset, {@code d_model}, {@code heads}, the layer counts,
 * {@code d_ff}, {@code dropout}, {@code max_length} and the vocabulary sizes (or {@code vocab_size})
 * are required and every other key defaults as in the presets ({@code kv_heads} to {@code heads},
 * {@code attention_dropout} to {@code dropout}). Reading overlays the file's keys on the preset's
 * JSON and binds the result, so a new record component is read and written with no code here.
 */
final class ConfigJson {
    private static final String PRESET = "preset";
    private static final String VOCAB_SIZE = "vocab_size";
    private static final String SCORES = "scores";
    private static final List<String> KEYS = keys();
    private static final List<String> REQUIRED_WITHOUT_PRESET = List.of("d_model", "heads", "encoder_layers",
            "decoder_layers", "d_ff", "dropout", "max_length");
    /** A key that defaults to another key's value when only the other is given (as the builder does). */
    private static final Map<String, String> FOLLOWS = Map.of("kv_heads", "heads", "attention_dropout", "dropout");

    private ConfigJson() {}

    private static List<String> keys() {
        List<String> keys = new ArrayList<>(List.of(PRESET, VOCAB_SIZE));
        keys.addAll(ConfigMapper.keys(TransformerConfig.class));
        return List.copyOf(keys);
    }

    static String write(TransformerConfig c) {
        return ConfigMapper.toJson(c) + "\n";
    }

    static TransformerConfig read(String json) {
        JsonNode m;
        try {
            m = ConfigMapper.parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the Transformer config is not valid JSON: " + e.getMessage(), e);
        }
        if (!m.isObject()) {
            throw new IllegalArgumentException("the Transformer config must be a JSON object but is "
                    + ConfigMapper.describe(m));
        }
        return read((ObjectNode) m);
    }

    static TransformerConfig read(ObjectNode m) {
        ConfigMapper.requireKnownKeys(m, KEYS, "config key '");
        boolean vocab = m.has(VOCAB_SIZE) || m.has("src_vocab_size") && m.has("tgt_vocab_size");
        TransformerConfig base;
        if (m.has(PRESET)) {
            String preset = string(m, PRESET);
            if (!vocab) {
                throw new IllegalArgumentException("a config from preset '" + preset
                        + "' needs 'vocab_size' (or both 'src_vocab_size' and 'tgt_vocab_size')");
            }
            base = TransformerConfig.preset(preset, integer(m, m.has(VOCAB_SIZE) ? VOCAB_SIZE : "src_vocab_size"));
        } else {
            List<String> missing = new ArrayList<>();
            for (String k : REQUIRED_WITHOUT_PRESET) {
                if (!m.has(k)) {
                    missing.add(k);
                }
            }
            if (!vocab) {
                missing.add("vocab_size (or src_vocab_size and tgt_vocab_size)");
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("the config lacks " + missing
                        + "; give them, or start from a preset with \"preset\": \"tiny\" | \"small\" | \"base\"");
            }
            base = TransformerConfig.tiny(3); // every key it sets that matters is given or follows one given
        }
        ObjectNode merged = (ObjectNode) ConfigMapper.parse(ConfigMapper.toJson(base));
        if (m.has(VOCAB_SIZE)) {
            merged.set("src_vocab_size", m.get(VOCAB_SIZE));
            merged.set("tgt_vocab_size", m.get(VOCAB_SIZE));
        }
        FOLLOWS.forEach((follower, leader) -> {
            if (m.has(leader) && !m.has(follower)) {
                merged.set(follower, m.get(leader));
            }
        });
        for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getKey().equals(PRESET) && !e.getKey().equals(VOCAB_SIZE)) {
                merged.set(e.getKey(), e.getValue());
            }
        }
        if (!merged.has(SCORES)) {
            merged.putObject(SCORES);   // written without score specs (all "none"), or before they existed
        }
        return ConfigMapper.bind(merged, TransformerConfig.class);
    }

    static void save(TransformerConfig c, Path file) throws IOException {
        AtomicFiles.writeString(file, write(c));
    }

    static TransformerConfig load(Path file) throws IOException {
        try {
            return read(Files.readString(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private static int integer(JsonNode m, String key) {
        JsonNode v = m.get(key);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException("'" + key + "' must be an integer but got " + ConfigMapper.describe(v));
        }
        return v.intValue();
    }

    private static String string(JsonNode m, String key) {
        JsonNode v = m.get(key);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("'" + key + "' must be a string but got " + ConfigMapper.describe(v));
        }
        return v.textValue();
    }
}
