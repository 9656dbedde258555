package dev.visor.mask.testkit;

import dev.visor.mask.MaskStrategy;
import dev.visor.mask.builtin.CausalMask;

/** The contract, run against the built-in {@link CausalMask}. */
class CausalContractProperties implements MaskStrategyContract {

    @Override
    public MaskStrategy subject() {
        return new CausalMask.Strategy();
    }

    @Override
    public boolean classifiesExactly() {
        return true;
    }
}
