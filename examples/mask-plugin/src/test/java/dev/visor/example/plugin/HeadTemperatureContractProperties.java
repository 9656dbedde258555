package dev.visor.example.plugin;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.ScoreModifierStrategy;
import dev.visor.mask.testkit.ScoreModifierContract;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** The plugin's score modifier passes the modifier contract of the test kit. */
class HeadTemperatureContractProperties implements ScoreModifierContract {

    @Override
    public ScoreModifierStrategy subject() {
        return new HeadTemperatureModifier.Strategy();
    }

    @Override
    public Arbitrary<MaskArguments> arguments() {
        return Arbitraries.doubles().between(-1, 1).ofScale(2).map(init -> MaskArguments.of(subject(), Map.of("init", init)));
    }
}
