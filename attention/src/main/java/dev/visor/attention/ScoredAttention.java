package dev.visor.attention;

import dev.visor.tensor.Tensor;
import java.util.Objects;

/**
 * The part of {@link MultiHeadAttention} that forms modified scores: rotates queries and keys once
 * per call ({@link Rope}, at absolute positions) and runs the attention kernel with the site's score
 * modifier and the layer's learnable modifier parameters. A layer without a score spec never gets
 * here, so plain attention keeps its path.
 *
 * <pre>
 *   q_i ← R(queryStart + i) q_i,  k_j ← R(keyStart + j) k_j          (rope, if any)
 *   out = softmax_j(modifier(scale · q_i·k_j, b, h, queryOffset + i, j; theta)) v_j   (unmasked j)
 * </pre>
 */
final class ScoredAttention {
    private final AttentionScores scores;
    private final Tensor theta;   // the layer's Parameter, modifier.parameterShape(); null when none

    ScoredAttention(AttentionScores scores, Tensor theta) {
        this.scores = Objects.requireNonNull(scores, "scores");
        if ((theta == null) != (scores.parameterCount() == 0)) {
            throw new IllegalArgumentException("score spec " + scores.spec() + " has " + scores.parameterCount()
                    + " learnable parameters but " + (theta == null ? "none" : theta.numel()) + " were given");
        }
        this.theta = theta;
    }

    AttentionScores scores() {
        return scores;
    }

    /** Whether scores are modified (beyond rope, which only rotates q and k before any kernel). */
    boolean modifies() {
        return scores.modifier() != null;
    }

    /**
     * q and k rotated to their absolute positions (v untouched); the same arrays when there is no rope.
     *
     * @param qkv q {@code (B, H, Lq, hd)}, k and v {@code (B, Hkv, Lk, hd)}
     */
    Tensor[] rotate(Tensor[] qkv, int queryStart, int keyStart) {
        Rope rope = scores.rope();
        if (rope == null) return qkv;
        int d = qkv[0].size(3);
        Rope.Angles qa = rope.angles(d, queryStart, qkv[0].size(2));
        Rope.Angles ka = keyStart == queryStart && qkv[1].size(2) == qkv[0].size(2) ? qa   // self-attention: one table
                : rope.angles(d, keyStart, qkv[1].size(2));
        return new Tensor[] {rotate(rope, qkv[0], qa), rotate(rope, qkv[1], ka), qkv[2]};
    }

    /** Rotated q/k in, merged heads {@code (B, Lq, H·dv)} out; queries at {@code queryOffset} onwards. */
    Tensor attend(Tensor[] qkv, BlockSparsity mask, AttentionConfig cfg, int queryOffset) {
        if (scores.modifier() == null) {
            return Attention.flash(qkv[0], qkv[1], qkv[2], mask, cfg, true).output();
        }
        Tensor out = Attention.modified(qkv[0], qkv[1], qkv[2], mask, cfg, scores.modifier(), theta, queryOffset);
        return out.transpose(1, 2).reshape(out.size(0), out.size(2), out.size(1) * out.size(3));   // (B, Lq, H·dv)
    }

    /** The weights {@code (B, H, Lq, Lk)} after modification and softmax (no gradient). */
    Tensor weights(Tensor[] qkv, ElementMask mask, AttentionConfig cfg, int queryOffset) {
        HeadsView q = HeadsView.of(qkv[0]);
        HeadsView k = HeadsView.of(qkv[1]);
        HeadsView v = HeadsView.of(qkv[2]);
        ReferenceAttention.Result r = scores.modifier() == null
                ? ReferenceAttention.forward(q, k, v, mask, cfg)
                : ReferenceAttention.forward(q, k, v, mask, cfg, new ScoreModification(scores.modifier(),
                        theta == null ? new float[0] : theta.toArray(), queryOffset));
        return Tensor.wrap(r.weights(), q.batch(), q.heads(), q.seq(), k.seq());
    }

    /**
     * {@code x (B, n, L, D)} with every head vector rotated, row {@code l} to position {@code start + l};
     * differentiable (the backward pass rotates the gradient back).
     */
    static Tensor rotate(Rope rope, Tensor x, int start) {
        return rotate(rope, x, rope.angles(x.size(3), start, x.size(2)));
    }

    private static Tensor rotate(Rope rope, Tensor x, Rope.Angles angles) {
        int[] shape = x.shape();
        int rows = shape[0] * shape[1] * shape[2];
        float[] values = gather(HeadsView.of(x));
        rope.rotate(values, rows, shape[3], angles, false);
        return Tensor.fromOp("rope", values, shape, g -> {
            float[] dx = g.toArray();
            rope.rotate(dx, rows, shape[3], angles, true);
            return new Tensor[] {Tensor.wrap(dx, shape)};
        }, x);
    }

    /** The view's elements in row-major order, a head vector at a time (the projections' strided views). */
    private static float[] gather(HeadsView v) {
        int d = v.dim();
        float[] out = new float[v.batch() * v.heads() * v.seq() * d];
        int at = 0;
        for (int b = 0; b < v.batch(); b++) {
            for (int h = 0; h < v.heads(); h++) {
                for (int l = 0; l < v.seq(); l++, at += d) {
                    int src = v.offset() + b * v.batchStride() + h * v.headStride() + l * v.seqStride();
                    if (v.dimStride() == 1) {
                        System.arraycopy(v.data(), src, out, at, d);
                    } else {
                        for (int c = 0; c < d; c++) out[at + c] = v.data()[src + c * v.dimStride()];
                    }
                }
            }
        }
        return out;
    }
}
