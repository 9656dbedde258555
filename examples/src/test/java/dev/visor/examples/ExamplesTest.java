package dev.visor.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.MaskRegistry;
import dev.visor.transformer.EncoderDecoderTransformer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each runnable example runs (with few steps) and does what its documentation says. */
class ExamplesTest {

    @Test
    void reversalTrainsAndReportsHeldOutAccuracy() {
        StringWriter text = new StringWriter();
        double exact = ReversalExample.run(40, new PrintWriter(text));
        assertTrue(exact >= 0 && exact <= 1, "exact match " + exact);
        assertTrue(text.toString().contains("held-out exact match"), text::toString);
        assertEquals(5, text.toString().lines().filter(l -> l.contains(" → ")).count(), text::toString);
    }

    @Test
    void theLanguageModelSamplesFromItsPrompt() {
        StringWriter text = new StringWriter();
        String sample = CharLanguageModelExample.run(2, 150, new PrintWriter(text));
        assertTrue(sample.startsWith("MENENIUS:\n"), sample);
        assertTrue(sample.length() > "MENENIUS:\n".length(), sample);
        assertTrue(sample.length() <= "MENENIUS:\n".length() + 150, "sampled past the limit: " + sample.length());
        assertTrue(CharLanguageModelExample.bundledText().startsWith("First Citizen:\nBefore we proceed any further, hear me speak."));
    }

    @Test
    void thePluginIsUsedByNameWhenOnTheClassPath() {
        StringWriter text = new StringWriter();
        assertTrue(PluginMaskExample.run(MaskRegistry.load(), new PrintWriter(text)));
        List<String> lines = text.toString().lines().toList();
        assertEquals("axial(width=4) & causal over a 4×4 grid flattened row by row (row = query, column = key):", lines.get(0));
        assertEquals("  #...............", lines.get(1));
        assertEquals("  #...#...#...#...", lines.get(13));  // query 12 = cell (3, 0): column 0 above it, nothing after it
        assertEquals("  .#...#...#..##..", lines.get(14));  // query 13 = cell (3, 1): column 1, and row 3 up to itself
        assertTrue(text.toString().contains("gives logits of shape [1, 16, 16]"), text::toString);
    }

    @Test
    void withoutThePluginTheExampleSaysHowToGetIt() {
        StringWriter text = new StringWriter();
        assertFalse(PluginMaskExample.run(MaskRegistry.of(new StridedStrategy()), new PrintWriter(text)));
        assertTrue(text.toString().contains("--plugins examples/mask-plugin/target"), text::toString);
    }

    @Test
    void guiceOverridesReplaceNormPlacementAndMask() {
        StringWriter text = new StringWriter();
        EncoderDecoderTransformer model = CustomTransformerExample.build(new PrintWriter(text));
        String resolved = dev.visor.mask.MaskRegistry.load().parse(CustomTransformerExample.WINDOWED).toString(); // right=0 printed
        assertEquals(List.of(resolved, resolved), model.decoder().selfSpecs());
        assertTrue(model.stateDict().keySet().stream().noneMatch(k -> k.endsWith("norm1.bias")), "RMS norms have no bias");
        assertTrue(text.toString().contains("logits [1, 5, 12]"), text::toString);
    }

    @Test
    void theAutogradTourFitsItsFunctions() {
        StringWriter text = new StringWriter();
        AutogradTour.run(new PrintWriter(text));
        assertTrue(text.toString().contains("learned w = "), text::toString);
    }
}
