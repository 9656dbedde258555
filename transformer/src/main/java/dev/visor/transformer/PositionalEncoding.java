package dev.visor.transformer;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Shape;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.nn.Init;
import dev.visor.tensor.nn.Module;

/**
 * Adds position information to embeddings, {@code x + P[offset .. offset+seq)}: the fixed sinusoids
 * of Vaswani et al. (2017), §3.5,
 * <pre>
 *   PE(pos, 2i)   = sin(pos / 10000^(2i/d_model))
 *   PE(pos, 2i+1) = cos(pos / 10000^(2i/d_model))
 * </pre>
 * ({@link #sinusoidal}, a transient table, no parameters), or a learned table {@code weight
 * (maxLength, dModel)} ({@link #learned}, BERT and GPT-2). The offset is the position of the first
 * token, so incremental decoding adds the right rows.
 *
 * <pre>{@code
 * PositionalEncoding pe = PositionalEncoding.sinusoidal(512, 1024);
 * Tensor h = pe.forward(embedded, 0);                 // (batch, seq, 512)
 * }</pre>
 */
public abstract class PositionalEncoding extends Module {
    /** Creates a positional encoding with nothing registered. */
    protected PositionalEncoding() {}

    /**
     * The sinusoidal table for positions {@code 0 .. maxLength−1}.
     *
     * @param dModel the model width {@code d_model}
     * @param maxLength the longest sequence
     * @return the sinusoidal table for positions {@code 0 .. maxLength−1}
     */
    public static PositionalEncoding sinusoidal(int dModel, int maxLength) {
        return new Sinusoidal(dModel, maxLength);
    }

    /**
     * A learned table for positions {@code 0 .. maxLength−1}, initialised from {@code N(0, 1)} (as {@code nn.Embedding}).
     *
     * @param dModel the model width {@code d_model}
     * @param maxLength the longest sequence
     * @param rng the random source
     * @return a learned table for positions {@code 0 .. maxLength−1}
     */
    public static PositionalEncoding learned(int dModel, int maxLength, Rng rng) {
        return new Learned(dModel, maxLength, rng);
    }

    /**
     * No positional encoding: {@code x} unchanged (positions up to {@code maxLength − 1} still checked),
     * for models whose attention sites carry positions in their score specs ({@code rope}, {@code alibi}).
     *
     * @param dModel the model width {@code d_model}
     * @param maxLength the longest sequence
     * @return an encoding that adds nothing
     */
    public static PositionalEncoding none(int dModel, int maxLength) {
        return new None(dModel, maxLength);
    }

    /**
     * The sinusoid {@code PE(pos, j)} of §3.5, evaluated in double: {@code sin} for even {@code j},
     * {@code cos} for odd {@code j}, with frequency {@code 10000^(−2⌊j/2⌋/dModel)}.
     *
     * @param pos the positional encoding
     * @param j the index
     * @param dModel the model width {@code d_model}
     * @return the sinusoid {@code PE(pos, j)} of §3.5, evaluated in double: {@code sin} for even {@code j}, {@code cos} for odd {@code j}, with frequency {@code 10000^(−2⌊j/2⌋/dModel)}
     */
    public static double sinusoid(int pos, int j, int dModel) {
        double angle = pos / Math.pow(10000.0, (2.0 * (j / 2)) / dModel);
        return (j & 1) == 0 ? Math.sin(angle) : Math.cos(angle);
    }

    /**
     * Returns {@code x + P[offset .. offset+seq)} for {@code x (batch, seq, dModel)}.
     *
     * @param x the input
     * @param offset the offset
     * @return {@code x + P[offset .. offset+seq)}
     * @throws IllegalArgumentException when positions past {@link #maxLength()} would be needed
     */
    public abstract Tensor forward(Tensor x, int offset);

