package dev.visor.examples;

import dev.visor.attention.ScoreModifierKernelCheck;
import dev.visor.example.plugin.HeadTemperatureModifier;
import dev.visor.mask.MaskArguments;
import dev.visor.mask.ScoreContext;
import dev.visor.mask.ScoreModifier;
import dev.visor.mask.ScoreModifierStrategy;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The example plugin's modifier in the fused flash kernel: kernel = reference (values and gradients,
 * its learned table included) and cached decoding = full pass, as a plugin author would check theirs.
 */
class PluginModifierKernelTest {

    @Test
    void temperatureRunsInTheFusedKernel() {
        ScoreModifierStrategy strategy = new HeadTemperatureModifier.Strategy();
        ScoreModifier alone = strategy.create(MaskArguments.of(strategy, Map.of("init", 0.4)), new ScoreContext(4));
        ScoreModifierKernelCheck.verify(alone, 4, 7);
        ScoreModifierKernelCheck.verify(alone.then(dev.visor.mask.ScoreModifierRegistry.builtins()
                .create("softcap(cap=3)", new ScoreContext(4))), 4, 8);
    }
}
