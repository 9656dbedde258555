package dev.visor.attention;

import java.util.Arrays;

/**
 * Plain scaled-dot-product attention that materialises the score matrix: the oracle the flash
 * kernel is tested against, and the kernel to use when the attention weights themselves are wanted
 * (visualisation). Accumulates in double precision.
 *
 * <p>For query {@code i} with allowed key set {@code A_i = {j : attends(b, h, i, j)}} and optional
 * score modifiers {@code m} ({@link ScoreModification}, applied after scaling and before masking):
 * <pre>
 *   s_ij  = m(scale · q_i · k_j)                    (j ∈ A_i; without modifiers m is the identity)
 *   lse_i = log Σ_{j∈A_i} exp(s_ij)                 (−∞ when A_i is empty)
 *   w_ij  = exp(s_ij − lse_i) for j ∈ A_i, else 0   (masked keys are excluded, not down-weighted)
 *   o_i   = Σ_j w_ij · f_ij · v_j                   (f = dropout factor, 1 without dropout)
 * </pre>
 * and backward, with {@code g_ij = f_ij · (dO_i · v_j)}:
 * <pre>
 *   dv_j += Σ_i w_ij f_ij dO_i
 *   ds_ij = w_ij (g_ij − Σ_l w_il g_il) · m'(scale · q_i · k_j)
 *   dq_i  = scale Σ_j ds_ij k_j ,   dk_j += scale Σ_i ds_ij q_i
 *   dθ   += w_ij (g_ij − Σ_l w_il g_il) · ∂m/∂θ      (learnable modifier parameters, e.g. T5's bias table)
 * </pre>
 * With modifiers, the modified score is evaluated in float, as a kernel would.
 * An empty row has zero output, zero weights and zero gradient — never NaN.
 *
 * <pre>{@code
 * ReferenceAttention.Result r = ReferenceAttention.forward(q, k, v, (b, h, i, j) -> j <= i, AttentionConfig.defaults(64));
 * float[] weights = r.weights();   // (batch, heads, Lq, Lk)
 * }</pre>
 */
public final class ReferenceAttention {
    private ReferenceAttention() {}

    /**
     * The forward results, all row-major.
     *
     * @param output    {@code (B, H, Lq, dv)}
     * @param weights   {@code (B, H, Lq, Lk)} softmax probabilities (before dropout), exactly 0 at masked keys
     * @param logSumExp {@code (B, H, Lq)} natural-log normaliser of each row, −∞ for empty rows
     */
    public record Result(float[] output, float[] weights, float[] logSumExp) {}

    /**
     * Gradients with respect to q, k, v (row-major and shaped like them) and the score modifiers'
     * learnable parameters (shaped like {@link ScoreModification#theta()}, empty without modifiers).
     */
    public record Gradients(float[] dq, float[] dk, float[] dv, float[] dTheta) {
        /**
         * Gradients without modifier parameters ({@code dTheta} empty).
         *
         * @param dq gradient of the queries, shaped like q
         * @param dk gradient of the keys, shaped like k
         * @param dv gradient of the values, shaped like v
         */
        public Gradients(float[] dq, float[] dk, float[] dv) {
            this(dq, dk, dv, new float[0]);
        }
    }

    /**
     * Computes attention; {@code mask == null} attends everything.
     *
     * @param q the queries
     * @param k the keys
     * @param v the values
     * @param mask the mask
     * @param cfg the attention configuration
     * @return the output and the log-sum-exp
     * @throws IllegalArgumentException if the shapes do not fit together
     */
    public static Result forward(HeadsView q, HeadsView k, HeadsView v, ElementMask mask, AttentionConfig cfg) {
        return forward(q, k, v, mask, cfg, null);
    }

