package dev.visor.cli;

import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.TransformerConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The lines of a training header that describe a model's masks: each site's spec and every per-layer
 * override. Layers are numbered from 0 everywhere — in {@code --mask-layer}, in these lines, in the
 * attention pictures and in the parameter names ({@code decoder.layers.0}).
 */
final class ModelSummary {
    private ModelSummary() {}

    /**
     * The per-layer overrides of some sites, one line each.
     *
     * @param c the config
     * @param indent what each line starts with
     * @param sites the sites the model has
     * @return e.g. {@code "           decoder_self layer 1: causal & padding & sliding_window(left=4, right=0)"}
     */
    static List<String> overrides(TransformerConfig c, String indent, List<AttentionSite> sites) {
        List<String> out = new ArrayList<>();
        for (AttentionSite s : sites) {
            for (Map.Entry<Integer, String> e : c.masks().overrides(s).entrySet()) {
                out.add(indent + s.key() + " layer " + e.getKey() + ": " + e.getValue());
            }
        }
        return out;
    }

    /**
     * The lines describing how a model forms its attention scores, empty when every site's spec is
     * {@code none}: the sites' specs and the positional encoding on one line, then one line per
     * per-layer override.
     *
     * @param c the config
     * @param sites the sites the model has
     * @return e.g. {@code "  scores   encoder: rope · decoder: rope >> alibi · cross: none; positional none"}
     */
    static List<String> scores(TransformerConfig c, List<AttentionSite> sites) {
        List<String> out = new ArrayList<>();
        if (c.scores().isNone()) return out;
        StringBuilder line = new StringBuilder("  scores   ");
        for (AttentionSite s : sites) {
            if (sites.size() > 1) line.append(s == sites.get(0) ? "" : " · ").append(SHORT.getOrDefault(s, s.key())).append(": ");
            line.append(c.scores().spec(s));
        }
        out.add(line.append("; positional ").append(c.positional().key()).toString());
        for (AttentionSite s : sites) {
            c.scores().overrides(s).forEach((layer, spec) -> out.add("           " + s.key() + " layer " + layer + ": " + spec));
        }
        return out;
    }

    private static final Map<AttentionSite, String> SHORT = Map.of(AttentionSite.ENCODER_SELF, "encoder",
            AttentionSite.DECODER_SELF, "decoder", AttentionSite.CROSS, "cross");

    /**
     * The parameter count of a model.
     *
     * @param model the model
     * @return the number of scalars in its parameters
     */
    static long parameters(dev.visor.tensor.nn.Module model) {
        return model.parameters().stream().mapToLong(t -> t.numel()).sum();
    }
}
