package dev.visor.mask.testkit;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.ScoreModifierStrategy;
import dev.visor.mask.builtin.AlibiModifier;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** The score-modifier contract, run against the built-in {@link AlibiModifier}, standard and explicit slopes. */
class AlibiContractProperties implements ScoreModifierContract {

    @Override
    public ScoreModifierStrategy subject() {
        return new AlibiModifier.Strategy();
    }

    @Override
    public Arbitrary<MaskArguments> arguments() {
        return Arbitraries.just(MaskArguments.of(subject(), Map.of()));
    }
}
