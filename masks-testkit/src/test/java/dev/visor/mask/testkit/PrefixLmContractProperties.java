package dev.visor.mask.testkit;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.builtin.PrefixLmMask;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** The contract, run against the built-in {@link PrefixLmMask}. */
class PrefixLmContractProperties implements MaskStrategyContract {

    @Override
    public MaskStrategy subject() {
        return new PrefixLmMask.Strategy();
    }

    @Override
    public Arbitrary<MaskArguments> arguments() {
        return Arbitraries.integers().between(0, 30).map(p -> MaskArguments.of(subject(), Map.of("prefix", p)));
    }

    @Override
    public boolean classifiesExactly() {
        return true;
    }
}
