package dev.visor.transformer;

import dev.visor.attention.KvCache;
import dev.visor.attention.MaskInputs;
import dev.visor.attention.MultiHeadAttention;
import dev.visor.tensor.GradMode;
import dev.visor.tensor.StepBuffers;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.Parallel;
import dev.visor.tensor.nn.Linear;
import dev.visor.tensor.nn.Module;
import dev.visor.transformer.decode.DecodingSession;
import java.util.Arrays;
import java.util.Objects;

/**
 * Incremental decoding on per-layer KV caches: each step embeds only the new tokens (at their
 * absolute positions), runs them through the decoder stack attending over the cached keys and
 * values (and the memory, for an encoder-decoder model), and returns the generator's logits. Steps run
 * without autograd and behave as in evaluation mode ({@link Module#evaluating()}) without touching the
 * model's mode, so many sessions may decode one model from many threads, in either mode. Selecting rows reorders
 * the caches in place and gathers the memory and the source data, so beam search can reorder beams.
 */
final class CachedSession implements DecodingSession {
    private final TransformerModel model;
    private final Decoder decoder;
    private final InputEmbedding embed;
    private final Linear generator;
    private Tensor memory;            // (rows, Ls, dModel), or null for a decoder-only model
    private MultiHeadAttention.KeysValues[] projected;   // per layer, the memory's keys and values; made on the first step
    private int[] srcValid;           // (rows), or null
    private int[][] srcIds;           // (rows, Ls), or null
    private KvCache[] caches;
    private int[][] tokens;           // (rows, length)
    private int[] starts;             // (rows) left padding of each row (decoder-only prompts), or null
    private final StepBuffers buffers = new StepBuffers();   // the steps' activation arrays, reused step to step

    CachedSession(TransformerModel model, Decoder decoder, InputEmbedding embed, Linear generator, int rows, Tensor memory,
                  TokenBatch src) {
        this.model = model;
        this.decoder = decoder;
        this.embed = embed;
        this.generator = generator;
        this.memory = memory;
        this.srcValid = src == null ? null : src.validLengths();
        this.srcIds = src == null ? null : src.rows();
        this.caches = decoder.newCaches(rows);
        this.tokens = new int[rows][0];
    }

    /**
     * A decoder-only session whose rows are left-padded: row {@code r}'s first {@code starts[r]}
     * positions are padding, hidden by the self-attention mask, and its real tokens take positions
     * from 0 as they would alone.
     */
    CachedSession(TransformerModel model, Decoder decoder, InputEmbedding embed, Linear generator, int[] starts) {
        this(model, decoder, embed, generator, starts.length, null, null);
        this.starts = starts.clone();
    }

    /** The steps' reused activation arrays (for tests). */
    StepBuffers buffers() {
        return buffers;
    }

    @Override
    public int rows() {
        return tokens.length;
    }

    @Override
    public int vocabSize() {
        return generator.outFeatures();
    }

    @Override
    public int length() {
        return tokens.length == 0 ? 0 : tokens[0].length;
    }

    @Override
    public float[][] step(int[] next) {
        Objects.requireNonNull(next, "tokens");
        if (next.length != rows()) {
            throw new IllegalArgumentException("step got " + next.length + " tokens for " + rows() + " rows");
        }
        int[][] t = new int[next.length][1];
        for (int r = 0; r < next.length; r++) {
            t[r][0] = next[r];
        }
        return feed(t);
    }

