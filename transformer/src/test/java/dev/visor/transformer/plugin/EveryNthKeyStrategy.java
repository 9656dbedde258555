package dev.visor.transformer.plugin;

import dev.visor.mask.BlockClass;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.ParameterType;
import java.util.List;

/**
 * A stand-in for a third-party mask plugin, found only through
 * {@code META-INF/services/dev.visor.mask.MaskStrategy} on the test class path: {@code every_nth(n)}
 * lets a query attend the keys whose position is a multiple of {@code n}. No test refers to this class;
 * configs name it.
 */
public final class EveryNthKeyStrategy implements MaskStrategy {
    /** For {@link java.util.ServiceLoader}. */
    public EveryNthKeyStrategy() {}

    @Override
    public String name() {
        return "every_nth";
    }

    @Override
    public String description() {
        return "keys at multiples of n";
    }

    @Override
    public List<MaskParameter> parameters() {
        return List.of(MaskParameter.required("n", ParameterType.INT, "the stride, >= 1"));
    }

    @Override
    public void validate(MaskArguments args) {
        if (args.getInt("n") < 1) {
            throw new IllegalArgumentException("n must be >= 1 but got " + args.getInt("n"));
        }
    }

    @Override
    public Mask create(MaskArguments args, MaskContext context) {
        validate(args);
        return new EveryNth(args.getInt("n"));
    }

    /** The mask. */
    record EveryNth(int n) implements Mask {
        @Override
        public boolean attends(int batch, int head, int query, int key) {
            return key % n == 0;
        }

        @Override
        public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
            int firstMultiple = (keyFrom + n - 1) / n * n;
            if (firstMultiple >= keyTo) {
                return BlockClass.EMPTY;
            }
            return n == 1 || keyTo - keyFrom == 1 ? BlockClass.FULL : BlockClass.PARTIAL;
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
            return "every_nth(n=" + n + ")";
        }
    }
}
