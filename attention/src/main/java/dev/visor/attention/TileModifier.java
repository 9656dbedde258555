package dev.visor.attention;

import dev.visor.mask.ScoreModifier;
import dev.visor.mask.ScoreModifierChain;
import dev.visor.mask.builtin.AlibiModifier;
import dev.visor.mask.builtin.RelativeBiasModifier;
import dev.visor.mask.builtin.SoftcapModifier;
import dev.visor.tensor.kernel.VecMath;
import java.util.List;

/**
 * A {@link ScoreModification} as one flash worker applies it to its score tiles. A chain is taken
 * apart into its stages and applied stage by stage to the whole tile. A stage of unknown type goes
 * through its row hooks ({@link ScoreModifier#applyRow}, {@link ScoreModifier#backwardRow}), one
 * call per row of real keys; the built-ins run as vector loops on the worker's {@link TileOps}:
 * <ul>
 *   <li>{@code softcap}: tanh over the whole tile at once ({@link TileOps#softcap});</li>
 *   <li>{@code alibi}: a ramp per row ({@link TileOps#addRamp}); nothing in backward (derivative 1);</li>
 *   <li>{@code relative_bias}: the table gathered once per call into a bias per head and relative
 *       offset in {@code [−max_distance, max_distance]}, so a row is a constant run, a contiguous
 *       slice of that row and another constant run; backward sums the gradients per relative offset
 *       and maps offsets to buckets once per query block.</li>
 * </ul>
 * Each gives the same values as the element-wise definition up to float rounding (alibi and the
 * relative bias bit for bit in forward).
 *
 * <p>Parameter gradients go first into per-item buffers (one query block's visited tiles), which
 * {@link #foldItem} adds into the chunk's double accumulator; chunks are summed in chunk order after
 * the pass, so {@code dTheta} does not depend on thread timing. One instance per worker: it owns its
 * scratch.
 */
final class TileModifier {
    private static final int GENERIC = 0, SOFTCAP = 1, ALIBI = 2, RELATIVE = 3;

    private final ScoreModifier[] stages;
    private final int[] kind;
    private final int[] at;            // where each stage's parameters start in theta
    private final float[][] biasByOffset;   // RELATIVE: (heads, 2·maxDistance + 1) biases
    private final float[][] gradByOffset;   // RELATIVE: the same layout, gradients of the current item
    private final int[][] bucketByOffset;   // RELATIVE: (2·maxDistance + 1) buckets
    private final float[] theta;
    private final int queryOffset;
    private final TileOps ops;
    private final float[] tanhScratch; // (tile)
    private final float[][] inputs;    // per later stage: its input tile, recomputed in backward
    private final float[] itemGrad;    // parameter gradients of the current item (generic stages)
    private double[] chunkGrad;        // of the current chunk

    private TileModifier(ScoreModification mods, TileOps ops, int tile, boolean backward) {
        ScoreModifier m = mods.modifier();
        List<ScoreModifier> list = m instanceof ScoreModifierChain c ? c.stages() : List.of(m);
        int n = list.size();
        this.stages = list.toArray(new ScoreModifier[0]);
        this.kind = new int[n];
        this.at = new int[n];
        this.biasByOffset = new float[n][];
        this.gradByOffset = new float[n][];
        this.bucketByOffset = new int[n][];
        this.theta = mods.theta();
        for (int i = 0; i < n; i++) {
            at[i] = m instanceof ScoreModifierChain c ? c.offset(i) : 0;
            kind[i] = stages[i] instanceof SoftcapModifier ? SOFTCAP
                    : stages[i] instanceof AlibiModifier ? ALIBI
                    : stages[i] instanceof RelativeBiasModifier ? RELATIVE : GENERIC;
            if (kind[i] == RELATIVE) {
                RelativeBiasModifier r = (RelativeBiasModifier) stages[i];
                int width = 2 * r.maxDistance() + 1;
                bucketByOffset[i] = new int[width];
                for (int off = 0; off < width; off++) {
                    bucketByOffset[i][off] = RelativeBiasModifier.bucket(off - r.maxDistance(), r.bidirectional(),
                            r.buckets(), r.maxDistance());
                }
                biasByOffset[i] = new float[r.heads() * width];
                for (int h = 0; h < r.heads(); h++) {
                    for (int off = 0; off < width; off++) {
                        biasByOffset[i][h * width + off] = theta[at[i] + h * r.buckets() + bucketByOffset[i][off]];
                    }
                }
                gradByOffset[i] = backward ? new float[r.heads() * width] : null;
            }
        }
        this.queryOffset = mods.queryOffset();
        this.ops = ops;
        this.tanhScratch = new float[tile];
        this.inputs = new float[backward ? Math.max(0, n - 1) : 0][tile];
        this.itemGrad = new float[theta.length];
        this.chunkGrad = new double[theta.length];
    }

    /** Whether {@link #backward} reads the scores before the modifiers (not for alibi or relative_bias alone). */
    boolean needsRaw() {
        return stages.length > 1 || kind[0] == SOFTCAP || kind[0] == GENERIC;
    }

    /**
     * The modifier's worker for a pass over tiles of at most {@code tile} floats, or null without
     * modifiers; {@code backward} when it will also run {@link #backward}.
     */
    static TileModifier of(ScoreModification mods, TileOps ops, int tile, boolean backward) {
        return mods == null ? null : new TileModifier(mods, ops, tile, backward);
    }

