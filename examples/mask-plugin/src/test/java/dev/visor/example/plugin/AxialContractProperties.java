package dev.visor.example.plugin;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.testkit.MaskStrategyContract;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** The plugin passes the mask contract, with exact classification. */
class AxialContractProperties implements MaskStrategyContract {

    @Override
    public MaskStrategy subject() {
        return new AxialMask.Strategy();
    }

    @Override
    public Arbitrary<MaskArguments> arguments() {
        return Arbitraries.integers().between(1, 9).map(w -> MaskArguments.of(subject(), Map.of("width", w)));
    }

    @Override
    public boolean classifiesExactly() {
        return true;
    }
}
