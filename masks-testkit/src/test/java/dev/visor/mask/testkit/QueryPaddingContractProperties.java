package dev.visor.mask.testkit;

import dev.visor.mask.MaskStrategy;
import dev.visor.mask.builtin.QueryPaddingMask;

/** The contract, run against the built-in {@link QueryPaddingMask}. */
class QueryPaddingContractProperties implements MaskStrategyContract {

    @Override
    public MaskStrategy subject() {
        return new QueryPaddingMask.Strategy();
    }

    @Override
    public boolean classifiesExactly() {
        return true;
    }
}
