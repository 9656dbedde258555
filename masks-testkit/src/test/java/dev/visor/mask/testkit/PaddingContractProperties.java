package dev.visor.mask.testkit;

import dev.visor.mask.MaskStrategy;
import dev.visor.mask.builtin.PaddingMask;

/** The contract, run against the built-in {@link PaddingMask}. */
class PaddingContractProperties implements MaskStrategyContract {

    @Override
    public MaskStrategy subject() {
        return new PaddingMask.Strategy();
    }

    @Override
    public boolean classifiesExactly() {
        return true;
    }
}
