package dev.visor.example.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.MaskStrategy;
import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import org.junit.jupiter.api.Test;

/**
 * The plugin is found on the module path through its {@code provides} clause: a fresh layer holds the
 * built masks-spi module and this plugin's module (META-INF/services is ignored for named modules),
 * and masks-spi's registry, loaded in that layer, finds {@code axial} next to the built-ins.
 */
class ModulePathDiscoveryTest {

    private static Path location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /** A fresh layer holding the built masks-spi module and this plugin's module. */
    private static ModuleLayer pluginLayer() throws Exception {
        ModuleFinder finder = ModuleFinder.of(location(MaskStrategy.class), location(AxialMask.class));
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolveAndBind(finder, ModuleFinder.of(),
                Set.of("dev.visor.example.plugin"));
        return boot.defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
    }

    @Test
    void theRegistryInAModuleLayerFindsTheProvidedStrategy() throws Exception {
        ModuleLayer layer = pluginLayer();

        Module plugin = layer.findModule("dev.visor.example.plugin").orElseThrow();
        assertTrue(plugin.getDescriptor().provides().stream()
                .anyMatch(p -> p.service().equals(MaskStrategy.class.getName())
                        && p.providers().equals(List.of(AxialMask.Strategy.class.getName()))));

        Module spi = layer.findModule("dev.visor.mask").orElseThrow();
        assertTrue(spi.isExported("dev.visor.mask", plugin), "the plugin API is exported to the plugin");
        assertTrue(!spi.isExported("dev.visor.mask.builtin", plugin), "the built-ins' classes are not");

        Class<?> registry = layer.findLoader("dev.visor.mask").loadClass("dev.visor.mask.MaskRegistry");
        Object loaded = registry.getMethod("load", ModuleLayer.class).invoke(null, layer);
        @SuppressWarnings("unchecked")
        SortedSet<String> names = (SortedSet<String>) registry.getMethod("names").invoke(loaded);
        assertTrue(names.contains("axial"), names::toString);
        assertTrue(names.contains("causal"), names::toString);
        assertEquals(13, names.size(), names::toString);
        Object axial = registry.getMethod("strategy", String.class).invoke(loaded, "axial");
        assertEquals(plugin, axial.getClass().getModule());
    }

    @Test
    void theScoreModifierRegistryInAModuleLayerFindsTheProvidedModifier() throws Exception {
        ModuleLayer layer = pluginLayer();
        Class<?> registry = layer.findLoader("dev.visor.mask").loadClass("dev.visor.mask.ScoreModifierRegistry");
        Object loaded = registry.getMethod("load", ModuleLayer.class).invoke(null, layer);
        @SuppressWarnings("unchecked")
        SortedSet<String> names = (SortedSet<String>) registry.getMethod("names").invoke(loaded);
        assertEquals(List.of("alibi", "relative_bias", "softcap", "temperature"), List.copyOf(names));
    }
}
