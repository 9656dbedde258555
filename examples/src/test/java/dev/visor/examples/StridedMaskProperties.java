package dev.visor.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.attention.AttentionConfig;
import dev.visor.attention.BlockSparsity;
import dev.visor.attention.PermutedAttention;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskStrategy;
import dev.visor.mask.testkit.MaskStrategyContract;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The property-based experiment a researcher writes about their own mask: the plugin test kit's
 * contract (classification sound and exact, spec round trip, purity, composition laws...) for
 * {@code strided(stride)}, plus two claims of the Sparse Transformer paper about it.
 */
class StridedMaskProperties implements MaskStrategyContract {

    @Override
    public MaskStrategy subject() {
        return new StridedStrategy();
    }

    @Override
    public Arbitrary<MaskArguments> arguments() {
        return Arbitraries.integers().between(1, 9).map(s -> MaskArguments.of(subject(), Map.of("stride", s)));
    }

    @Override
    public boolean classifiesExactly() {
        return true;
    }

    /** Child et al. (2019), §4.2: two layers of strided attention connect every position to every earlier one. */
    @Property
    void twoLayersReachEveryEarlierPosition(@ForAll @IntRange(min = 1, max = 9) int stride, @ForAll @IntRange(min = 1, max = 48) int n) {
        Mask m = registry().create("strided(stride=" + stride + ")", MaskContext.builder(1, 1, n, n).build());
        for (int q = 0; q < n; q++) {
            for (int k = 0; k <= q; k++) {
                boolean reached = false;
                for (int mid = k; mid <= q && !reached; mid++) reached = m.attends(0, 0, q, mid) && m.attends(0, 0, mid, k);
                assertTrue(reached, "stride " + stride + ": no two-step path from query " + q + " to key " + k);
            }
        }
    }

    /** Sparsity: query q sees at most {@code stride + q / stride} keys, so about 2·√n for stride √n. */
    @Property
    void eachQuerySeesFewKeys(@ForAll @IntRange(min = 1, max = 9) int stride, @ForAll @IntRange(min = 1, max = 64) int n) {
        Mask m = registry().create("strided(stride=" + stride + ")", MaskContext.builder(1, 1, n, n).build());
        for (int q = 0; q < n; q++) {
            int seen = 0;
            for (int k = 0; k < n; k++) if (m.attends(0, 0, q, k)) seen++;
            assertTrue(seen <= stride + q / stride, "query " + q + " sees " + seen + " keys at stride " + stride);
            assertTrue(m.attends(0, 0, q, q), "a query always sees itself");
        }
    }

    /** The strategy is used by name once registered explicitly, composed with built-ins. */
    @Property(tries = 20)
    void usableByNameInSpecs(@ForAll @IntRange(min = 1, max = 9) int stride) {
        assertEquals("strided(stride=" + stride + ") & padding", registry().parse("strided(stride=" + stride + ")&padding").toString());
    }

    /** The declared residue order pays at long lengths: the kernel reorders {@code strided(stride=8)} at 2048 positions. */
    @Example
    void theKernelRunsLongStridedMasksInResidueOrder() {
        MaskContext ctx = MaskContext.builder(1, 1, 2048, 2048).build();
        Mask m = registry().create("strided(stride=8)", ctx);
        BlockSparsity blocks = BlockSparsity.of(CompiledMask.compile(m, ctx.shape(), 64, 64));
        assertTrue(PermutedAttention.reorders(blocks, AttentionConfig.defaults(64)), m.spec());
    }

    private static MaskRegistry registry() {
        return MaskRegistry.load().with(new StridedStrategy());
    }
}
