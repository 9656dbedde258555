package dev.visor.mask.testkit;

import dev.visor.mask.BlockClass;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.ContextKey;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskSpec;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.MaskVerification;
import dev.visor.mask.Masks;
import dev.visor.mask.PositionOrder;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The contract every {@link MaskStrategy} must meet, as jqwik properties a plugin's test class gets
 * by implementing this interface and {@link #subject()}. Run it with the plugin's other tests (the
 * class name must match Surefire's includes, e.g. {@code *Properties}).
 *
 * <p>On random small contexts, arguments and blocks it checks that:
 * <ul>
 *   <li>{@code classify} is sound against the element predicate (EMPTY ⇒ no element attends, FULL ⇒
 *       all do), and exact if {@link #classifiesExactly()};</li>
 *   <li>the compiled block mask (batch and head collapsed as declared) covers exactly the attending
 *       elements, and the declared batch/head independence holds;</li>
 *   <li>creation is deterministic and evaluation pure: equal inputs give equal masks and answers;</li>
 *   <li>{@code spec()} is canonical and parses back to an equal mask;</li>
 *   <li>the context's bounds are respected, and {@code checkShape} rejects shapes the mask cannot serve;</li>
 *   <li>the declared {@code needs()} are exactly what creation reads;</li>
 *   <li>the composition laws hold with built-in masks, element-wise and on block classes.</li>
 * </ul>
 *
 * <pre>{@code
 * class AxialContractProperties implements MaskStrategyContract {
 *     public MaskStrategy subject() { return new AxialMask.Strategy(); }
 *     public Arbitrary<MaskArguments> arguments() {
 *         return Arbitraries.integers().between(1, 8).map(w -> MaskArguments.of(subject(), Map.of("width", w)));
 *     }
 *     public boolean classifiesExactly() { return true; }
 * }
 * }</pre>
 */
public interface MaskStrategyContract {

    /**
     * The strategy under test.
     *
     * @return a fresh or shared instance
     */
    MaskStrategy subject();

    /**
     * The arguments to create masks with. The default is the declared defaults, so a strategy with a
     * required parameter must override this.
     *
     * @return the arbitrary
     */
    default Arbitrary<MaskArguments> arguments() {
        return Arbitraries.just(MaskArguments.defaults(subject()));
    }

    /**
     * The contexts to create masks for; {@link MaskArbitraries#contexts()} by default.
     *
     * @return the arbitrary
     */
    default Arbitrary<MaskContext> contexts() {
        return MaskArbitraries.contexts();
    }

    /**
     * Whether {@code classify} claims exactness: PARTIAL only for blocks that really are mixed. The
     * contract only needs soundness; say true to have exactness checked too.
     *
     * @return false by default
     */
    default boolean classifiesExactly() {
        return false;
    }

    /**
     * The generated cases; override {@link #arguments()} and {@link #contexts()} rather than this.
     *
     * @return the arbitrary
     */
    @Provide
    default Arbitrary<MaskCase> maskCases() {
        return MaskArbitraries.cases(subject(), arguments(), contexts());
    }

    /**
     * The long contexts of {@link #compiledBlocksAreSoundAtKernelSizes}; {@link MaskArbitraries#kernelContexts()}
     * by default.
     *
     * @return the arbitrary
     */
    default Arbitrary<MaskContext> kernelContexts() {
        return MaskArbitraries.kernelContexts();
    }

    /**
     * Cases on kernel-sized contexts; override {@link #kernelContexts()} rather than this.
     *
     * @return the arbitrary
     */
    @Provide
    default Arbitrary<MaskCase> kernelCases() {
        return MaskArbitraries.cases(subject(), arguments(), kernelContexts());
    }

    /**
     * The block sizes attention kernels use.
     *
     * @return 16, 32, 64 or 128
     */
    @Provide
    default Arbitrary<Integer> kernelBlockSizes() {
        return Arbitraries.of(16, 32, 64, 128);
    }

    /**
     * Built-in partners for the composition laws.
     *
     * @return the arbitrary
     */
    @Provide
    default Arbitrary<String> builtinSpecs() {
        return MaskArbitraries.builtinSpecs();
    }

    // ---- the declaration ----

    /** The name is lower snake case, parameters are unique and described, and a registry accepts it. */
    @Example
    default void declarationIsWellFormed() {
        MaskStrategy s = subject();
        Pattern snake = Pattern.compile("[a-z][a-z0-9_]*");
        check(s.name() != null && snake.matcher(s.name()).matches(),
                "name '" + s.name() + "' is not lower snake case ([a-z][a-z0-9_]*)");
        check(s.description() != null && !s.description().isBlank(), "strategy '" + s.name()
                + "' has no description(); one line is shown in help texts");
        Set<String> names = new HashSet<>();
        for (MaskParameter p : s.parameters()) {
            check(names.add(p.name()), "parameter '" + p.name() + "' is declared twice");
            check(!p.description().isBlank(), "parameter '" + p.name() + "' has no description");
        }
        check(s.needs() != null, "needs() returned null");
        check(MaskRegistry.of(s).names().contains(s.name()), "a registry does not accept the strategy");
    }

    // ---- classification ----

    /**
     * EMPTY means no element of the block attends, FULL means every element does; with
     * {@link #classifiesExactly()}, PARTIAL means the block is mixed.
     *
     * @param c a case
     */
    @Property
    default void classifyAgreesWithAttends(@ForAll("maskCases") MaskCase c) {
        Mask m = c.mask();
        BlockClass claimed = m.classify(c.batch(), c.head(), c.queryFrom(), c.queryTo(), c.keyFrom(), c.keyTo());
        check(claimed != null, "classify returned null for " + c);
        String counter = MaskOracle.counterexample(m, claimed, c.batch(), c.head(), c.queryFrom(), c.queryTo(),
                c.keyFrom(), c.keyTo());
        check(counter == null, "classify said " + claimed + " but " + counter + " in " + c);
        if (classifiesExactly()) {
            BlockClass exact = MaskOracle.classify(m, c.batch(), c.head(), c.queryFrom(), c.queryTo(), c.keyFrom(),
                    c.keyTo());
            check(claimed == exact, "classify said " + claimed + " but the block is " + exact + " in " + c);
        }
    }

    /**
     * Compiling with random block sizes keeps every attending element in a non-empty block and marks a
     * block FULL only if all its elements attend, for every sequence and head.
     *
     * @param c a case
     * @param blockQ queries per block
     * @param blockK keys per block
     */
    @Property
    default void compiledMaskCoversExactlyTheAttendingElements(@ForAll("maskCases") MaskCase c,
            @ForAll @IntRange(min = 1, max = 9) int blockQ, @ForAll @IntRange(min = 1, max = 9) int blockK) {
        Mask m = c.mask();
        MaskShape s = c.shape();
        CompiledMask cm = CompiledMask.compile(m, s, blockQ, blockK, MaskVerification.OFF); // checked here, completely
        for (int b = 0; b < s.batch(); b++) {
            for (int h = 0; h < s.heads(); h++) {
                int slice = cm.slice(b, h);
                for (int qb = 0; qb < cm.queryBlocks(); qb++) {
                    for (int kb = 0; kb < cm.keyBlocks(); kb++) {
                        BlockClass compiled = cm.blockClass(slice, qb, kb);
                        String counter = MaskOracle.counterexample(m, compiled, b, h, cm.queryFrom(qb), cm.queryTo(qb),
                                cm.keyFrom(kb), cm.keyTo(kb));
                        if (counter != null) {
                            throw new AssertionError("compiled block (" + qb + ", " + kb + ") of batch " + b + ", head "
                                    + h + " is " + compiled + " but " + counter + " (blocks " + blockQ + "×" + blockK
                                    + (cm.byBatch() ? "" : ", batch collapsed") + (cm.byHead() ? "" : ", heads collapsed")
                                    + ") for " + c);
                        }
                    }
                }
            }
        }
    }

    /**
     * At the lengths and block sizes attention really runs (contexts of 64 to 320 positions by default,
     * blocks of 16 to 128), every element of every block the compiled mask calls EMPTY or FULL is
     * checked against the element predicate, for every sequence and head: a {@code classify} that is
     * wrong on one block of a long sequence cannot hide behind small generated contexts.
     *
     * @param c a case on a kernel-sized context (its block is not used)
     * @param blockQ queries per block
     * @param blockK keys per block
     */
    @Property
    default void compiledBlocksAreSoundAtKernelSizes(@ForAll("kernelCases") MaskCase c,
            @ForAll("kernelBlockSizes") int blockQ, @ForAll("kernelBlockSizes") int blockK) {
        compiledMaskCoversExactlyTheAttendingElements(c, blockQ, blockK);
    }

    /**
     * A mask that says it does not depend on the batch (or head) answers the same for every sequence
     * (or head), element by element and block by block.
     *
     * @param c a case
     */
    @Property
    default void declaredIndependenceHolds(@ForAll("maskCases") MaskCase c) {
        Mask m = c.mask();
        MaskShape s = c.shape();
        boolean byBatch = m.dependsOnBatch();
        boolean byHead = m.dependsOnHead();
        if (byBatch && byHead) return;
        for (int b = 0; b < s.batch(); b++) {
            for (int h = 0; h < s.heads(); h++) {
                int b0 = byBatch ? b : 0;
                int h0 = byHead ? h : 0;
                for (int q = c.queryFrom(); q < c.queryTo(); q++) {
                    for (int k = c.keyFrom(); k < c.keyTo(); k++) {
                        if (m.attends(b, h, q, k) != m.attends(b0, h0, q, k)) {
                            throw new AssertionError("dependsOnBatch() = " + byBatch + ", dependsOnHead() = " + byHead
                                    + " but attends(" + b + ", " + h + ", " + q + ", " + k + ") differs from attends("
                                    + b0 + ", " + h0 + ", ...) for " + c);
                        }
                    }
                }
            }
        }
    }

    // ---- values ----

    /**
     * Creating twice from equal inputs gives equal masks with equal hash codes and identical answers,
     * and evaluating in a different order changes nothing (no hidden state).
     *
     * @param c a case
     */
    @Property
    default void creationIsDeterministicAndEvaluationPure(@ForAll("maskCases") MaskCase c) {
        Mask first = c.mask();
        Mask again = Masks.create(subject(), MaskArguments.of(subject(), c.arguments().values()), c.context());
        check(first.equals(again) && again.equals(first), "two masks created from equal inputs are not equal: "
                + first + " vs " + again + " (implement structural equals) for " + c);
        check(first.hashCode() == again.hashCode(), "equal masks have different hash codes for " + c);
        check(first.equals(first) && !first.equals(null), "equals is not reflexive or accepts null for " + c);
        int n = (c.queryTo() - c.queryFrom()) * (c.keyTo() - c.keyFrom());
        boolean[] forward = new boolean[n];
        int i = 0;
        for (int q = c.queryFrom(); q < c.queryTo(); q++) {
            for (int k = c.keyFrom(); k < c.keyTo(); k++) forward[i++] = first.attends(c.batch(), c.head(), q, k);
        }
        BlockClass once = first.classify(c.batch(), c.head(), c.queryFrom(), c.queryTo(), c.keyFrom(), c.keyTo());
        for (int q = c.queryTo() - 1; q >= c.queryFrom(); q--) {
            for (int k = c.keyTo() - 1; k >= c.keyFrom(); k--) {
                int at = (q - c.queryFrom()) * (c.keyTo() - c.keyFrom()) + (k - c.keyFrom());
                check(again.attends(c.batch(), c.head(), q, k) == forward[at],
                        "attends(" + q + ", " + k + ") changed between calls or instances for " + c);
            }
        }
        check(once == again.classify(c.batch(), c.head(), c.queryFrom(), c.queryTo(), c.keyFrom(), c.keyTo()),
                "classify changed between calls or instances for " + c);
    }

    /**
     * The kernel order the mask declares ({@link Mask#kernelOrder()}, natural by default) arranges the
     * query range and the key range of the context into permutations of them, the same way twice.
     *
     * @param c a case
     */
    @Property
    default void kernelOrderIsAPermutation(@ForAll("maskCases") MaskCase c) {
        PositionOrder order = c.mask().kernelOrder();
        check(order != null, "kernelOrder() returned null for " + c + " (return PositionOrder.natural())");
        MaskShape s = c.context().shape();
        int[][] ranges = {{s.queryOffset(), s.queryLength()}, {0, s.keyLength()}, {c.queryFrom(), c.queryTo() - c.queryFrom()}};
        for (int[] r : ranges) {
            int[] once = order.arrange(r[0], r[1]);
            check(once != null && once.length == r[1], "kernel order " + order + " arranged [" + r[0] + ", " + (r[0] + r[1])
                    + ") into " + (once == null ? "null" : once.length + " positions") + " for " + c);
            boolean[] seen = new boolean[r[1]];
            for (int p : once) {
                check(p >= r[0] && p < r[0] + r[1] && !seen[p - r[0]], "kernel order " + order + " is not a permutation of ["
                        + r[0] + ", " + (r[0] + r[1]) + "): position " + p + " for " + c);
                seen[p - r[0]] = true;
            }
            check(java.util.Arrays.equals(once, order.arrange(r[0], r[1])), "kernel order " + order
                    + " arranged [" + r[0] + ", " + (r[0] + r[1]) + ") differently twice for " + c);
        }
    }

    /**
     * {@code spec()} is the canonical form (the strategy's name and every declared parameter in order,
     * as {@link MaskRegistry#parse} prints it), and creating from it gives an equal mask.
     *
     * @param c a case
     */
    @Property
    default void specRoundTrips(@ForAll("maskCases") MaskCase c) {
        MaskRegistry registry = MaskRegistry.of(subject());
        String spec = c.mask().spec();
        MaskSpec parsed = registry.parse(spec);
        check(parsed instanceof MaskSpec.Call call && call.name().equals(subject().name()),
                "spec '" + spec + "' is not a call of '" + subject().name() + "'");
        check(parsed.toString().equals(spec), "spec '" + spec + "' is not canonical; the canonical form is '"
                + parsed + "' (every declared parameter, in declaration order)");
        check(registry.create(spec, c.context()).equals(c.mask()),
                "creating from spec '" + spec + "' gives a different mask for " + c);
        check(registry.create(c.arguments().toSpec(), c.context()).equals(c.mask()),
                "creating from the arguments' spec '" + c.arguments().toSpec() + "' gives a different mask for " + c);
    }

    // ---- the context ----

    /**
     * Every element and block inside the context evaluates, the mask accepts its own shape, and a
     * mask that accepts a larger shape (its {@code checkShape} does not throw) can evaluate it too:
     * masks holding per-sequence data must reject shapes they cannot serve with an
     * IllegalArgumentException rather than fail with an index error.
     *
     * @param c a case
     */
    @Property
    default void contextBoundsAreRespected(@ForAll("maskCases") MaskCase c) {
        Mask m = c.mask();
        MaskShape s = c.shape();
        m.checkShape(s);
        evaluateEverything(m, s, c.toString());
        MaskShape larger = new MaskShape(s.batch() + 1, s.heads() + 1, s.queryLength() + 2, s.keyLength() + 2,
                s.queryOffset() + 1);
        try {
            m.checkShape(larger);
        } catch (IllegalArgumentException rejected) {
            return;
        }
        evaluateEverything(m, larger, "the larger shape " + larger + " accepted by checkShape, for " + c);
    }

    private static void evaluateEverything(Mask m, MaskShape s, String what) {
        try {
            for (int b = 0; b < s.batch(); b++) {
                for (int h = 0; h < s.heads(); h++) {
                    for (int q = s.queryOffset(); q < s.queryEnd(); q++) {
                        for (int k = 0; k < s.keyLength(); k++) m.attends(b, h, q, k);
                    }
                    m.classify(b, h, s.queryOffset(), s.queryEnd(), 0, s.keyLength());
                }
            }
        } catch (RuntimeException e) {
            throw new AssertionError("evaluating every element failed with " + e + " on " + what, e);
        }
    }

    /**
     * Creating from a context that lacks a declared field fails naming the strategy and the field;
     * creating from a context holding only the declared fields works and gives the same mask (the
     * strategy reads nothing it did not declare).
     *
     * @param c a case
     */
    @Property
    default void declaredNeedsAreHonoured(@ForAll("maskCases") MaskCase c) {
        MaskStrategy s = subject();
        Set<ContextKey<?>> needs = Set.copyOf(s.needs());
        for (ContextKey<?> f : needs) {
            try {
                Masks.create(s, c.arguments(), c.context().without(f));
                throw new AssertionError("'" + s.name() + "' declares " + f + " but was created without it");
            } catch (IllegalArgumentException expected) {
                check(expected.getMessage().contains(s.name()) && expected.getMessage().contains(f.name()),
                        "the error does not name the strategy and the field: " + expected.getMessage());
            }
        }
        MaskContext only = c.context().retainOnly(needs);
        Mask m;
        try {
            m = Masks.create(s, c.arguments(), only);
        } catch (IllegalStateException e) {
            throw new AssertionError("'" + s.name() + "' reads a context field it does not declare in needs() " + needs
                    + ": " + e.getMessage(), e);
        }
        check(m.equals(c.mask()), "'" + s.name() + "' created a different mask when undeclared fields were absent");
    }

    // ---- composition ----

    /**
     * With built-in masks {@code b} and {@code c}, composites of the subject {@code a} obey
     * commutativity, associativity, De Morgan, double negation and idempotence, on elements and on
     * block classes, and their classes stay sound.
     *
     * @param c a case supplying the subject mask {@code a}, the context and the block
     * @param other the spec of {@code b}
     * @param third the spec of {@code c}
     */
    @Property
    default void compositionLawsHold(@ForAll("maskCases") MaskCase c, @ForAll("builtinSpecs") String other,
                                     @ForAll("builtinSpecs") String third) {
        Mask a = c.mask();
        Mask b = MaskArbitraries.builtin(other).apply(c.context());
        Mask d = MaskArbitraries.builtin(third).apply(c.context());
        Mask[][] laws = {
            {a.and(b), b.and(a)},
            {a.or(b), b.or(a)},
            {a.and(b).and(d), a.and(b.and(d))},
            {a.or(b).or(d), a.or(b.or(d))},
            {a.and(b).not(), a.not().or(b.not())},
            {a.or(b).not(), a.not().and(b.not())},
            {a.not().not(), a},
            {a.and(a), a},
            {a.or(a), a},
        };
        String[] names = {"a & b = b & a", "a | b = b | a", "(a & b) & c = a & (b & c)", "(a | b) | c = a | (b | c)",
            "!(a & b) = !a | !b", "!(a | b) = !a & !b", "!!a = a", "a & a = a", "a | a = a"};
        for (int i = 0; i < laws.length; i++) {
            Mask left = laws[i][0];
            Mask right = laws[i][1];
            String where = names[i] + " with a = " + a.spec() + ", b = " + other + ", c = " + third + " on " + c;
            BlockClass cl = left.classify(c.batch(), c.head(), c.queryFrom(), c.queryTo(), c.keyFrom(), c.keyTo());
            BlockClass cr = right.classify(c.batch(), c.head(), c.queryFrom(), c.queryTo(), c.keyFrom(), c.keyTo());
            check(cl == cr, "block classes differ (" + cl + " vs " + cr + "): " + where);
            String counter = MaskOracle.counterexample(left, cl, c.batch(), c.head(), c.queryFrom(), c.queryTo(),
                    c.keyFrom(), c.keyTo());
            check(counter == null, "composite classified " + cl + " but " + counter + ": " + where);
            for (int q = c.queryFrom(); q < c.queryTo(); q++) {
                for (int k = c.keyFrom(); k < c.keyTo(); k++) {
                    check(left.attends(c.batch(), c.head(), q, k) == right.attends(c.batch(), c.head(), q, k),
                            "elements differ at (" + q + ", " + k + "): " + where);
                }
            }
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) throw new AssertionError(message);
    }
}
