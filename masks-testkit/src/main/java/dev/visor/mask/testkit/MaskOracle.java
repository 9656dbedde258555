package dev.visor.mask.testkit;

import dev.visor.mask.BlockClass;
import dev.visor.mask.Mask;

/**
 * The reference answers a mask's fast paths are checked against: block classes by enumerating the
 * element predicate. Slow on purpose; use it in tests only.
 *
 * <pre>{@code
 * assertEquals(MaskOracle.classify(mask, 0, 0, 0, 64, 0, 64), mask.classify(0, 0, 0, 64, 0, 64));
 * }</pre>
 */
public final class MaskOracle {
    private MaskOracle() {}

    /**
     * The exact class of a block.
     *
     * @param mask the mask
     * @param batch the sequence
     * @param head the head
     * @param queryFrom first absolute query (inclusive)
     * @param queryTo last absolute query (exclusive)
     * @param keyFrom first key (inclusive)
     * @param keyTo last key (exclusive)
     * @return FULL if every element attends, EMPTY if none does, else PARTIAL
     */
    public static BlockClass classify(Mask mask, int batch, int head, int queryFrom, int queryTo, int keyFrom,
                                      int keyTo) {
        boolean any = false;
        boolean all = true;
        for (int q = queryFrom; q < queryTo; q++) {
            for (int k = keyFrom; k < keyTo; k++) {
                boolean a = mask.attends(batch, head, q, k);
                any |= a;
                all &= a;
            }
        }
        return BlockClass.of(any, all);
    }

    /**
     * Whether {@code claimed} is a sound answer for a block whose exact class is {@code exact}:
     * PARTIAL always is; EMPTY and FULL only when exact.
     *
     * @param claimed what the mask said
     * @param exact what enumeration says
     * @return true if the claim is allowed by the contract
     */
    public static boolean sound(BlockClass claimed, BlockClass exact) {
        return claimed == BlockClass.PARTIAL || claimed == exact;
    }

    /**
     * The first element of a block that contradicts a claimed class, for failure messages.
     *
     * @param mask the mask
     * @param claimed the claimed class
     * @param batch the sequence
     * @param head the head
     * @param queryFrom first query
     * @param queryTo end of queries
     * @param keyFrom first key
     * @param keyTo end of keys
     * @return "(q, k) attends" / "(q, k) does not attend", or null if the claim holds
     */
    public static String counterexample(Mask mask, BlockClass claimed, int batch, int head, int queryFrom, int queryTo,
                                        int keyFrom, int keyTo) {
        if (claimed == BlockClass.PARTIAL) return null;
        for (int q = queryFrom; q < queryTo; q++) {
            for (int k = keyFrom; k < keyTo; k++) {
                boolean a = mask.attends(batch, head, q, k);
                if (claimed == BlockClass.EMPTY && a) return "(query " + q + ", key " + k + ") attends";
                if (claimed == BlockClass.FULL && !a) return "(query " + q + ", key " + k + ") does not attend";
            }
        }
        return null;
    }
}
