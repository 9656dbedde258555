package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Path;
import java.util.Set;
import java.util.SortedSet;
import org.junit.jupiter.api.Test;

/**
 * Module-path discovery: the tests themselves run on the class path, so this test loads the built
 * masks-spi module into a fresh {@link ModuleLayer}, where {@code META-INF/services} is ignored and
 * only {@code provides} (and the {@code uses} the registry needs) count.
 */
class ModuleLayerTest {

    @Test
    void builtinsAreProvidedOnTheModulePath() throws Exception {
        Path spi = Path.of(MaskStrategy.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolveAndBind(ModuleFinder.of(spi), ModuleFinder.of(),
                Set.of("dev.visor.mask"));
        ModuleLayer layer = boot.defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());

        Module module = layer.findModule("dev.visor.mask").orElseThrow();
        ModuleDescriptor descriptor = module.getDescriptor();
        // plugins see dev.visor.mask only; the built-ins' classes are exported to the attention module alone
        java.util.Map<String, Set<String>> exports = new java.util.TreeMap<>();
        for (ModuleDescriptor.Exports e : descriptor.exports()) exports.put(e.source(), e.targets());
        assertEquals(java.util.Map.of("dev.visor.mask", Set.of(), "dev.visor.mask.builtin", Set.of("dev.visor.attention")),
                exports);
        assertTrue(descriptor.uses().contains(MaskStrategy.class.getName()));
        assertTrue(descriptor.uses().contains(ScoreModifierStrategy.class.getName()));
        java.util.Map<String, Integer> provided = new java.util.TreeMap<>();
        for (ModuleDescriptor.Provides p : descriptor.provides()) provided.put(p.service(), p.providers().size());
        assertEquals(java.util.Map.of(MaskStrategy.class.getName(), 12, ScoreModifierStrategy.class.getName(), 3), provided);

        Class<?> registry = layer.findLoader("dev.visor.mask").loadClass(MaskRegistry.class.getName());
        assertEquals(module, registry.getModule());
        Object loaded = registry.getMethod("load", ModuleLayer.class).invoke(null, layer);
        @SuppressWarnings("unchecked")
        SortedSet<String> names = (SortedSet<String>) registry.getMethod("names").invoke(loaded);
        assertEquals(MaskRegistry.load().names(), names);
        assertEquals(MaskRegistry.builtins().names(), names, "builtins() is every provided built-in");
        assertEquals(0, ((java.util.List<?>) registry.getMethod("problems").invoke(loaded)).size());

        Class<?> scores = layer.findLoader("dev.visor.mask").loadClass(ScoreModifierRegistry.class.getName());
        Object scoreRegistry = scores.getMethod("load", ModuleLayer.class).invoke(null, layer);
        assertEquals(ScoreModifierRegistry.load().names(), scores.getMethod("names").invoke(scoreRegistry));
        assertEquals(ScoreModifierRegistry.builtins().names(), scores.getMethod("names").invoke(scoreRegistry));
        assertEquals(0, ((java.util.List<?>) scores.getMethod("problems").invoke(scoreRegistry)).size());
    }
}
