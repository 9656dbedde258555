package dev.visor.attention;

import dev.visor.mask.ScoreModifier;
import java.util.Arrays;
import java.util.Objects;

/**
 * A fixed additive bias per element, {@code s' = s + bias[b, h, q, k]}: the finite part of a PyTorch
 * float {@code attn_mask} (see {@link TorchMasks#additiveAttnMask}), whose {@code −∞} entries become a
 * {@link TensorMask} instead (masked keys are excluded, never biased). Dimensions of size 1 broadcast
 * over batch and heads; queries are absolute positions {@code 0 .. L−1} (a KV-cache step at query
 * offset {@code o} reads rows {@code o + i}). Like a {@link TensorMask}, it is data, not a registry
 * strategy: its spec names its shape and content hash but does not parse back.
 *
 * <pre>{@code
 * TorchMasks.Additive a = TorchMasks.additiveAttnMask(torchFloatMask, new int[] {L, S}, heads);
 * Tensor out = Attention.modified(q, k, v, BlockSparsity.of(compiledFrom(a.mask())), cfg, a.bias(), null, 0);
 * }</pre>
 */
public final class AdditiveBias implements ScoreModifier {
    private final int batch;
    private final int heads;
    private final int queries;
    private final int keys;
    private final float[] bias;   // (batch, heads, queries, keys), finite
    private final int hash;

    /**
     * A bias of {@code (batch, heads, queries, keys)} floats, row-major.
     *
     * @param batch sequences, or 1 to broadcast
     * @param heads heads, or 1 to broadcast
     * @param queries query positions {@code L}
     * @param keys key positions {@code S}
     * @param bias the finite values (copied)
     * @throws IllegalArgumentException naming the sizes when they do not fit, or the first non-finite value
     */
    public AdditiveBias(int batch, int heads, int queries, int keys, float[] bias) {
        Objects.requireNonNull(bias, "bias");
        if (batch < 1 || heads < 1 || queries < 1 || keys < 1 || (long) batch * heads * queries * keys != bias.length) {
            throw new IllegalArgumentException("an additive bias of (" + batch + ", " + heads + ", " + queries + ", " + keys
                    + ") needs that many positive sizes and their product of values but got " + bias.length + " values");
        }
        for (int i = 0; i < bias.length; i++) {
            if (!Float.isFinite(bias[i])) throw new IllegalArgumentException("additive bias element " + i + " is " + bias[i]);
        }
        this.batch = batch;
        this.heads = heads;
        this.queries = queries;
        this.keys = keys;
        this.bias = bias.clone();
        this.hash = Objects.hash(batch, heads, queries, keys, Arrays.hashCode(this.bias));
    }

    @Override
    public float apply(float score, int b, int h, int q, int k, float[] theta, int at) {
        if (q >= queries || k >= keys) {
            throw new IllegalArgumentException("the additive bias covers queries 0.." + (queries - 1) + " and keys 0.."
                    + (keys - 1) + " but query " + q + ", key " + k + " was asked for");
        }
        return score + bias[((Math.min(b, batch - 1) * heads + Math.min(h, heads - 1)) * queries + q) * keys + k];
    }

    @Override
    public float derivative(float score, int b, int h, int q, int k, float[] theta, int at) {
        return 1f;
    }

    @Override
    public boolean dependsOnBatch() {
        return batch > 1;
    }

    /**
     * The shape.
     *
     * @return {@code (batch, heads, queries, keys)}, 1 where it broadcasts
     */
    public int[] shape() {
        return new int[] {batch, heads, queries, keys};
    }

    @Override
    public String spec() {
        return TensorMask.dataSpec("additive_bias", batch, heads, queries, keys, hash);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AdditiveBias a && a.hash == hash && a.batch == batch && a.heads == heads && a.queries == queries
                && a.keys == keys && Arrays.equals(a.bias, bias);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return spec();
    }
}
