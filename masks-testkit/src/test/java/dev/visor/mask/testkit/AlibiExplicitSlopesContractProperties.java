package dev.visor.mask.testkit;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.ScoreModifierStrategy;
import dev.visor.mask.builtin.AlibiModifier;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** The contract for {@link AlibiModifier} with explicit slopes: three heads, any finite slopes. */
class AlibiExplicitSlopesContractProperties implements ScoreModifierContract {

    @Override
    public ScoreModifierStrategy subject() {
        return new AlibiModifier.Strategy();
    }

    @Override
    public Arbitrary<MaskArguments> arguments() {
        return Arbitraries.doubles().between(-2, 2).list().ofSize(3)
                .map(slopes -> MaskArguments.of(subject(), Map.of("slopes", slopes)));
    }

    @Override
    public Arbitrary<Integer> heads() {
        return Arbitraries.just(3);
    }
}
