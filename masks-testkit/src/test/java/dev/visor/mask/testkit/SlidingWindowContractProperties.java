package dev.visor.mask.testkit;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.builtin.SlidingWindowMask;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** The contract, run against the built-in {@link SlidingWindowMask}. */
class SlidingWindowContractProperties implements MaskStrategyContract {

    @Override
    public MaskStrategy subject() {
        return new SlidingWindowMask.Strategy();
    }

    @Override
    public Arbitrary<MaskArguments> arguments() {
        return Combinators.combine(Arbitraries.integers().between(0, 12), Arbitraries.integers().between(0, 6))
                .as((l, r) -> MaskArguments.of(subject(), Map.of("left", l, "right", r)));
    }

    @Override
    public boolean classifiesExactly() {
        return true;
    }
}
