package dev.visor.cli;

import dev.visor.mask.BlockClass;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.builtin.CausalMask;

/**
 * A deliberately broken mask plugin for the audit tests: its predicate is causal and its block
 * classification is exact except on the one 64-block queries [256, 320) × keys [128, 192), which it
 * calls EMPTY although every element there attends. Only inputs longer than 256 positions meet it,
 * and since it hides inputs a query should see, perturbing hidden inputs cannot reveal it.
 */
public final class OneWrongBlockStrategy implements MaskStrategy {
    @Override
    public String name() {
        return "one_wrong_block";
    }

    @Override
    public String description() {
        return "causal, but one far block classified EMPTY (broken on purpose)";
    }

    @Override
    public Mask create(MaskArguments args, MaskContext context) {
        return new OneWrongBlock();
    }

    /** The mask. */
    record OneWrongBlock() implements Mask {
        @Override
        public boolean attends(int batch, int head, int query, int key) {
            return key <= query;
        }

        @Override
        public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
            if (queryFrom >= 256 && queryTo <= 320 && keyFrom >= 128 && keyTo <= 192) return BlockClass.EMPTY;
            return CausalMask.INSTANCE.classify(batch, head, queryFrom, queryTo, keyFrom, keyTo);
        }

        @Override
        public boolean dependsOnBatch() {
            return false;
        }

        @Override
        public boolean dependsOnHead() {
            return false;
        }

        @Override
        public String spec() {
            return "one_wrong_block";
        }
    }
}
