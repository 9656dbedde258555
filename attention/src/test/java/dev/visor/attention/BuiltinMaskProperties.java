package dev.visor.attention;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The kernels under the mask module's built-in masks and random compositions of them, compiled by
 * the mask module (closed-form block classes, collapsed batch/head slices, query offsets): flash
 * equals the reference, and keys a query may not attend cannot reach its output.
 */
class BuiltinMaskProperties {

    @Provide
    Arbitrary<AttentionCase> cases() {
        return BuiltinMaskCases.cases(40, true);
    }

    @Property
    void flashEqualsReferenceUnderBuiltinMasks(@ForAll("cases") AttentionCase c) {
        FlashAttentionProperties.checkFlashEqualsReference(c);
    }

    @Property(tries = 50)
    void maskedKeysAndValuesDoNotReachTheOutputUnderBuiltinMasks(@ForAll("cases") AttentionCase c) {
        FlashAttentionProperties.checkMaskedKeysDoNotReachTheOutput(c);
    }
}
