package dev.visor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.BlockClass;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskStrategy;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The example plugin jar is only a test-scoped dependency of this module and no code here names its
 * classes: {@link MaskRegistry#load()} must find its {@code axial} strategy through
 * {@code META-INF/services} on the class path, and spec strings must use it like a built-in.
 */
class MaskPluginDiscoveryTest {

    @Test
    void theThirdPartyStrategyIsFoundByNameOnTheClassPath() {
        MaskRegistry registry = MaskRegistry.load();
        assertEquals(List.of(), registry.problems());
        assertTrue(registry.names().contains("axial"), registry.names()::toString);
        MaskStrategy axial = registry.strategy("axial");
        assertEquals("dev.visor.example.plugin", axial.getClass().getPackageName());
        assertTrue(registry.describe().contains("axial — row and column attention"), registry.describe());
        assertEquals("axial(width=4) & causal", registry.parse("axial(width=4)&causal").toString());
    }

    @Test
    void aSpecMixingThePluginWithBuiltinsMasksAndCompilesCorrectly() {
        int width = 4;
        MaskContext ctx = MaskContext.builder(2, 2, 16, 16).validLengths(16, 11).build();
        Mask mask = MaskRegistry.load().create("axial(width=4) & causal & padding", ctx);
        MaskShape shape = ctx.shape();
        CompiledMask cm = CompiledMask.compile(mask, shape, 4, 4);
        assertEquals(2, cm.slices()); // padding differs per sequence, nothing differs per head
        for (int b = 0; b < 2; b++) {
            for (int q = 0; q < 16; q++) {
                for (int k = 0; k < 16; k++) {
                    boolean expected = (q / width == k / width || q % width == k % width) && k <= q
                            && k < ctx.keyValidLength(b);
                    assertEquals(expected, mask.attends(b, 1, q, k), "b=" + b + " q=" + q + " k=" + k);
                    BlockClass block = cm.blockClass(cm.slice(b, 1), q / 4, k / 4);
                    if (expected) assertTrue(block != BlockClass.EMPTY, "attending element in an EMPTY block");
                    if (block == BlockClass.FULL) assertTrue(expected, "non-attending element in a FULL block");
                }
            }
        }
        // sequence 1 has 11 valid keys: the last query block sees column elements of rows 0..2, no valid key of row 3
        assertEquals("ppp.", cm.render(1, 0).lines().skip(4).findFirst().orElseThrow());
    }
}
