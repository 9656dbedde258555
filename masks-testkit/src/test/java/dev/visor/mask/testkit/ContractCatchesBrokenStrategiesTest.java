package dev.visor.mask.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.BlockClass;
import dev.visor.mask.ContextKey;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.ParameterType;
import dev.visor.mask.PositionOrder;
import dev.visor.mask.builtin.CausalMask;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Each contract property fails for a strategy that breaks its rule, and passes for a correct one. */
class ContractCatchesBrokenStrategiesTest {
    private static final MaskContext CTX = MaskArbitraries.context(2, 2, 6, 8, 2, 7L, true);

    /** A strategy named "broken" (no parameters) creating whatever mask the test gives it. */
    private static MaskStrategy strategy(Function<MaskContext, Mask> create, Set<ContextKey<?>> needs) {
        return new MaskStrategy() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public String description() {
                return "a deliberately broken strategy";
            }

            @Override
            public Set<ContextKey<?>> needs() {
                return needs;
            }

            @Override
            public Mask create(MaskArguments args, MaskContext context) {
                return create.apply(context);
            }
        };
    }

    private static MaskStrategyContract contract(MaskStrategy s, boolean exact) {
        return new MaskStrategyContract() {
            @Override
            public MaskStrategy subject() {
                return s;
            }

            @Override
            public boolean classifiesExactly() {
                return exact;
            }
        };
    }

    /** The whole context as one block. */
    private static MaskCase whole(MaskStrategy s) {
        MaskShape shape = CTX.shape();
        return MaskCase.of(s, MaskArguments.defaults(s), CTX, 1, 1, shape.queryOffset(), shape.queryEnd(), 0,
                shape.keyLength());
    }

    private static void fails(MaskStrategy s, boolean exact, Consumer<MaskStrategyContract> property, String mentions) {
        AssertionError e = assertThrows(AssertionError.class, () -> property.accept(contract(s, exact)));
        assertTrue(e.getMessage().contains(mentions), e.getMessage());
    }

    /** A causal mask whose hooks can be broken one at a time. */
    private static class Causal implements Mask {
        @Override
        public boolean attends(int batch, int head, int query, int key) {
            return key <= query;
        }

        @Override
        public BlockClass classify(int batch, int head, int queryFrom, int queryTo, int keyFrom, int keyTo) {
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
            return "broken";
        }

        @Override
        public boolean equals(Object o) {
            return o != null && o.getClass() == getClass();
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    @Test
    void aCorrectStrategyPassesEveryProperty() {
        MaskStrategy good = strategy(c -> new Causal(), Set.of());
        MaskStrategyContract contract = contract(good, true);
        MaskCase c = whole(good);
        contract.declarationIsWellFormed();
        contract.classifyAgreesWithAttends(c);
        contract.compiledMaskCoversExactlyTheAttendingElements(c, 3, 2);
        contract.declaredIndependenceHolds(c);
        contract.creationIsDeterministicAndEvaluationPure(c);
        contract.specRoundTrips(c);
        contract.contextBoundsAreRespected(c);
        contract.declaredNeedsAreHonoured(c);
        contract.compositionLawsHold(c, "padding", "sliding_window(left=2, right=0)");
        contract.kernelOrderIsAPermutation(c);
        contract(strategy(ctx -> new Causal() {
            @Override
            public PositionOrder kernelOrder() {
                return PositionOrder.byResidue(3);
            }
        }, Set.of()), true).kernelOrderIsAPermutation(c);
    }

    @Test
    void aKernelOrderThatIsNotAPermutationIsCaught() {
        MaskStrategy dropsOne = strategy(c -> new Causal() {
            @Override
            public PositionOrder kernelOrder() {
                return (first, count) -> java.util.Arrays.copyOf(PositionOrder.natural().arrange(first, count), count - 1);
            }
        }, Set.of());
        fails(dropsOne, true, k -> k.kernelOrderIsAPermutation(whole(dropsOne)), "arranged [");
        MaskStrategy repeats = strategy(c -> new Causal() {
            @Override
            public PositionOrder kernelOrder() {
                return (first, count) -> new int[count];
            }
        }, Set.of());
        fails(repeats, true, k -> k.kernelOrderIsAPermutation(whole(repeats)), "is not a permutation of");
    }

    @Test
    void anUnsoundClassifyIsCaught() {
        MaskStrategy lying = strategy(c -> new Causal() {
            @Override
            public BlockClass classify(int b, int h, int q0, int q1, int k0, int k1) {
                return BlockClass.FULL;
            }
        }, Set.of());
        fails(lying, false, k -> k.classifyAgreesWithAttends(whole(lying)), "classify said FULL but (query");
        fails(lying, false, k -> k.compiledMaskCoversExactlyTheAttendingElements(whole(lying), 2, 2), "is FULL but");
    }

    @Test
    void aConservativeClassifyFailsOnlyWhenExactnessIsClaimed() {
        MaskStrategy conservative = strategy(c -> new Causal() {
            @Override
            public BlockClass classify(int b, int h, int q0, int q1, int k0, int k1) {
                return BlockClass.PARTIAL;
            }
        }, Set.of());
        MaskShape s = CTX.shape();
        MaskCase fullBlock = MaskCase.of(conservative, MaskArguments.defaults(conservative), CTX, 0, 0,
                s.queryOffset(), s.queryOffset() + 1, 0, 1);
        contract(conservative, false).classifyAgreesWithAttends(fullBlock);
        fails(conservative, true, k -> k.classifyAgreesWithAttends(fullBlock), "classify said PARTIAL but the block is FULL");
    }

    @Test
    void falseIndependenceIsCaught() {
        MaskStrategy dependent = strategy(c -> new Causal() {
            @Override
            public boolean attends(int b, int h, int q, int k) {
                return k <= q && k != b;
            }
        }, Set.of());
        fails(dependent, false, k -> k.declaredIndependenceHolds(whole(dependent)), "dependsOnBatch() = false");
        fails(dependent, false, k -> k.compiledMaskCoversExactlyTheAttendingElements(whole(dependent), 2, 2),
                "batch collapsed");
    }

    @Test
    void identityEqualityAndHiddenStateAreCaught() {
        MaskStrategy identity = strategy(c -> new Causal() {
            @Override
            public boolean equals(Object o) {
                return o == this;
            }
        }, Set.of());
        fails(identity, false, k -> k.creationIsDeterministicAndEvaluationPure(whole(identity)), "are not equal");
        MaskStrategy stateful = strategy(c -> new Causal() {
            private int calls;

            @Override
            public boolean attends(int b, int h, int q, int k) {
                return calls++ < 20 && k <= q;
            }
        }, Set.of());
        fails(stateful, false, k -> k.creationIsDeterministicAndEvaluationPure(whole(stateful)), "changed between");
    }

    @Test
    void aNonCanonicalSpecIsCaught() {
        MaskStrategy windowed = new MaskStrategy() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public String description() {
                return "prints its spec without the default";
            }

            @Override
            public List<MaskParameter> parameters() {
                return List.of(MaskParameter.optional("width", ParameterType.INT, 3, "a width"));
            }

            @Override
            public Mask create(MaskArguments args, MaskContext context) {
                return new Causal();
            }
        };
        fails(windowed, false, k -> k.specRoundTrips(whole(windowed)), "is not canonical; the canonical form is "
                + "'broken(width=3)'");
    }

    /** Holds per-sequence lengths but does not override checkShape. */
    private static final class Unchecked extends Causal {
        private final int[] lengths;

        Unchecked(int[] lengths) {
            this.lengths = lengths;
        }

        @Override
        public boolean attends(int b, int h, int q, int k) {
            return k < lengths[b];
        }

        @Override
        public BlockClass classify(int b, int h, int q0, int q1, int k0, int k1) {
            return BlockClass.PARTIAL;
        }

        @Override
        public boolean dependsOnBatch() {
            return true;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unchecked u && java.util.Arrays.equals(lengths, u.lengths);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(lengths);
        }
    }

    @Test
    void aMaskThatDoesNotRejectShapesItCannotServeIsCaught() {
        MaskStrategy unchecked = strategy(c -> new Unchecked(c.keyValidLengths()), Set.of(ContextKey.KEY_VALID_LENGTHS));
        fails(unchecked, false, k -> k.contextBoundsAreRespected(whole(unchecked)), "ArrayIndexOutOfBounds");
    }

    @Test
    void readingAnUndeclaredFieldIsCaught() {
        MaskStrategy sneaky = strategy(c -> {
            c.tokenIds();
            return new Causal();
        }, Set.of());
        fails(sneaky, false, k -> k.declaredNeedsAreHonoured(whole(sneaky)), "reads a context field it does not declare");
    }

    @Test
    void aBadDeclarationIsCaught() {
        MaskStrategy unnamed = new MaskStrategy() {
            @Override
            public String name() {
                return "Broken";
            }

            @Override
            public Mask create(MaskArguments args, MaskContext context) {
                return new Causal();
            }
        };
        fails(unnamed, false, MaskStrategyContract::declarationIsWellFormed, "is not lower snake case");
    }

    @Test
    void aClassifyWrongOnOneFarBlockIsCaughtAtKernelSizes() {
        // EMPTY for the 64-block queries [256, 320) × keys [128, 192) (and blocks inside it), where every element attends
        MaskStrategy far = strategy(c -> new Causal() {
            @Override
            public BlockClass classify(int b, int h, int q0, int q1, int k0, int k1) {
                if (q0 >= 256 && q1 <= 320 && k0 >= 128 && k1 <= 192) return BlockClass.EMPTY;
                return super.classify(b, h, q0, q1, k0, k1);
            }
        }, Set.of());
        MaskStrategyContract contract = contract(far, true);
        contract.classifyAgreesWithAttends(whole(far)); // small contexts never reach position 256
        contract.compiledMaskCoversExactlyTheAttendingElements(whole(far), 2, 3);
        MaskContext longer = MaskArbitraries.context(1, 1, 320, 320, 0, 3L, true);
        MaskCase c = MaskCase.of(far, MaskArguments.defaults(far), longer, 0, 0, 0, 1, 0, 1);
        contract.compiledBlocksAreSoundAtKernelSizes(c, 128, 128); // [256, 320) is not a block of its own here
        fails(far, false, k -> k.compiledBlocksAreSoundAtKernelSizes(c, 64, 64), "is EMPTY but (query 256, key 128) attends");
        fails(far, false, k -> k.compiledBlocksAreSoundAtKernelSizes(c, 16, 32), "is EMPTY but (query 256, key 128) attends");
        // and the generated kernel contexts do reach that block
        assertTrue(MaskArbitraries.kernelContexts().sampleStream().limit(300)
                .anyMatch(x -> x.shape().queryLength() >= 320 && x.shape().keyLength() >= 192));
    }

    @Test
    void contextSizesFollowTheSystemProperties() {
        String before = System.getProperty(MaskArbitraries.MAX_LENGTH);
        try {
            System.setProperty(MaskArbitraries.MAX_LENGTH, "80");
            assertTrue(MaskArbitraries.contexts().sampleStream().limit(300).anyMatch(x -> x.shape().keyLength() > 24));
            assertTrue(MaskArbitraries.contexts().sampleStream().limit(300).allMatch(x -> x.shape().keyLength() <= 80));
            System.setProperty(MaskArbitraries.MAX_LENGTH, "many");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, MaskArbitraries::contexts);
            assertTrue(e.getMessage().equals("system property visor.testkit.maxLength is 'many' but must be a positive integer"),
                    e.getMessage());
        } finally {
            if (before == null) System.clearProperty(MaskArbitraries.MAX_LENGTH);
            else System.setProperty(MaskArbitraries.MAX_LENGTH, before);
        }
    }
}
