package dev.visor.mask.testkit;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.builtin.GlobalMask;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** The contract, run against the built-in {@link GlobalMask}. */
class GlobalContractProperties implements MaskStrategyContract {

    @Override
    public MaskStrategy subject() {
        return new GlobalMask.Strategy();
    }

    @Override
    public Arbitrary<MaskArguments> arguments() {
        return Arbitraries.integers().between(0, 40).list().ofMaxSize(4)
                .map(p -> MaskArguments.of(subject(), Map.of("positions", p)));
    }

    @Override
    public boolean classifiesExactly() {
        return true;
    }
}
