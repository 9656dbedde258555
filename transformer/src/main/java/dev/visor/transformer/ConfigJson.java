package dev.visor.transformer;

import dev.visor.tensor.io.AtomicFiles;
import dev.visor.tensor.io.Json;
import dev.visor.tensor.io.JsonParseException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The JSON form of a {@link TransformerConfig}: one object with snake_case keys, enums by their
 * lower-case names and the mask plan as a nested object.
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
 *   "seed": 0
 * }
 * }</pre>
 *
 * Reading is strict: an unknown key is an error with a did-you-mean, and every value must have its
 * type. A hand-written file may start from a preset ({@code "preset": "tiny", "vocab_size": 16}) and
 * then set only what differs; without a preset, {@code d_model}, {@code heads}, the layer counts,
 * {@code d_ff}, {@code dropout}, {@code max_length} and the vocabulary sizes (or {@code vocab_size})
 * are required and every other key defaults as in the presets ({@code kv_heads} to {@code heads},
 * {@code attention_dropout} to {@code dropout}).
 */
final class ConfigJson {
    private static final List<String> KEYS = List.of("preset", "vocab_size", "architecture", "src_vocab_size",
            "tgt_vocab_size", "d_model", "heads", "kv_heads", "encoder_layers", "decoder_layers", "d_ff", "dropout",
            "attention_dropout", "activation", "norm_placement", "norm_eps", "positional", "max_length", "tie_weights",
            "share_embeddings", "pad_id", "bos_id", "eos_id", "masks", "seed");
    private static final List<String> REQUIRED_WITHOUT_PRESET = List.of("d_model", "heads", "encoder_layers",
            "decoder_layers", "d_ff", "dropout", "max_length");
    private static final String OVERRIDES = "overrides";

    private ConfigJson() {}

    static String write(TransformerConfig c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("architecture", c.architecture().key());
        m.put("src_vocab_size", c.srcVocabSize());
        m.put("tgt_vocab_size", c.tgtVocabSize());
        m.put("d_model", c.dModel());
        m.put("heads", c.heads());
        m.put("kv_heads", c.kvHeads());
        m.put("encoder_layers", c.encoderLayers());
        m.put("decoder_layers", c.decoderLayers());
        m.put("d_ff", c.dFF());
        m.put("dropout", c.dropout());
        m.put("attention_dropout", c.attentionDropout());
        m.put("activation", c.activation().key());
        m.put("norm_placement", c.normPlacement().key());
        m.put("norm_eps", c.normEps());
        m.put("positional", c.positional().key());
        m.put("max_length", c.maxLength());
        m.put("tie_weights", c.tieWeights());
        m.put("share_embeddings", c.shareEmbeddings());
        m.put("pad_id", c.padId());
        m.put("bos_id", c.bosId());
        m.put("eos_id", c.eosId());
        m.put("masks", masks(c.masks()));
        m.put("seed", c.seed());
        return Json.writePretty(m) + "\n";
    }

