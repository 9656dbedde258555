package dev.visor.mask.testkit;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.builtin.DilatedMask;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** The contract, run against the built-in {@link DilatedMask}. */
class DilatedContractProperties implements MaskStrategyContract {

    @Override
    public MaskStrategy subject() {
        return new DilatedMask.Strategy();
    }

    @Override
    public Arbitrary<MaskArguments> arguments() {
        return Combinators.combine(Arbitraries.integers().between(0, 15), Arbitraries.integers().between(1, 4))
                .as((l, d) -> MaskArguments.of(subject(), Map.of("left", l, "dilation", d)));
    }

    @Override
    public boolean classifiesExactly() {
        return true;
    }
}