    /**
     * Modifies a score tile in place: {@code rows} rows of stride {@code ld}, row {@code r} for query
     * {@code i0 + r} of the call (absolute position {@code queryOffset + i0 + r}), columns
     * {@code 0 ≤ c < valid} for keys {@code k0 + c}; columns from {@code valid} to {@code ld} may be
     * changed too (the caller masks them).
     */
    void forward(float[] s, int rows, int ld, int valid, int b, int h, int i0, int k0) {
        for (int st = 0; st < stages.length; st++) {
            apply(st, s, rows, ld, valid, b, h, i0, k0);
        }
    }

    private void apply(int st, float[] s, int rows, int ld, int valid, int b, int h, int i0, int k0) {
        int q0 = queryOffset + i0;
        switch (kind[st]) {
            case SOFTCAP -> ops.softcap(s, 0, rows * ld, (float) ((SoftcapModifier) stages[st]).cap(), tanhScratch);
            case ALIBI -> {
                float slope = ((AlibiModifier) stages[st]).slope(h);
                for (int r = 0; r < rows; r++) {
                    ops.addRamp(s, r * ld, valid, slope, k0 - (q0 + r));
                }
            }
            case RELATIVE -> {
                for (int r = 0; r < rows; r++) {
                    relativeRow(st, s, r * ld, valid, h, k0 - (q0 + r));
                }
            }
            default -> {
                for (int r = 0; r < rows; r++) {
                    stages[st].applyRow(s, r * ld, valid, b, h, q0 + r, k0, theta, at[st]);
                }
            }
        }
    }

    private void relativeRow(int st, float[] s, int off, int n, int h, int rel0) {
        int maxDistance = ((RelativeBiasModifier) stages[st]).maxDistance();
        int width = 2 * maxDistance + 1;
        float[] bias = biasByOffset[st];
        int row = h * width;
        int lowEnd = clamp(-maxDistance - (long) rel0 + 1, n);      // rel0 + j ≤ −maxDistance
        int highStart = Math.max(lowEnd, clamp(maxDistance - (long) rel0, n));   // rel0 + j ≥ maxDistance
        ops.addConstant(s, off, lowEnd, bias[row]);
        int mid = highStart - lowEnd;
        if (mid > 0) {
            int from = row + rel0 + lowEnd + maxDistance;
            VecMath.add(s, off + lowEnd, bias, from, s, off + lowEnd, mid);
        }
        ops.addConstant(s, off + highStart, n - highStart, bias[row + width - 1]);
    }

    private static int clamp(long end, int n) {
        return (int) Math.max(0, Math.min(end, n));
    }

    /**
     * Turns the gradients of the modified scores ({@code g}, the tile layout of {@link #forward}) into
     * those of the raw scores {@code raw} (before every stage), accumulating parameter gradients.
     */
    void backward(float[] raw, float[] g, int rows, int ld, int valid, int b, int h, int i0, int k0) {
        int n = stages.length;
        // 1) the input of every later stage, by running the earlier ones again
        for (int st = 1; st < n; st++) {
            System.arraycopy(st == 1 ? raw : inputs[st - 2], 0, inputs[st - 1], 0, rows * ld);
            apply(st - 1, inputs[st - 1], rows, ld, valid, b, h, i0, k0);
        }
        // 2) the chain rule, last stage first
        for (int st = n - 1; st >= 0; st--) {
            backwardStage(st, st == 0 ? raw : inputs[st - 1], g, rows, ld, valid, b, h, i0, k0);
        }
    }

    private void backwardStage(int st, float[] in, float[] g, int rows, int ld, int valid, int b, int h, int i0,
                               int k0) {
        int q0 = queryOffset + i0;
        switch (kind[st]) {
            case SOFTCAP -> ops.softcapGrad(in, g, 0, rows * ld, (float) ((SoftcapModifier) stages[st]).cap(),
                    tanhScratch);
            case ALIBI -> { }   // derivative 1, no parameters
            case RELATIVE -> {
                for (int r = 0; r < rows; r++) {
                    relativeGradRow(st, g, r * ld, valid, h, k0 - (q0 + r));
                }
            }
            default -> {
                for (int r = 0; r < rows; r++) {
                    stages[st].backwardRow(in, g, r * ld, valid, b, h, q0 + r, k0, theta, at[st], itemGrad);
                }
            }
        }
    }

    private void relativeGradRow(int st, float[] g, int off, int n, int h, int rel0) {
        int maxDistance = ((RelativeBiasModifier) stages[st]).maxDistance();
        int width = 2 * maxDistance + 1;
        float[] acc = gradByOffset[st];
        int row = h * width;
        int lowEnd = clamp(-maxDistance - (long) rel0 + 1, n);
        int highStart = Math.max(lowEnd, clamp(maxDistance - (long) rel0, n));
        if (lowEnd > 0) {
            acc[row] += VecMath.sum(g, off, lowEnd);
        }
        int mid = highStart - lowEnd;
        if (mid > 0) {
            int from = row + rel0 + lowEnd + maxDistance;
            VecMath.add(acc, from, g, off + lowEnd, acc, from, mid);
        }
        if (highStart < n) {
            acc[row + width - 1] += VecMath.sum(g, off + highStart, n - highStart);
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
        for (int st = 0; st < stages.length; st++) {
            float[] acc = gradByOffset[st];
            if (acc == null) {
                continue;
            }
            RelativeBiasModifier r = (RelativeBiasModifier) stages[st];
            int width = 2 * r.maxDistance() + 1;
            for (int x = 0; x < acc.length; x++) {
                if (acc[x] != 0f) {
                    chunkGrad[at[st] + (x / width) * r.buckets() + bucketByOffset[st][x % width]] += acc[x];
                    acc[x] = 0f;
                }
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