    /** Appends {@code add[r]} (equal lengths ≥ 1) to every row and returns the logits after the last one. */
    float[][] feed(int[][] add) {
        int rows = rows();
        int n = add.length == 0 ? 0 : add[0].length;
        if (add.length != rows || n == 0) {
            throw new IllegalArgumentException("feed needs one non-empty token row per session row (" + rows + ")");
        }
        int offset = length();
        int total = offset + n;
        int[] ids = new int[rows * n];
        int[][] all = new int[rows][];
        for (int r = 0; r < rows; r++) {
            if (add[r].length != n) {
                throw new IllegalArgumentException("row " + r + " feeds " + add[r].length + " tokens but row 0 feeds " + n);
            }
            System.arraycopy(add[r], 0, ids, r * n, n);
            all[r] = Arrays.copyOf(tokens[r], total);
            System.arraycopy(add[r], 0, all[r], offset, n);
        }
        int[] valid = new int[rows];
        Arrays.fill(valid, total);
        MaskInputs self = (starts == null ? MaskInputs.none().withValidLengths(valid) : MaskInputs.none().withValidRanges(starts, valid))
                .withTokenIds(all);
        MaskInputs cross = memory == null ? null
                : MaskInputs.none().withQueryValidLengths(valid).withKeyValidLengths(srcValid).withTokenIds(srcIds);
        float[][] out = new float[rows][];
        // evaluating() rather than model.eval(): the model's mode is shared by every thread using it;
        // hot(): the step's ~25 products are each a split, with little work between them, so the kernel
        // threads spin through the step instead of paying a wake-up per product
        try (GradMode.Scope noGrad = GradMode.disable(); GradMode.Scope evaluating = Module.evaluating();
             Parallel.Hot hot = Parallel.hot()) {
            if (memory != null && projected == null) {
                projected = decoder.projectMemory(memory);                            // once per source, not per step
            }
            Tensor h;                                                                 // (rows, n, dModel)
            // the step's activations reuse the previous step's arrays (StepBuffers): nothing made in
            // this scope outlives the next step (the caches copy the new keys and values), and the
            // projected memory (above) and the logits (below), which do, are made outside it
            try (StepBuffers.Scope reuse = buffers.open()) {
                Tensor x;                                                             // (rows, n, dModel)
                if (starts == null) {
                    x = embed.forward(ids, rows, n, offset);
                } else {
                    int[] positions = new int[rows];
                    for (int r = 0; r < rows; r++) positions[r] = offset - starts[r];
                    x = embed.forward(ids, rows, n, positions);
                }
                h = decoder.step(x, caches, memory, projected, self, cross, offset);
            }
            Tensor logits = generator.forward(h.narrow(1, n - 1, 1));                 // (rows, 1, vocab)
            int v = vocabSize();
            if (rows == 1 && logits.offset() == 0 && logits.isContiguous() && logits.storage().length == v) {
                out[0] = logits.storage();        // the product's own fresh output: no copy of the vocabulary
            } else {
                float[] flat = logits.isContiguous() ? logits.storage() : logits.toArray();
                int base = logits.isContiguous() ? logits.offset() : 0;
                for (int r = 0; r < rows; r++) {
                    out[r] = Arrays.copyOfRange(flat, base + r * v, base + (r + 1) * v);
                }
            }
        }
        tokens = all;
        return out;
    }

    @Override
    public void select(int[] rows) {
        Objects.requireNonNull(rows, "rows");
        int current = rows();
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] < 0 || rows[i] >= current) {
                throw new IllegalArgumentException("select index " + rows[i] + " at " + i + " is outside the " + current + " rows");
            }
        }
        for (KvCache c : caches) {
            c.reorder(rows);                                   // in place: only moved rows are copied
        }
        if (memory != null && !identity(rows, current)) {
            memory = gather(memory, rows);
            if (projected != null) {
                for (int l = 0; l < projected.length; l++) {
                    MultiHeadAttention.KeysValues kv = projected[l];
                    projected[l] = kv == null ? null : new MultiHeadAttention.KeysValues(gather(kv.keys(), rows), gather(kv.values(), rows));
                }
            }
            int[] sv = new int[rows.length];
            int[][] si = new int[rows.length][];
            for (int i = 0; i < rows.length; i++) {
                sv[i] = srcValid[rows[i]];
                si[i] = srcIds[rows[i]];
            }
            srcValid = sv;
            srcIds = si;
        }
        int[][] t = new int[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            t[i] = tokens[rows[i]];
        }
        tokens = t;
        if (starts != null) {
            int[] s = new int[rows.length];
            for (int i = 0; i < rows.length; i++) s[i] = starts[rows[i]];
            starts = s;
        }
    }

    /** True when selecting {@code rows} keeps every row where it is. */
    private static boolean identity(int[] rows, int current) {
        if (rows.length != current) {
            return false;
        }
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] != i) {
                return false;
            }
        }
        return true;
    }

    /** Rows {@code rows} of {@code x} along dimension 0, as a new dense tensor. */
    private static Tensor gather(Tensor x, int[] rows) {
        float[] src = x.toArray();
        int[] shape = x.shape();
        int per = src.length / shape[0];
        float[] dst = new float[rows.length * per];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(src, rows[i] * per, dst, i * per, per);
        }
        shape[0] = rows.length;
        return Tensor.wrap(dst, shape);
    }
}
