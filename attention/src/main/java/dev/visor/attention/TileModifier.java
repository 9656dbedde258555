package dev.visor.attention;

import dev.visor.mask.ScoreModifier;
import dev.visor.mask.ScoreModifierChain;
import dev.visor.mask.builtin.SoftcapModifier;
import java.util.List;

/**
 * A {@link ScoreModification} as one flash worker applies it, row segment by row segment of its
 * score tiles: a chain is taken apart into its stages, each applied through its tile hooks
 * ({@link ScoreModifier#applyRow}, {@link ScoreModifier#backwardRow}), except {@code softcap}, whose
 * tanh runs on the worker's {@link TileOps} (vectorised with the Vector API). One per worker: it
 * owns the scratch rows.
 *
 * <p>Parameter gradients go first into a per-item buffer of floats (one query block's visited
 * tiles), which {@link #foldItem} adds into the chunk's double accumulator; chunks are summed in
 * chunk order after the pass, so {@code dTheta} does not depend on thread timing.
 */
final class TileModifier {
    private final ScoreModifier[] stages;
    private final int[] at;            // where each stage's parameters start in theta
    private final float[] caps;        // per stage: the cap of a softcap stage, else 0 (its own hooks)
    private final float[] theta;
    private final int queryOffset;
    private final TileOps ops;
    private final float[] tanhScratch;
    private final float[][] inputs;    // per later stage: its input rows (tile layout), recomputed in backward
    private final float[] itemGrad;    // parameter gradients of the current item
    private double[] chunkGrad;        // of the current chunk

    TileModifier(ScoreModification mods, TileOps ops, int width, int tile) {
        ScoreModifier m = mods.modifier();
        List<ScoreModifier> list = m instanceof ScoreModifierChain c ? c.stages() : List.of(m);
        this.stages = list.toArray(new ScoreModifier[0]);
        this.at = new int[stages.length];
        this.caps = new float[stages.length];
        for (int i = 0; i < stages.length; i++) {
            at[i] = m instanceof ScoreModifierChain c ? c.offset(i) : 0;
            caps[i] = stages[i] instanceof SoftcapModifier sc ? (float) sc.cap() : 0f;
        }
        this.theta = mods.theta();
        this.queryOffset = mods.queryOffset();
        this.ops = ops;
        this.tanhScratch = new float[width];
        this.inputs = new float[Math.max(0, stages.length - 1)][tile];
        this.itemGrad = new float[theta.length];
        this.chunkGrad = new double[theta.length];
    }

    /**
     * The modifier's worker for a pass over tiles of {@code tile} floats with rows of at most
     * {@code width}, or null without modifiers.
     */
    static TileModifier of(ScoreModification mods, TileOps ops, int width, int tile) {
        return mods == null ? null : new TileModifier(mods, ops, width, tile);
    }

    /**
     * Modifies {@code count} scores in place from {@code s[off]}: query {@code i} of the call (at
     * absolute position {@code queryOffset + i}) against keys {@code k0, k0 + 1, ...}.
     */
    void forward(float[] s, int off, int count, int b, int h, int i, int k0) {
        int query = queryOffset + i;
        for (int st = 0; st < stages.length; st++) {
            apply(st, s, off, count, b, h, query, k0);
        }
    }

    private void apply(int st, float[] s, int off, int count, int b, int h, int query, int k0) {
        if (caps[st] != 0f) {
            ops.softcap(s, off, count, caps[st], tanhScratch);
        } else {
            stages[st].applyRow(s, off, count, b, h, query, k0, theta, at[st]);
        }
    }

    /**
     * Turns the gradients of the modified scores {@code g[off..off+count)} into those of the raw
     * scores {@code raw[off..]} (the scores before every stage), accumulating parameter gradients.
     */
    void backward(float[] raw, float[] g, int off, int count, int b, int h, int i, int k0) {
        int query = queryOffset + i;
        int n = stages.length;
        // 1) the input of every later stage, by running the earlier ones again
        for (int st = 1; st < n; st++) {
            System.arraycopy(st == 1 ? raw : inputs[st - 2], off, inputs[st - 1], off, count);
            apply(st - 1, inputs[st - 1], off, count, b, h, query, k0);
        }
        // 2) the chain rule, last stage first
        for (int st = n - 1; st >= 0; st--) {
            backwardStage(st, st == 0 ? raw : inputs[st - 1], g, off, count, b, h, query, k0);
        }
    }

    private void backwardStage(int st, float[] in, float[] g, int off, int count, int b, int h, int query, int k0) {
        if (caps[st] != 0f) {
            ops.softcapGrad(in, g, off, count, caps[st], tanhScratch);
        } else {
            stages[st].backwardRow(in, g, off, count, b, h, query, k0, theta, at[st], itemGrad);
        }
    }

    /** Adds the current item's parameter gradients into the chunk's and clears them. */
    void foldItem() {
        for (int p = 0; p < itemGrad.length; p++) {
            if (itemGrad[p] != 0f) {
                chunkGrad[p] += itemGrad[p];
                itemGrad[p] = 0f;
            }
        }
    }

    /** The finished chunk's parameter gradients; the next chunk starts from zero. */
    double[] takeChunk() {
        double[] out = chunkGrad;
        chunkGrad = new double[theta.length];
        return out;
    }
}
