package dev.visor.mask.testkit;

import dev.visor.mask.MaskStrategy;
import dev.visor.mask.builtin.DocumentMask;

/** The contract, run against the built-in {@link DocumentMask} on contexts whose segment ids may be in any
 * order (where classify is only sound); {@link DocumentSortedContractProperties} checks exactness. */
class DocumentContractProperties implements MaskStrategyContract {

    @Override
    public MaskStrategy subject() {
        return new DocumentMask.Strategy();
    }
}
