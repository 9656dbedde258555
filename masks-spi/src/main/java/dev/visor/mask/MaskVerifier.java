package dev.visor.mask;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks the block classes of a mask's leaves against their element predicates before a mask is
 * compiled ({@link MaskVerification}). Leaves are checked one by one, not the composite, so the error
 * names the strategy at fault; composites are sound whenever their leaves are.
 */
final class MaskVerifier {
    /** Elements chosen by hash per checked block in SAMPLE mode, beyond the corners and the centre. */
    private static final int HASHED_SAMPLES = 4;

    private MaskVerifier() {}

    /**
     * Verifies every leaf of a mask over the blocks of a compile.
     *
     * @throws MaskVerificationException at the first contradiction
     */
    static void verify(Mask mask, MaskShape shape, int blockQ, int blockK, MaskVerification mode) {
        if (mode == MaskVerification.OFF) return;
        List<Mask> leaves = new ArrayList<>();
        leaves(mask, leaves);
        for (Mask leaf : leaves) {
            MaskVerification m = mode.forLeaf(Providers.isBuiltin(leaf));
            if (m != MaskVerification.OFF) verifyLeaf(leaf, shape, blockQ, blockK, m == MaskVerification.FULL);
        }
    }

    private static void leaves(Mask m, List<Mask> out) {
        if (m instanceof ChainMask c) {
            for (Mask operand : c.operands()) leaves(operand, out);
        } else if (m instanceof NotMask n) {
            leaves(n.inner(), out);
        } else if (!out.contains(m)) {
            out.add(m);
        }
    }

    private static void verifyLeaf(Mask leaf, MaskShape shape, int blockQ, int blockK, boolean every) {
        int batches = leaf.dependsOnBatch() ? shape.batch() : 1;
        int heads = leaf.dependsOnHead() ? shape.heads() : 1;
        int lq = shape.queryLength();
        int lk = shape.keyLength();
        int o = shape.queryOffset();
        for (int b = 0; b < batches; b++) {
            for (int h = 0; h < heads; h++) {
                for (int q0 = 0; q0 < lq; q0 += blockQ) {
                    int qFrom = o + q0;
                    int qTo = o + Math.min(q0 + blockQ, lq);
                    for (int kFrom = 0; kFrom < lk; kFrom += blockK) {
                        int kTo = Math.min(kFrom + blockK, lk);
                        BlockClass c = leaf.classify(b, h, qFrom, qTo, kFrom, kTo);
                        if (c == BlockClass.PARTIAL || c == null) continue;
                        boolean expected = c == BlockClass.FULL;
                        if (every) {
                            for (int q = qFrom; q < qTo; q++) {
                                for (int k = kFrom; k < kTo; k++) check(leaf, c, expected, b, h, qFrom, qTo, kFrom, kTo, q, k);
                            }
                        } else {
                            sample(leaf, c, expected, b, h, qFrom, qTo, kFrom, kTo);
                        }
                    }
                }
            }
        }
    }

    private static void sample(Mask leaf, BlockClass c, boolean expected, int b, int h, int qFrom, int qTo, int kFrom, int kTo) {
        int qLast = qTo - 1;
        int kLast = kTo - 1;
        check(leaf, c, expected, b, h, qFrom, qTo, kFrom, kTo, qFrom, kFrom);
        check(leaf, c, expected, b, h, qFrom, qTo, kFrom, kTo, qFrom, kLast);
        check(leaf, c, expected, b, h, qFrom, qTo, kFrom, kTo, qLast, kFrom);
        check(leaf, c, expected, b, h, qFrom, qTo, kFrom, kTo, qLast, kLast);
        check(leaf, c, expected, b, h, qFrom, qTo, kFrom, kTo, (qFrom + qLast) >>> 1, (kFrom + kLast) >>> 1);
        long state = mix(((long) b << 48) ^ ((long) h << 32) ^ ((long) qFrom << 16) ^ kFrom);
        for (int i = 0; i < HASHED_SAMPLES; i++) {
            state = mix(state + 0x9E3779B97F4A7C15L);
            int q = qFrom + (int) Long.remainderUnsigned(state, qTo - qFrom);
            int k = kFrom + (int) Long.remainderUnsigned(state >>> 32, kTo - kFrom);
            check(leaf, c, expected, b, h, qFrom, qTo, kFrom, kTo, q, k);
        }
    }

    private static long mix(long z) { // SplitMix64's finaliser
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void check(Mask leaf, BlockClass c, boolean expected, int b, int h, int qFrom, int qTo, int kFrom, int kTo,
                              int q, int k) {
        if (leaf.attends(b, h, q, k) == expected) return;
        String spec = leaf.spec();
        throw new MaskVerificationException(spec, "mask '" + spec + "' (" + leaf.getClass().getName() + ") classified block queries ["
                + qFrom + ", " + qTo + ") × keys [" + kFrom + ", " + kTo + ") of sequence " + b + ", head " + h + " as " + c
                + ", but attends(" + b + ", " + h + ", " + q + ", " + k + ") is " + !expected
                + "; its classify must be sound (PARTIAL is always allowed)");
    }
}
