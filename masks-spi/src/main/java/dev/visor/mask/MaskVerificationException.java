package dev.visor.mask;

/**
 * A mask's {@code classify} contradicted its {@code attends} on a block it called EMPTY or FULL,
 * found when the mask was compiled ({@link MaskVerification}). The message names the mask's spec
 * (whose first word is the strategy), its class, the block, the claimed class and an offending
 * element, e.g. {@code mask 'every_nth(n=4)' (com.example.EveryNthMask) classified block queries
 * [256, 320) × keys [128, 192) of sequence 0, head 0 as EMPTY, but attends(0, 0, 256, 128) is true}.
 */
public final class MaskVerificationException extends IllegalStateException {
    /** Serialisation version. */
    private static final long serialVersionUID = 1L;

    /** The spec of the offending leaf mask. */
    private final String spec;

    MaskVerificationException(String spec, String message) {
        super(message);
        this.spec = spec;
    }

    /** @return the spec of the offending leaf mask, e.g. {@code every_nth(n=4)} */
    public String spec() {
        return spec;
    }
}
