package dev.visor.mask.testkit;

import dev.visor.mask.BlockClass;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.MaskSpec;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.ParameterType;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/** The plugin-author example of masks-spi/README.md, verbatim, so the guide cannot rot. */
class EveryNthContractProperties implements MaskStrategyContract {

    public record EveryNthMask(int n) implements Mask {            // key k is visible iff k % n == 0
        public boolean attends(int b, int h, int q, int k) { return k % n == 0; }
        public BlockClass classify(int b, int h, int q0, int q1, int k0, int k1) {
            boolean any = (k0 + n - 1) / n * n < k1;               // some multiple of n in [k0, k1)
            boolean all = any && (n == 1 || k1 - k0 == 1);         // neighbours differ mod n
            return BlockClass.of(any, all);
        }
        public boolean dependsOnBatch() { return false; }          // lets compiled masks collapse the batch
        public boolean dependsOnHead() { return false; }           // ... and the heads
        public String spec() { return MaskSpec.call("every_nth", "n", n).toString(); }

        public static final class Strategy implements MaskStrategy {
            public String name() { return "every_nth"; }
            public String description() { return "keys at multiples of n"; }
            public List<MaskParameter> parameters() {
                return List.of(MaskParameter.required("n", ParameterType.INT, "the stride"));
            }
            public Mask create(MaskArguments args, MaskContext ctx) { return new EveryNthMask(args.getInt("n")); }
        }
    }

    public MaskStrategy subject() { return new EveryNthMask.Strategy(); }
    public Arbitrary<MaskArguments> arguments() {      // needed: n has no default
        return Arbitraries.integers().between(1, 6).map(n -> MaskArguments.of(subject(), Map.of("n", n)));
    }
    public boolean classifiesExactly() { return true; } // also check PARTIAL only for mixed blocks
}
