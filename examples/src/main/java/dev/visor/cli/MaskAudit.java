package dev.visor.cli;

import dev.visor.attention.MaskInputs;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskRegistry;
import dev.visor.tensor.GradMode;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.SiteInputs;
import dev.visor.transformer.TokenBatch;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * An empirical check that a trained model's outputs do not depend on the inputs its masks hide.
 *
 * <p>For every output position {@code q} it computes which input positions can reach {@code q}
 * through some chain of attention across the layers, under the claimed masks (by default the model's
 * own specs): with {@code A_l(q, k)} = "layer l lets q attend k, or k = q" (the residual), a decoder
 * position depends on target positions {@code D_t = A_L ∘ … ∘ A_1} and, through cross-attention, on
 * source positions reached by {@code C_l ∘ D_enc} at any layer. Every other input position is hidden
 * from {@code q}. It then perturbs hidden positions (padding included) to other tokens and requires the
 * logits at {@code q} to stay exactly the same, and, as a control, perturbs visible positions and
 * counts how often the logits move, which shows the check has power.
 *
 * <p>This tests the whole path the model runs — the strategy's predicate, its block classification,
 * the kernel that skips blocks — so a plugin whose {@code classify} disagrees with its {@code attends}
 * is caught, not only a wrong kernel.
 */
final class MaskAudit {
    /** Largest change of a logit that still counts as unchanged, relative to the logit's size. */
    static final double TOLERANCE = 1e-5;

    private final TransformerModel model;
    private final MaskRegistry registry;
    private final Map<AttentionSite, String> claimed;
    private final int symbolsFrom;
    private final int symbolsTo;

    /**
     * Outcome of one kind of trial.
     *
     * @param trials perturbations made
     * @param changed perturbations after which some checked logit moved beyond the tolerance
     * @param maxDelta the largest change of a checked logit
     * @param checked logits compared
     */
    record Tally(int trials, int changed, double maxDelta, long checked) {
        Tally add(boolean moved, double delta, long compared) {
            return new Tally(trials + 1, changed + (moved ? 1 : 0), Math.max(maxDelta, delta), checked + compared);
        }
    }

    /**
     * The outcome.
     *
     * @param hiddenSource perturbations of source positions hidden from the checked outputs
     * @param hiddenTarget perturbations of target positions hidden from the checked outputs
     * @param visible perturbations of visible positions (the control)
     * @param firstLeak a description of the first hidden perturbation that moved an output, or null
     */
    record Report(Tally hiddenSource, Tally hiddenTarget, Tally visible, String firstLeak) {
        /** @return whether no hidden perturbation moved an output */
        boolean passed() {
            return hiddenSource.changed() == 0 && hiddenTarget.changed() == 0;
        }
    }

    /**
     * Prepares an audit.
     *
     * @param model the model (run with its own masks)
     * @param registry the registry its specs resolve in
     * @param claimed per site, the spec the outputs are claimed to obey (sites absent: the model's own per-layer specs)
     * @param symbolsFrom the first token id perturbations may use
     * @param symbolsTo one past the last
     */
    MaskAudit(TransformerModel model, MaskRegistry registry, Map<AttentionSite, String> claimed, int symbolsFrom, int symbolsTo) {
        this.model = model;
        this.registry = registry;
        this.claimed = new EnumMap<>(AttentionSite.class);
        this.claimed.putAll(claimed);
        this.symbolsFrom = symbolsFrom;
        this.symbolsTo = symbolsTo;
        if (symbolsTo - symbolsFrom < 2) throw new IllegalArgumentException("need at least 2 symbols to perturb with");
    }

    /**
     * The spec the audit assumes for a layer of a site.
     *
     * @param site the site
     * @param layer the layer
     * @return the claimed spec, or the model's
     */
    String spec(AttentionSite site, int layer) {
        String c = claimed.get(site);
        return c != null ? c : model.config().masks().spec(site, layer);
    }

    /**
     * Runs the audit on an encoder-decoder.
     *
     * @param src sources (padding positions may hold any token: they are perturbed too)
     * @param tgt decoder inputs
     * @param rounds perturbation rounds; each perturbs every sequence three times
     * @param rng the random source
     * @return the report
     */
    Report run(TokenBatch src, TokenBatch tgt, int rounds, Rng rng) {
        return audit(src, tgt, rounds, rng);
    }

    /**
     * Runs the audit on a decoder-only model.
     *
     * @param tokens the inputs
     * @param rounds perturbation rounds
     * @param rng the random source
     * @return the report
     */
    Report run(TokenBatch tokens, int rounds, Rng rng) {
        return audit(null, tokens, rounds, rng);
    }

