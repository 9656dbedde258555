package dev.visor.mask.testkit;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.builtin.RandomMask;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** The contract, run against the built-in {@link RandomMask}. */
class RandomContractProperties implements MaskStrategyContract {

    @Override
    public MaskStrategy subject() {
        return new RandomMask.Strategy();
    }

    @Override
    public Arbitrary<MaskArguments> arguments() {
        return Combinators.combine(Arbitraries.of(0.0, 0.2, 0.5, 0.9, 1.0), Arbitraries.integers(),
                Arbitraries.integers().between(1, 5), Arbitraries.of(true, false))
                .as((d, s, b, h) -> MaskArguments.of(subject(), Map.of("density", d, "seed", s, "block", b, "per_head", h)));
    }

    @Override
    public boolean classifiesExactly() {
        return true;
    }
}
