package dev.visor.mask.builtin;

import dev.visor.mask.BlockClass;
import dev.visor.mask.ContextKey;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskSpec;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.ParameterType;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * {@code token(ids)}: key {@code k} of sequence {@code b} is selected iff its token id is one of
 * {@code ids}; negate it to hide tokens, e.g. stop words: {@code padding & !token(ids=[7, 9])}.
 * Needs {@link ContextKey#TOKEN_IDS} (the keys' token ids, in self- and cross-attention alike).
 *
 * <p>Classification: a per-sequence prefix count of selected keys answers "how many keys of
 * {@code [kFrom, kTo)} are selected" with two loads: FULL iff all, EMPTY iff none.
 *
 * <pre>{@code
 * MaskContext ctx = MaskContext.builder(1, 1, 4, 4).tokenIds(new int[][] {{5, 7, 9, 2}}).build();
 * Mask m = registry.create("!token(ids=[7, 9])", ctx);  // keys 1 and 2 are hidden
 * }</pre>
 */
public final class TokenMask implements Mask {
    private final int[] ids;          // sorted, distinct
    private final int[][] selected;   // (batch, keyLength + 1) prefix counts of selected keys
    private final int hash;

    /**
     * A token mask over explicit key token ids.
     *
     * @param ids the selected token ids (duplicates dropped)
     * @param keyTokenIds {@code (batch, keyLength)}
     */
    public TokenMask(int[] ids, int[][] keyTokenIds) {
        if (keyTokenIds.length == 0) throw new IllegalArgumentException("token mask needs at least one sequence");
        for (int b = 0; b < keyTokenIds.length; b++) {
            if (keyTokenIds[b].length != keyTokenIds[0].length) {
                throw new IllegalArgumentException("token id rows differ in length: sequence " + b + " has "
                        + keyTokenIds[b].length + " keys, sequence 0 has " + keyTokenIds[0].length);
            }
        }
        this.ids = Arrays.stream(ids).sorted().distinct().toArray();
        this.selected = new int[keyTokenIds.length][];
        for (int b = 0; b < keyTokenIds.length; b++) {
            int[] tokens = keyTokenIds[b];
            int[] prefix = new int[tokens.length + 1];
            for (int k = 0; k < tokens.length; k++) {
                prefix[k + 1] = prefix[k] + (Arrays.binarySearch(this.ids, tokens[k]) >= 0 ? 1 : 0);
            }
            selected[b] = prefix;
        }
        this.hash = 31 * Arrays.hashCode(this.ids) + Arrays.deepHashCode(selected);
    }

    @Override
    public boolean attends(int batch, int head, int query, int key) {
        int[] prefix = selected[batch];
        return prefix[key + 1] != prefix[key];
    }

    @Override
    public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
        int[] prefix = selected[batch];
        int n = prefix[keyTo] - prefix[keyFrom];
        if (n == keyTo - keyFrom) return BlockClass.FULL;
        return n == 0 ? BlockClass.EMPTY : BlockClass.PARTIAL;
    }

    @Override
    public boolean dependsOnBatch() {
        return true;
    }

    @Override
    public boolean dependsOnHead() {
        return false;
    }

    @Override
    public void checkShape(MaskShape shape) {
        if (shape.batch() != selected.length || shape.keyLength() != selected[0].length - 1) {
            throw new IllegalArgumentException("token mask holds token ids for " + selected.length + " sequences of "
                    + (selected[0].length - 1) + " keys but the shape has batch " + shape.batch() + " and "
                    + shape.keyLength() + " keys");
        }
    }

    @Override
    public String spec() {
        return MaskSpec.call(Strategy.NAME, "ids", ids).toString();
    }

    /** Equal when the id sets are equal and the same keys are selected. */
    @Override
    public boolean equals(Object o) {
        return o instanceof TokenMask t && hash == t.hash && Arrays.equals(ids, t.ids)
                && Arrays.deepEquals(selected, t.selected);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return spec();
    }

    /** The {@code token} strategy. */
    public static final class Strategy implements MaskStrategy {
        static final String NAME = "token";

        /** For {@link java.util.ServiceLoader}. */
        public Strategy() {}

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String description() {
            return "keys whose token id is one of ids";
        }

        @Override
        public List<MaskParameter> parameters() {
            return List.of(MaskParameter.required("ids", ParameterType.INT_LIST, "the selected token ids"));
        }

        @Override
        public Set<ContextKey<?>> needs() {
            return Set.of(ContextKey.TOKEN_IDS);
        }

        @Override
        public Mask create(MaskArguments args, MaskContext context) {
            return new TokenMask(args.getIntList("ids"), context.tokenIds());
        }
    }
}