    private Report audit(TokenBatch src, TokenBatch tgt, int rounds, Rng rng) {
        Tally hs = new Tally(0, 0, 0, 0);
        Tally ht = new Tally(0, 0, 0, 0);
        Tally vis = new Tally(0, 0, 0, 0);
        String leak = null;
        float[] base = logits(src, tgt);
        Dependence dep = dependence(src, tgt);
        int batch = tgt.batch();
        int lt = tgt.length();
        int ls = src == null ? 0 : src.length();
        for (int round = 0; round < rounds; round++) {
            for (int kind = 0; kind < 3; kind++) {            // 0 hidden source, 1 hidden target, 2 visible
                if (kind == 0 && src == null) continue;
                int[] srcIds = src == null ? null : src.ids();
                int[] tgtIds = tgt.ids();
                int[] pos = new int[batch];          // perturbed position per sequence, or -1
                boolean[] inSource = new boolean[batch];
                int[] probe = new int[batch];        // the output position a visible trial looks at
                for (int b = 0; b < batch; b++) {
                    pos[b] = -1;
                    int q = rng.nextInt(tgt.validLengths()[b]);
                    probe[b] = q;
                    List<int[]> choices = new ArrayList<>();   // {isSource, position}
                    if (kind == 0) {
                        for (int j = 0; j < ls; j++) if (!dep.source[b][q][j]) choices.add(new int[] {1, j});
                    } else if (kind == 1) {
                        for (int t = 0; t < lt; t++) if (!dep.target[b][q][t]) choices.add(new int[] {0, t});
                    } else {
                        for (int j = 0; j < ls; j++) if (dep.source[b][q][j] && j < src.validLengths()[b]) choices.add(new int[] {1, j});
                        for (int t = 0; t < lt; t++) if (dep.target[b][q][t] && t < tgt.validLengths()[b]) choices.add(new int[] {0, t});
                    }
                    if (choices.isEmpty()) continue;
                    int[] c = choices.get(rng.nextInt(choices.size()));
                    inSource[b] = c[0] == 1;
                    pos[b] = c[1];
                    int[] ids = inSource[b] ? srcIds : tgtIds;
                    int len = inSource[b] ? ls : lt;
                    int old = ids[b * len + pos[b]];
                    int replacement;
                    do {
                        replacement = symbolsFrom + rng.nextInt(symbolsTo - symbolsFrom);
                    } while (replacement == old);
                    ids[b * len + pos[b]] = replacement;
                }
                TokenBatch src2 = src == null ? null : new TokenBatch(srcIds, batch, ls, src.validLengths(), src.segmentIds());
                TokenBatch tgt2 = new TokenBatch(tgtIds, batch, lt, tgt.validLengths(), tgt.segmentIds());
                float[] moved = logits(src2, tgt2);
                Dependence dep2 = dependence(src2, tgt2);
                int v = base.length / (batch * lt);
                for (int b = 0; b < batch; b++) {
                    if (pos[b] < 0) continue;
                    double delta = 0;
                    long compared = 0;
                    int firstQ = -1;
                    for (int q = 0; q < tgt.validLengths()[b]; q++) {
                        boolean check;
                        if (kind == 2) {
                            check = q == probe[b];
                        } else {
                            boolean hiddenBefore = inSource[b] ? !dep.source[b][q][pos[b]] : !dep.target[b][q][pos[b]];
                            boolean hiddenAfter = inSource[b] ? !dep2.source[b][q][pos[b]] : !dep2.target[b][q][pos[b]];
                            check = hiddenBefore && hiddenAfter;
                        }
                        if (!check) continue;
                        int at = (b * lt + q) * v;
                        for (int i = 0; i < v; i++) {
                            double d = Math.abs(moved[at + i] - base[at + i]) / Math.max(1.0, Math.abs(base[at + i]));
                            if (d > delta) {
                                delta = d;
                                if (d > TOLERANCE && firstQ < 0) firstQ = q;
                            }
                        }
                        compared += v;
                    }
                    if (compared == 0) continue;
                    boolean changed = delta > TOLERANCE;
                    if (kind == 0) hs = hs.add(changed, delta, compared);
                    else if (kind == 1) ht = ht.add(changed, delta, compared);
                    else vis = vis.add(changed, delta, compared);
                    if (changed && kind < 2 && leak == null) {
                        leak = String.format(java.util.Locale.ROOT, "sequence %d: changing %s position %d moved the logits at output position %d by %.3g",
                                b, inSource[b] ? "source" : "target", pos[b], firstQ, delta);
                    }
                }
            }
        }
        return new Report(hs, ht, vis, leak);
    }