    private static Map<String, Object> masks(MaskPlan plan) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (AttentionSite site : AttentionSite.values()) {
            m.put(site.key(), plan.spec(site));
        }
        Map<String, Object> overrides = new LinkedHashMap<>();
        for (AttentionSite site : AttentionSite.values()) {
            SortedMap<Integer, String> o = plan.overrides(site);
            if (!o.isEmpty()) {
                Map<String, Object> layers = new LinkedHashMap<>();
                o.forEach((layer, spec) -> layers.put(Integer.toString(layer), spec));
                overrides.put(site.key(), layers);
            }
        }
        if (!overrides.isEmpty()) {
            m.put(OVERRIDES, overrides);
        }
        return m;
    }

    static TransformerConfig read(String json) {
        Map<String, Object> m;
        try {
            m = Json.parseObject(json);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException("the Transformer config is not valid JSON: " + e.getMessage(), e);
        }
        return read(m);
    }

    static TransformerConfig read(Map<String, Object> m) {
        for (String k : m.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown config key '" + k + "'" + suggest(k, KEYS) + "; known keys: " + KEYS);
            }
        }
        TransformerConfig.Builder b;
        if (m.containsKey("preset")) {
            String preset = string(m, "preset");
            if (!m.containsKey("vocab_size") && !(m.containsKey("src_vocab_size") && m.containsKey("tgt_vocab_size"))) {
                throw new IllegalArgumentException("a config from preset '" + preset
                        + "' needs 'vocab_size' (or both 'src_vocab_size' and 'tgt_vocab_size')");
            }
            int vocab = m.containsKey("vocab_size") ? integer(m, "vocab_size") : integer(m, "src_vocab_size");
            b = TransformerConfig.preset(preset, vocab).toBuilder();
        } else {
            List<String> missing = new ArrayList<>();
            for (String k : REQUIRED_WITHOUT_PRESET) {
                if (!m.containsKey(k)) {
                    missing.add(k);
                }
            }
            if (!m.containsKey("vocab_size") && !(m.containsKey("src_vocab_size") && m.containsKey("tgt_vocab_size"))) {
                missing.add("vocab_size (or src_vocab_size and tgt_vocab_size)");
            }
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("the config lacks " + missing
                        + "; give them, or start from a preset with \"preset\": \"tiny\" | \"small\" | \"base\"");
            }
            int heads = integer(m, "heads");
            int vocab = m.containsKey("vocab_size") ? integer(m, "vocab_size") : integer(m, "src_vocab_size");
            b = TransformerConfig.tiny(Math.max(vocab, 3)).toBuilder().heads(heads);
        }
        if (m.containsKey("vocab_size")) {
            b.vocabSize(integer(m, "vocab_size"));
        }
        ifPresent(m, "architecture", k -> b.architecture(choice(m, k, TransformerConfig.Architecture.values(),
                TransformerConfig.Architecture::key)));
        ifPresent(m, "src_vocab_size", k -> b.srcVocabSize(integer(m, k)));
        ifPresent(m, "tgt_vocab_size", k -> b.tgtVocabSize(integer(m, k)));
        ifPresent(m, "d_model", k -> b.dModel(integer(m, k)));
        ifPresent(m, "heads", k -> b.heads(integer(m, k)));
        ifPresent(m, "kv_heads", k -> b.kvHeads(integer(m, k)));
        ifPresent(m, "encoder_layers", k -> b.encoderLayers(integer(m, k)));
        ifPresent(m, "decoder_layers", k -> b.decoderLayers(integer(m, k)));
        ifPresent(m, "d_ff", k -> b.dFF(integer(m, k)));
        ifPresent(m, "dropout", k -> b.dropout(number(m, k)));
        ifPresent(m, "attention_dropout", k -> b.attentionDropout(number(m, k)));
        ifPresent(m, "activation", k -> b.activation(choice(m, k, TransformerConfig.Activation.values(),
                TransformerConfig.Activation::key)));
        ifPresent(m, "norm_placement", k -> b.normPlacement(choice(m, k, TransformerConfig.NormPlacement.values(),
                TransformerConfig.NormPlacement::key)));
        ifPresent(m, "norm_eps", k -> b.normEps(number(m, k)));
        ifPresent(m, "positional", k -> b.positional(choice(m, k, TransformerConfig.Positional.values(),
                TransformerConfig.Positional::key)));
        ifPresent(m, "max_length", k -> b.maxLength(integer(m, k)));
        ifPresent(m, "tie_weights", k -> b.tieWeights(bool(m, k)));
        ifPresent(m, "share_embeddings", k -> b.shareEmbeddings(bool(m, k)));
        ifPresent(m, "pad_id", k -> b.padId(integer(m, k)));
        ifPresent(m, "bos_id", k -> b.bosId(integer(m, k)));
        ifPresent(m, "eos_id", k -> b.eosId(integer(m, k)));
        ifPresent(m, "masks", k -> b.masks(readMasks(object(m, k))));
        ifPresent(m, "seed", k -> b.seed(longValue(m, k)));
        return b.build();
    }

    private static MaskPlan readMasks(Map<String, Object> m) {
        List<String> known = new ArrayList<>();
        for (AttentionSite s : AttentionSite.values()) {
            known.add(s.key());
        }
        known.add(OVERRIDES);
        for (String k : m.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown key 'masks." + k + "'" + suggest(k, known) + "; known keys: " + known);
            }
        }
        EnumMap<AttentionSite, String> sites = new EnumMap<>(AttentionSite.class);
        for (AttentionSite s : AttentionSite.values()) {
            sites.put(s, m.containsKey(s.key()) ? string(m, s.key()) : s.defaultSpec());
        }
        EnumMap<AttentionSite, SortedMap<Integer, String>> overrides = new EnumMap<>(AttentionSite.class);
        if (m.containsKey(OVERRIDES)) {
            Map<String, Object> o = object(m, OVERRIDES);
            for (Map.Entry<String, Object> e : o.entrySet()) {
                AttentionSite site;
                try {
                    site = AttentionSite.fromKey(e.getKey());
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("in 'masks.overrides': " + ex.getMessage(), ex);
                }
                Map<String, Object> layers = object(o, e.getKey());
                TreeMap<Integer, String> byLayer = new TreeMap<>();
                for (String layer : layers.keySet()) {
                    int index;
                    try {
                        index = Integer.parseInt(layer);
                    } catch (NumberFormatException ex) {
                        throw new IllegalArgumentException("'masks.overrides." + e.getKey() + "' has key '" + layer
                                + "' but expected layer indices (\"0\", \"1\", ...)", ex);
                    }
                    byLayer.put(index, string(layers, layer));
                }
                overrides.put(site, byLayer);
            }
        }
        return new MaskPlan(sites, overrides);
    }

    static void save(TransformerConfig c, Path file) throws IOException {
        AtomicFiles.writeString(file, write(c));
    }

    static TransformerConfig load(Path file) throws IOException {
        Map<String, Object> m;
        try {
            m = Json.readObject(file);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(file + ": the Transformer config is not valid JSON: " + e.getMessage(), e);
        }
        try {
            return read(m);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------ typed access

    private static void ifPresent(Map<String, Object> m, String key, java.util.function.Consumer<String> action) {
        if (m.containsKey(key)) {
            action.accept(key);
        }
    }

    private static int integer(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Long l && l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
            return (int) (long) l;
        }
        throw new IllegalArgumentException("'" + key + "' must be an integer but got " + describe(v));
    }

    private static long longValue(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Long l) {
            return l;
        }
        throw new IllegalArgumentException("'" + key + "' must be a 64-bit integer but got " + describe(v));
    }

    private static double number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Long l) {
            return l;
        }
        throw new IllegalArgumentException("'" + key + "' must be a number but got " + describe(v));
    }

    private static boolean bool(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("'" + key + "' must be true or false but got " + describe(v));
    }

    private static String string(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("'" + key + "' must be a string but got " + describe(v));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Map<?, ?> o) {
            return (Map<String, Object>) o;
        }
        throw new IllegalArgumentException("'" + key + "' must be an object but got " + describe(v));
    }

    private static <E extends Enum<E>> E choice(Map<String, Object> m, String key, E[] values, Function<E, String> name) {
        String s = string(m, key);
        List<String> names = new ArrayList<>();
        for (E e : values) {
            if (name.apply(e).equals(s)) {
                return e;
            }
            names.add(name.apply(e));
        }
        throw new IllegalArgumentException("'" + key + "' is '" + s + "'" + suggest(s, names) + "; expected one of " + names);
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return Json.quote(s);
        }
        if (v instanceof Map || v instanceof List) {
            return v instanceof Map ? "an object" : "an array";
        }
        return v.toString();
    }

    /** "; did you mean 'x'?" for the closest of {@code known} within a small edit distance, else "". */
    static String suggest(String word, Iterable<String> known) {
        String best = null;
        int bestDistance = Math.max(1, Math.min(3, word.length() / 3)) + 1;
        for (String k : known) {
            int d = distance(word, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best == null ? "" : "; did you mean '" + best + "'?";
    }

    /** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }
}
