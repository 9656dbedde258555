package dev.visor.mask;

import java.util.Arrays;

/**
 * An order in which the attention kernel may lay out positions so that a mask's blocks become EMPTY
 * or FULL: a hint a mask gives through {@link Mask#kernelOrder()}. The kernel gathers queries and keys
 * into this order, runs its block-sparse loop over blocks of the <em>reordered</em> positions, and
 * scatters the results back; the predicate is still asked at the original positions, so any order is
 * correct and only the speed depends on it.
 *
 * <p>Example: {@code strided(stride=8)} attends {@code k ≤ q} with {@code q − k ≡ 0 (mod 8)} plus a
 * short local window. In the natural order every block below the diagonal mixes attended and masked
 * elements; grouped by residue mod 8 ({@link #byResidue}), the strided part becomes 8 dense causal
 * blocks along the diagonal and the local part a thin band.
 *
 * <pre>{@code
 * record Strided(int stride) implements Mask {
 *     public PositionOrder kernelOrder() { return PositionOrder.byResidue(stride); }
 *     ...
 * }
 * int[] order = PositionOrder.byResidue(3).arrange(0, 7);   // [0, 3, 6, 1, 4, 2, 5]
 * }</pre>
 *
 * @since 0.3
 */
public interface PositionOrder {

    /**
     * The positions {@code first, first + 1, …, first + count − 1} in kernel order: element {@code i}
     * of the result is the position the kernel places at index {@code i}. Must return a permutation of
     * that range (the kernel checks, naming this order if not) and the same answer for the same
     * arguments.
     *
     * @param first the first position (absolute: a query block after a KV cache starts at its offset)
     * @param count the number of positions, at least 0
     * @return a new array holding a permutation of {@code [first, first + count)}
     */
    int[] arrange(int first, int count);

    /**
     * True for the identity order, which the kernel uses without gathering anything.
     *
     * @return true only for the identity order
     */
    default boolean isNatural() {
        return false;
    }

    /**
     * The identity order: positions as they are. The default of every mask.
     *
     * @return the identity order
     */
    static PositionOrder natural() {
        return Natural.INSTANCE;
    }

    /**
     * Positions grouped by their residue mod {@code modulus} (residue 0 first), ascending within a
     * group: the layout that turns "every modulus-th key" into dense blocks.
     *
     * @param modulus the number of groups, at least 1 (1 is the identity)
     * @return the residue order
     * @throws IllegalArgumentException if {@code modulus < 1}
     */
    static PositionOrder byResidue(int modulus) {
        if (modulus < 1) {
            throw new IllegalArgumentException("a residue order needs a modulus of at least 1 but got " + modulus);
        }
        return modulus == 1 ? natural() : new Residue(modulus);
    }

    /** The identity order. */
    enum Natural implements PositionOrder {
        /** The only instance. */
        INSTANCE;

        @Override
        public int[] arrange(int first, int count) {
            int[] out = new int[count];
            Arrays.setAll(out, i -> first + i);
            return out;
        }

        @Override
        public boolean isNatural() {
            return true;
        }

        @Override
        public String toString() {
            return "natural";
        }
    }

    /**
     * Grouping by residue mod {@code modulus}.
     *
     * @param modulus the number of groups, at least 2
     */
    record Residue(int modulus) implements PositionOrder {
        /**
         * Checks the modulus.
         *
         * @param modulus the number of groups, at least 2
         */
        public Residue {
            if (modulus < 2) {
                throw new IllegalArgumentException("a residue order needs a modulus of at least 2 but got " + modulus);
            }
        }

        @Override
        public int[] arrange(int first, int count) {
            int[] out = new int[count];
            int n = 0;
            for (int r = 0; r < modulus && n < count; r++) {
                int p = first + Math.floorMod(r - first, modulus);   // the first position ≡ r
                for (; p < first + count; p += modulus) {
                    out[n++] = p;
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return "residue(" + modulus + ")";
        }
    }
}
