package dev.visor.mask.testkit;

import dev.visor.mask.MaskStrategy;
import dev.visor.mask.builtin.FullMask;

/** The contract, run against the built-in {@link FullMask}. */
class FullContractProperties implements MaskStrategyContract {

    @Override
    public MaskStrategy subject() {
        return new FullMask.Strategy();
    }

    @Override
    public boolean classifiesExactly() {
        return true;
    }
}
