package dev.visor.cli;

import dev.visor.mask.BlockClass;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskStrategy;

/**
 * A deliberately broken mask plugin for the audit tests: its predicate is causal, but its block
 * classification calls every block FULL, so the block-skipping kernel lets queries see the future.
 * A test registers it through a plugin folder whose jar holds only the service file.
 */
public final class LeakyCausalStrategy implements MaskStrategy {
    @Override
    public String name() {
        return "leaky_causal";
    }

    @Override
    public String description() {
        return "causal by its predicate, FULL by its block classification (broken on purpose)";
    }

    @Override
    public Mask create(MaskArguments args, MaskContext context) {
        return new Leaky();
    }

    /** The mask: causal elements, wrong blocks. */
    record Leaky() implements Mask {
        @Override
        public boolean attends(int batch, int head, int query, int key) {
            return key <= query;
        }

        @Override
        public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
            return BlockClass.FULL;
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
            return "leaky_causal";
        }
    }
}