    /**
     * Computes attention with score modifiers; {@code mask == null} attends everything and
     * {@code mods == null} modifies nothing.
     *
     * @param q the queries {@code (B, H, Lq, dk)}
     * @param k the keys {@code (B, kvHeads, Lk, dk)}
     * @param v the values {@code (B, kvHeads, Lk, dv)}
     * @param mask the element mask, or null to attend everything
     * @param cfg the attention configuration (scale, dropout)
     * @param mods the score modifiers applied to each scaled score before masking, or null
     * @return the output, the attention weights after modification and softmax, and the log-sum-exp
     * @throws IllegalArgumentException if the shapes do not fit together
     * @since 0.2
     */
    public static Result forward(HeadsView q, HeadsView k, HeadsView v, ElementMask mask, AttentionConfig cfg,
                                 ScoreModification mods) {
        AttentionShapes s = AttentionShapes.of(q, k, v);
        int lq = s.queryLength();
        int lk = s.keyLength();
        int dk = s.keyDim();
        int dv = s.valueDim();
        float[] out = new float[s.batch() * s.heads() * lq * dv];          // (B, H, Lq, dv)
        float[] weights = new float[s.batch() * s.heads() * lq * lk];      // (B, H, Lq, Lk)
        float[] lse = new float[s.batch() * s.heads() * lq];               // (B, H, Lq)
        DropoutMask drop = cfg.hasDropout() ? new DropoutMask(cfg, s.heads(), lq, lk) : null;
        double[] scores = new double[lk];
        boolean[] allowed = new boolean[lk];
        double[] acc = new double[dv];
        for (int b = 0; b < s.batch(); b++) {
            for (int h = 0; h < s.heads(); h++) {
                int kh = h / s.group();
                for (int i = 0; i < lq; i++) {
                    int row = (b * s.heads() + h) * lq + i;
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < lk; j++) {
                        allowed[j] = mask == null || mask.attends(b, h, i, j);
                        if (allowed[j]) {
                            double dot = 0;
                            for (int c = 0; c < dk; c++) {
                                dot += (double) q.get(b, h, i, c) * k.get(b, kh, j, c);
                            }
                            scores[j] = mods == null ? cfg.scale() * dot : mods.apply((float) (cfg.scale() * dot), b, h, i, j);
                            max = Math.max(max, scores[j]);
                        }
                    }
                    if (max == Double.NEGATIVE_INFINITY) {
                        lse[row] = Float.NEGATIVE_INFINITY;
                        continue;
                    }
                    double z = 0;
                    for (int j = 0; j < lk; j++) {
                        if (allowed[j]) {
                            z += Math.exp(scores[j] - max);
                        }
                    }
                    lse[row] = (float) (max + Math.log(z));
                    Arrays.fill(acc, 0);
                    for (int j = 0; j < lk; j++) {
                        if (!allowed[j]) {
                            continue;
                        }
                        double w = Math.exp(scores[j] - max) / z;
                        weights[row * lk + j] = (float) w;
                        double wd = drop == null ? w : w * drop.factor(b, h, i, j);
                        if (wd != 0) {
                            for (int c = 0; c < dv; c++) {
                                acc[c] += wd * v.get(b, kh, j, c);
                            }
                        }
                    }
                    for (int c = 0; c < dv; c++) {
                        out[row * dv + c] = (float) acc[c];
                    }
                }
            }
        }
        return new Result(out, weights, lse);
    }

    /**
     * Gradients of {@code Σ dOut ∘ output} with respect to q, k and v, by recomputing the weights.
     *
     * @param dOut gradient of the output, {@code (B, H, Lq, dv)}
     * @param q the queries
     * @param k the keys
     * @param v the values
     * @param mask the mask
     * @param cfg the attention configuration
     * @return the gradients of {@code Σ dOut ∘ output} with respect to q, k and v
     */
    public static Gradients backward(HeadsView q, HeadsView k, HeadsView v, ElementMask mask, AttentionConfig cfg,
                                     HeadsView dOut) {
        return backward(q, k, v, mask, cfg, null, dOut);
    }

    /**
     * Gradients of {@code Σ dOut ∘ output} with respect to q, k, v and the modifiers' parameters.
     *
     * @param q the queries {@code (B, H, Lq, dk)}
     * @param k the keys {@code (B, kvHeads, Lk, dk)}
     * @param v the values {@code (B, kvHeads, Lk, dv)}
     * @param mask the element mask, or null to attend everything
     * @param cfg the attention configuration; with dropout, the same seed as the forward
     * @param mods the score modifiers, or null
     * @param dOut gradient of the output, {@code (B, H, Lq, dv)}
     * @return the gradients of q, k and v, and of the modifiers' parameters ({@code dTheta}, empty
     *     when they have none)
     * @since 0.2
     */
    public static Gradients backward(HeadsView q, HeadsView k, HeadsView v, ElementMask mask, AttentionConfig cfg,
                                     ScoreModification mods, HeadsView dOut) {
        AttentionShapes s = AttentionShapes.of(q, k, v);
        s.checkOutput("output gradient", dOut, s.valueDim());
        int lq = s.queryLength();
        int lk = s.keyLength();
        int dk = s.keyDim();
        int dv = s.valueDim();
        float[] w = forward(q, k, v, mask, cfg, mods).weights();                // (B, H, Lq, Lk)
        float[] dTheta = new float[mods == null ? 0 : mods.theta().length];
        double[] dq = new double[s.batch() * s.heads() * lq * dk];
        double[] dkAcc = new double[s.batch() * s.kvHeads() * lk * dk];
        double[] dvAcc = new double[s.batch() * s.kvHeads() * lk * dv];
        DropoutMask drop = cfg.hasDropout() ? new DropoutMask(cfg, s.heads(), lq, lk) : null;
        double[] g = new double[lk];
        for (int b = 0; b < s.batch(); b++) {
            for (int h = 0; h < s.heads(); h++) {
                int kh = h / s.group();
                for (int i = 0; i < lq; i++) {
                    int row = (b * s.heads() + h) * lq + i;
                    double wg = 0;
                    for (int j = 0; j < lk; j++) {
                        double wij = w[row * lk + j];
                        if (wij == 0) {   // masked (or underflowed): contributes nothing
                            g[j] = 0;
                            continue;
                        }
                        double f = drop == null ? 1 : drop.factor(b, h, i, j);
                        double dot = 0;
                        for (int c = 0; c < dv; c++) {
                            dot += (double) dOut.get(b, h, i, c) * v.get(b, kh, j, c);
                        }
                        g[j] = f * dot;
                        wg += wij * g[j];
                        int kv = (b * s.kvHeads() + kh) * lk + j;
                        for (int c = 0; c < dv; c++) {
                            dvAcc[kv * dv + c] += wij * f * dOut.get(b, h, i, c);
                        }
                    }
                    for (int j = 0; j < lk; j++) {
                        double wij = w[row * lk + j];
                        if (wij == 0) {
                            continue;
                        }
                        double ds = wij * (g[j] - wg);                          // ∂L/∂(modified score)
                        int kv = (b * s.kvHeads() + kh) * lk + j;
                        if (mods != null) {
                            double dot = 0;
                            for (int c = 0; c < dk; c++) {
                                dot += (double) q.get(b, h, i, c) * k.get(b, kh, j, c);
                            }
                            float raw = (float) (cfg.scale() * dot);
                            int pos = mods.queryOffset() + i;
                            mods.modifier().accumulateGradient((float) ds, raw, b, h, pos, j, mods.theta(), 0, dTheta);
                            ds *= mods.modifier().derivative(raw, b, h, pos, j, mods.theta(), 0);
                        }
                        ds *= cfg.scale();
                        for (int c = 0; c < dk; c++) {
                            dq[row * dk + c] += ds * k.get(b, kh, j, c);
                            dkAcc[kv * dk + c] += ds * q.get(b, h, i, c);
                        }
                    }
                }
            }
        }
        return new Gradients(toFloat(dq), toFloat(dkAcc), toFloat(dvAcc), dTheta);
    }

    private static float[] toFloat(double[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) x[i];
        }
        return out;
    }
}
