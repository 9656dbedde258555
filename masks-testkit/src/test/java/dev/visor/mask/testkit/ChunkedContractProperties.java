package dev.visor.mask.testkit;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.builtin.ChunkedMask;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** The contract, run against the built-in {@link ChunkedMask}. */
class ChunkedContractProperties implements MaskStrategyContract {

    @Override
    public MaskStrategy subject() {
        return new ChunkedMask.Strategy();
    }

    @Override
    public Arbitrary<MaskArguments> arguments() {
        return Arbitraries.integers().between(1, 10).map(s -> MaskArguments.of(subject(), Map.of("size", s)));
    }

    @Override
    public boolean classifiesExactly() {
        return true;
    }
}
