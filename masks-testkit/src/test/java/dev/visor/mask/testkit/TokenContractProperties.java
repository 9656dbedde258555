package dev.visor.mask.testkit;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.builtin.TokenMask;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** The contract, run against the built-in {@link TokenMask}. */
class TokenContractProperties implements MaskStrategyContract {

    @Override
    public MaskStrategy subject() {
        return new TokenMask.Strategy();
    }

    @Override
    public Arbitrary<MaskArguments> arguments() {
        return Arbitraries.integers().between(0, 7).list().ofMaxSize(3)
                .map(ids -> MaskArguments.of(subject(), Map.of("ids", ids)));
    }

    @Override
    public boolean classifiesExactly() {
        return true;
    }
}
