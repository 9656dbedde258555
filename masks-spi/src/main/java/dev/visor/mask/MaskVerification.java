package dev.visor.mask;

import java.util.Locale;

/**
 * How much of a mask's block classification is checked against its element predicate when the mask
 * is compiled ("trust but verify"). The attention kernel skips EMPTY blocks and never asks the
 * predicate inside FULL ones, so a {@code classify} that says EMPTY or FULL wrongly would change the
 * numbers silently; verification turns that into an error at compile time naming the strategy, the
 * block and an offending element ({@link MaskVerificationException}).
 *
 * <p>The system property {@value #PROPERTY} ({@code off}, {@code sample}, {@code full} or
 * {@code default}) sets the mode of every compile that does not choose one. {@link #DEFAULT} samples
 * masks of plugin strategies and trusts the built-ins (which their own closed-form tests cover); an
 * explicit {@link #SAMPLE} or {@link #FULL} applies to built-ins too, and {@link #OFF} to plugins too.
 *
 * <pre>{@code
 * java -Dvisor.masks.verify=full ...          // check every element of every EMPTY/FULL block
 * CompiledMask.compile(mask, shape, 64, 64, MaskVerification.FULL);
 * }</pre>
 */
public enum MaskVerification {
    /** Trust {@code classify}: no check. */
    OFF,
    /**
     * Check a few elements of every EMPTY or FULL block: its four corners, its centre and four
     * elements chosen by a hash of the block. Costs O(number of blocks), like compiling.
     */
    SAMPLE,
    /** Check every element of every EMPTY or FULL block: O(Lq·Lk) per slice, for debugging. */
    FULL,
    /** {@link #SAMPLE} for masks of plugin strategies, {@link #OFF} for the built-ins. */
    DEFAULT;

    /** The system property that chooses the mode: {@code off}, {@code sample}, {@code full} or {@code default}. */
    public static final String PROPERTY = "visor.masks.verify";

    /**
     * The mode the system property {@value #PROPERTY} chooses, {@link #DEFAULT} when it is unset.
     *
     * @return the configured mode
     * @throws IllegalArgumentException naming the value when it is not one of the four modes
     */
    public static MaskVerification configured() {
        String value = System.getProperty(PROPERTY);
        return value == null || value.isBlank() ? DEFAULT : parse(value);
    }

    /**
     * Parses a mode name, ignoring case.
     *
     * @param value {@code off}, {@code sample}, {@code full} or {@code default}
     * @return the mode
     * @throws IllegalArgumentException naming the value and the allowed ones
     */
    public static MaskVerification parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PROPERTY + " is '" + value + "' but must be one of off, sample, full, default", e);
        }
    }

    /**
     * The mode that applies to one leaf mask: an explicit mode applies to every leaf, {@link #DEFAULT}
     * samples plugin masks and trusts built-ins.
     *
     * @param builtin whether the leaf is a built-in mask
     * @return OFF, SAMPLE or FULL
     */
    MaskVerification forLeaf(boolean builtin) {
        if (this != DEFAULT) return this;
        return builtin ? OFF : SAMPLE;
    }
}
