package dev.visor.mask.testkit;

import dev.visor.mask.MaskStrategy;
import dev.visor.mask.builtin.PaddingMask;

/** The contract, run against the built-in {@link PaddingMask.QueryStrategy}. */
class QueryPaddingContractProperties implements MaskStrategyContract {

    @Override
    public MaskStrategy subject() {
        return new PaddingMask.QueryStrategy();
    }

    @Override
    public boolean classifiesExactly() {
        return true;
    }
}