    /**
     * Returns {@code x + P[offsets[b] .. offsets[b]+seq)} row by row, for a left-padded batch whose
     * row {@code b} has its first real token at index {@code −offsets[b]} of the call. Positions below
     * 0 belong to padding, which the masks hide; they get the encodings of positions 0, 1, ....
     *
     * @param x       (batch, seq, dModel)
     * @param offsets one position per row: that of the row's first token in this call
     * @return (batch, seq, dModel)
     */
    public Tensor forward(Tensor x, int[] offsets) {
        int batch = x.size(0);
        int seq = x.size(1);
        if (offsets.length != batch) {
            throw new IllegalArgumentException(offsets.length + " offsets given for a batch of " + batch);
        }
        boolean same = true;
        for (int o : offsets) same &= o == offsets[0];
        if (same && offsets[0] >= 0) return forward(x, offsets[0]);
        Tensor[] rows = new Tensor[batch];
        for (int b = 0; b < batch; b++) {
            Tensor row = x.narrow(0, b, 1);
            int o = offsets[b];
            int pad = Math.min(Math.max(0, -o), seq);   // leading padding in this call
            if (pad == 0) {
                rows[b] = forward(row, o);
            } else if (pad == seq) {
                rows[b] = forward(row, 0);
            } else {
                rows[b] = Tensor.cat(1, forward(row.narrow(1, 0, pad), 0), forward(row.narrow(1, pad, seq - pad), 0));
            }
        }
        return Tensor.cat(0, rows);
    }

    /**
     * The number of positions the table holds.
     *
     * @return the positions {@code 0 .. maxLength-1} this encoding can embed
     */
    public abstract int maxLength();

    /**
     * The feature width.
     *
     * @return the feature width
     */
    public abstract int dModel();

    void checkInput(Tensor x, int offset) {
        if (x.dim() != 3 || x.size(2) != dModel()) {
            throw new IllegalArgumentException("positional encoding expects (batch, seq, " + dModel() + ") but got "
                    + Shape.str(x.shape()));
        }
        if (offset < 0 || offset + x.size(1) > maxLength()) {
            throw new IllegalArgumentException("positions " + offset + ".." + (offset + x.size(1) - 1)
                    + " exceed the positional table of " + maxLength() + " positions (max_length); raise max_length");
        }
    }

    private static void check(int dModel, int maxLength) {
        if (dModel < 1 || maxLength < 1) {
            throw new IllegalArgumentException("a positional encoding needs dModel >= 1 and maxLength >= 1 but got dModel="
                    + dModel + ", maxLength=" + maxLength);
        }
    }

    /** The built-in encodings' shared part: the width, the table length and a name for {@code toString}. */
    private abstract static class Sized extends PositionalEncoding {
        private final int dModel;
        private final int maxLength;
        private final String kind;

        Sized(int dModel, int maxLength, String kind) {
            check(dModel, maxLength);
            this.dModel = dModel;
            this.maxLength = maxLength;
            this.kind = kind;
        }

        @Override
        public int maxLength() {
            return maxLength;
        }

        @Override
        public int dModel() {
            return dModel;
        }

        @Override
        protected String extraRepr() {
            return kind + ", " + dModel + ", maxLength=" + maxLength;
        }
    }

    /** The fixed table of §3.5, held as a transient buffer (not saved: it is a function of the shape). */
    static final class Sinusoidal extends Sized {
        private final Tensor table;   // (maxLength, dModel)

        Sinusoidal(int dModel, int maxLength) {
            super(dModel, maxLength, "sinusoidal");
            float[] pe = new float[maxLength * dModel];
            for (int pos = 0; pos < maxLength; pos++) {
                for (int j = 0; j < dModel; j++) {
                    pe[pos * dModel + j] = (float) sinusoid(pos, j, dModel);
                }
            }
            this.table = registerBuffer("pe", Tensor.wrap(pe, maxLength, dModel), false);
        }

        @Override
        public Tensor forward(Tensor x, int offset) {
            checkInput(x, offset);
            return x.add(table.narrow(0, offset, x.size(1)));   // (batch, seq, dModel) + (seq, dModel)
        }
    }

    /** A learned table {@code weight (maxLength, dModel)}. */
    static final class Learned extends Sized {
        private final Tensor weight;

        Learned(int dModel, int maxLength, Rng rng) {
            super(dModel, maxLength, "learned");
            this.weight = registerParameter("weight", Init.normal(Tensor.zeros(maxLength, dModel), 0.0, 1.0, rng));
        }

        @Override
        public Tensor forward(Tensor x, int offset) {
            checkInput(x, offset);
            return x.add(weight.narrow(0, offset, x.size(1)));
        }
    }

    /** Adds nothing; positions come from the attention sites' score specs. */
    static final class None extends Sized {
        None(int dModel, int maxLength) {
            super(dModel, maxLength, "none");
        }

        @Override
        public Tensor forward(Tensor x, int offset) {
            checkInput(x, offset);
            return x;
        }
    }
}
