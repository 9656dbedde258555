package dev.visor.mask.testkit;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.ScoreModifierStrategy;
import dev.visor.mask.builtin.SoftcapModifier;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** The score-modifier contract, run against the built-in {@link SoftcapModifier}. */
class SoftcapContractProperties implements ScoreModifierContract {

    @Override
    public ScoreModifierStrategy subject() {
        return new SoftcapModifier.Strategy();
    }

    @Override
    public Arbitrary<MaskArguments> arguments() {
        return Arbitraries.doubles().between(0.25, 100).map(cap -> MaskArguments.of(subject(), Map.of("cap", cap)));
    }
}