    /** Per sequence, which input positions each output position depends on. */
    private record Dependence(boolean[][][] source, boolean[][][] target) {}

    private Dependence dependence(TokenBatch src, TokenBatch tgt) {
        TransformerConfig c = model.config();
        int batch = tgt.batch();
        int lt = tgt.length();
        boolean[][][] target = new boolean[batch][][];
        boolean[][][] source = new boolean[batch][][];
        boolean[][][] enc = null;
        if (src != null) {
            int ls = src.length();
            enc = new boolean[batch][][];
            for (int b = 0; b < batch; b++) enc[b] = identity(ls, ls);
            MaskInputs in = SiteInputs.self(src);
            for (int l = 0; l < c.encoderLayers(); l++) {
                Mask m = registry.create(spec(AttentionSite.ENCODER_SELF, l), in.context(batch, c.heads(), ls, ls, 0));
                for (int b = 0; b < batch; b++) enc[b] = compose(attends(m, b, ls, ls, true), enc[b]);
            }
        }
        for (int b = 0; b < batch; b++) {
            target[b] = identity(lt, lt);
            source[b] = new boolean[lt][src == null ? 0 : src.length()];
        }
        MaskInputs self = SiteInputs.self(tgt);
        MaskInputs cross = src == null ? null : SiteInputs.cross(tgt, src);
        for (int l = 0; l < c.decoderLayers(); l++) {
            Mask m = registry.create(spec(AttentionSite.DECODER_SELF, l), self.context(batch, c.heads(), lt, lt, 0));
            Mask x = src == null ? null
                    : registry.create(spec(AttentionSite.CROSS, l), cross.context(batch, c.heads(), lt, src.length(), 0));
            for (int b = 0; b < batch; b++) {
                boolean[][] a = attends(m, b, lt, lt, true);
                target[b] = compose(a, target[b]);
                if (src != null) {
                    source[b] = compose(a, source[b]);
                    boolean[][] reach = compose(attends(x, b, lt, src.length(), false), enc[b]);
                    for (int q = 0; q < lt; q++) for (int j = 0; j < src.length(); j++) source[b][q][j] |= reach[q][j];
                }
            }
        }
        return new Dependence(source, target);
    }

    /** Whether q may attend k in some head (or k = q when the residual carries q's own input). */
    private boolean[][] attends(Mask m, int b, int lq, int lk, boolean residual) {
        boolean[][] a = new boolean[lq][lk];
        int heads = m.dependsOnHead() ? model.config().heads() : 1;
        for (int q = 0; q < lq; q++) {
            for (int k = 0; k < lk; k++) {
                boolean any = residual && q == k;
                for (int h = 0; !any && h < heads; h++) any = m.attends(b, h, q, k);
                a[q][k] = any;
            }
        }
        return a;
    }

    private static boolean[][] identity(int rows, int cols) {
        boolean[][] id = new boolean[rows][cols];
        for (int i = 0; i < Math.min(rows, cols); i++) id[i][i] = true;
        return id;
    }

    /** The boolean product {@code (a ∘ d)(q, j) = ∃k: a(q, k) ∧ d(k, j)}. */
    private static boolean[][] compose(boolean[][] a, boolean[][] d) {
        int n = a.length;
        int m = d.length == 0 ? 0 : d[0].length;
        boolean[][] out = new boolean[n][m];
        for (int q = 0; q < n; q++) {
            for (int k = 0; k < a[q].length; k++) {
                if (!a[q][k]) continue;
                boolean[] row = d[k];
                for (int j = 0; j < m; j++) out[q][j] |= row[j];
            }
        }
        return out;
    }

    private float[] logits(TokenBatch src, TokenBatch tgt) {
        return logits(model, src, tgt);
    }

    /**
     * The logits of a model, {@code (batch, target length, vocabulary)} flattened, in evaluation mode.
     *
     * @param model an encoder-decoder (with {@code src}) or a decoder-only model ({@code src} null)
     * @param src sources, or null
     * @param tgt decoder inputs
     * @return the logits
     */
    static float[] logits(TransformerModel model, TokenBatch src, TokenBatch tgt) {
        model.eval();
        try (GradMode.Scope ignored = GradMode.disable()) {
            Tensor t = src != null ? ((EncoderDecoderTransformer) model).forward(src, tgt) : ((DecoderOnlyTransformer) model).forward(tgt);
            return t.contiguous().toArray();
        }
    }
}
