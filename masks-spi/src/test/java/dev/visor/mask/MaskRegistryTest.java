package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.builtin.Builtins;
import dev.visor.mask.builtin.CausalMask;
import dev.visor.mask.builtin.PaddingMask;
import dev.visor.mask.builtin.SlidingWindowMask;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaskRegistryTest {
    private static final Set<String> BUILTIN_NAMES = Set.of("causal", "chunked", "dilated", "document", "full",
            "global", "padding", "prefix_lm", "query_padding", "random", "sliding_window", "token");

    @TempDir
    Path dir;

    private ClassLoader withServices(String... providers) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.write(services.resolve(MaskStrategy.class.getName()), List.of(providers));
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    }

    @Test
    void serviceLoaderFindsEveryBuiltin() {
        MaskRegistry registry = MaskRegistry.load();
        assertEquals(BUILTIN_NAMES, registry.names());
        assertEquals(List.of(), registry.problems());
        assertEquals(Builtins.registry().names(), registry.names());
        assertInstanceOf(CausalMask.Strategy.class, registry.strategy("causal"));
    }

    @Test
    void builtinsAreTheBuiltinPackagesOwnClasses() {
        for (MaskStrategy s : MaskRegistry.load().strategies()) assertTrue(MaskRegistry.isBuiltin(s), s.name());
        assertFalse(MaskRegistry.isBuiltin(new TestStrategies.Good()));
        assertFalse(MaskRegistry.isBuiltin(new TestStrategies.DuplicateCausal()), "a plugin reusing a built-in's name");
    }

    @Test
    void aBrokenProviderIsReportedWithItsOwnMessageAndTheOthersStillLoad() throws IOException {
        String p = TestStrategies.class.getName();
        MaskRegistry registry = MaskRegistry.load(withServices("dev.visor.mask.DoesNotExist", p + "$Exploding",
                p + "$Good", p + "$NotAStrategy", p + "$BadName", p + "$StaticBoom", p + "$BadParameters"));
        assertTrue(registry.names().containsAll(BUILTIN_NAMES));
        assertTrue(registry.names().contains("good_test"), registry.names()::toString);
        assertEquals(BUILTIN_NAMES.size() + 1, registry.names().size());
        List<String> lines = registry.problems().stream().map(Object::toString).toList();
        String problems = String.join("\n", lines);
        assertEquals(6, lines.size(), problems);
        assertEquals("mask provider ? skipped: Provider dev.visor.mask.DoesNotExist not found", lines.get(0));
        assertTrue(lines.get(1).startsWith("mask provider " + p + "$Exploding in "), problems);
        assertTrue(lines.get(1).endsWith(" skipped: Provider " + p + "$Exploding could not be instantiated: "
                + "IllegalStateException: boom"), problems);
        assertTrue(lines.get(2).contains("NotAStrategy not a subtype"), problems);
        assertTrue(lines.get(3).contains("BadName") && lines.get(3).contains("lower snake case"), problems);
        assertTrue(lines.get(4).endsWith("could not be instantiated: IllegalStateException: static boom"), problems);
        assertTrue(lines.get(5).endsWith("threw UnsupportedOperationException: no parameters today when describing "
                + "itself"), problems);
        for (String line : lines) assertEquals(1, line.lines().count(), line);
    }

    @Test
    void aDuplicateOfABuiltinIsSkippedAndTheBuiltinKeepsItsName() throws IOException {
        ClassLoader loader = withServices(TestStrategies.DuplicateCausal.class.getName(), TestStrategies.Good.class.getName());
        MaskRegistry registry = MaskRegistry.load(loader);
        assertInstanceOf(CausalMask.Strategy.class, registry.strategy("causal"));
        assertTrue(registry.names().contains("good_test"));
        assertEquals(1, registry.problems().size());
        MaskRegistry.Problem p = registry.problems().get(0);
        assertEquals(TestStrategies.DuplicateCausal.class.getName(), p.provider());
        assertEquals("mask name 'causal' is already provided by " + CausalMask.Strategy.class.getName() + " (built in)",
                p.message());

        IllegalStateException explicit = assertThrows(IllegalStateException.class,
                () -> Builtins.registry().with(new TestStrategies.DuplicateCausal()));
        assertEquals("mask name 'causal' is provided by both " + CausalMask.Strategy.class.getName() + " and "
                + TestStrategies.DuplicateCausal.class.getName(), explicit.getMessage());
    }

    @Test
    void withProvidersAddsTheLoadersNewProvidersAndNamesTheOrigin() throws IOException {
        String p = TestStrategies.class.getName();
        ClassLoader parent = withServices(p + "$Good");
        Path jarDir = Files.createDirectories(dir.resolve("jar"));
        Files.createDirectories(jarDir.resolve("META-INF/services"));
        Files.write(jarDir.resolve("META-INF/services/" + MaskStrategy.class.getName()),
                List.of("com.example.Missing", p + "$DuplicateCausal"));
        MaskRegistry base = MaskRegistry.load(parent);
        // a child loader that sees its own service file only (as the CLI gives each plugin jar)
        ClassLoader child = new URLClassLoader(new URL[] {jarDir.toUri().toURL()}, parent) {
            @Override
            public java.util.Enumeration<URL> getResources(String name) throws IOException {
                return name.startsWith("META-INF/services/") ? findResources(name) : super.getResources(name);
            }
        };
        MaskRegistry more = base.withProviders(child, "plugin.jar");
        assertEquals(base.names(), more.names());
        assertEquals(2, more.problems().size(), more.problems()::toString);
        assertEquals("mask provider ? in plugin.jar skipped: Provider com.example.Missing not found",
                more.problems().get(0).toString());
        assertEquals("mask provider " + p + "$DuplicateCausal in plugin.jar skipped: mask name 'causal' is already "
                + "provided by " + CausalMask.Strategy.class.getName() + " (built in)", more.problems().get(1).toString());
        // the parent's providers, seen again through the child, are not reported twice
        assertEquals(base.names(), base.withProviders(parent, "again").names());
        assertEquals(base.problems(), base.withProviders(parent, "again").problems());
    }

    @Test
    void explicitRegistrationReturnsANewRegistry() {
        MaskRegistry base = Builtins.registry();
        MaskRegistry more = base.with(new TestStrategies.Good());
        assertFalse(base.find("good_test").isPresent());
        assertTrue(more.find("good_test").isPresent());
        assertThrows(IllegalArgumentException.class, () -> base.with(new TestStrategies.BadName()));
        assertEquals(Set.of("good_test"), MaskRegistry.of(new TestStrategies.Good()).names());
    }

    @Test
    void unknownNamesListWhatIsAvailableWithADidYouMean() {
        MaskRegistry registry = Builtins.registry();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.strategy("casual"));
        assertEquals("unknown mask 'casual'; did you mean 'causal'? available: [causal, chunked, dilated, document, "
                + "full, global, padding, prefix_lm, query_padding, random, sliding_window, token]", e.getMessage());
        MaskSpecException s = assertThrows(MaskSpecException.class, () -> registry.parse("padding & casual"));
        assertEquals(11, s.column());
        assertTrue(s.reason().startsWith("unknown mask 'casual' at column 11; did you mean 'causal'? available: ["),
                s.reason());
        MaskSpecException far = assertThrows(MaskSpecException.class, () -> registry.parse("zzzzzzzz"));
        assertTrue(far.reason().startsWith("unknown mask 'zzzzzzzz' at column 1; available: ["), far.reason());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> registry.strategy("sliding_windwo"))
                .getMessage().contains("did you mean 'sliding_window'?"));
    }

    @Test
    void argumentErrorsPointAtTheArgument() {
        MaskRegistry registry = Builtins.registry();
        MaskSpecException unknown = assertThrows(MaskSpecException.class,
                () -> registry.parse("sliding_window(lft=3)"));
        assertEquals("unknown parameter 'lft' for mask 'sliding_window' at column 16; did you mean 'left'? "
                + "parameters: [left, right]", unknown.reason());
        MaskSpecException typed = assertThrows(MaskSpecException.class,
                () -> registry.parse("causal & sliding_window(left=\"a\")"));
        assertEquals("parameter 'left' of mask 'sliding_window' expects an int but got a string \"a\" at column 25",
                typed.reason());
        assertEquals(25, typed.column());
        MaskSpecException missing = assertThrows(MaskSpecException.class, () -> registry.parse("full | chunked"));
        assertEquals("mask 'chunked' needs parameter 'size' at column 8 (an int: chunk length in positions)",
                missing.reason());
        MaskSpecException range = assertThrows(MaskSpecException.class,
                () -> registry.parse("sliding_window(left=-1)"));
        assertEquals("invalid arguments for mask 'sliding_window' at column 1: sliding_window left must be at least 0 "
                + "but was -1", range.reason());
        MaskSpecException none = assertThrows(MaskSpecException.class, () -> registry.parse("causal(x=1)"));
        assertEquals("unknown parameter 'x' for mask 'causal' at column 8; parameters: none", none.reason());
        MaskSpecException list = assertThrows(MaskSpecException.class, () -> registry.parse("global(positions=3)"));
        assertTrue(list.reason().startsWith("parameter 'positions' of mask 'global' expects an int list but got an int 3"),
                list.reason());
    }

    @Test
    void parseFillsDefaultsInDeclarationOrderAndWidensInts() {
        MaskRegistry registry = Builtins.registry();
        assertEquals("causal & sliding_window(left=128, right=0)",
                registry.parse("causal & sliding_window(left=128)").toString());
        assertEquals("random(density=1.0, seed=0, block=64, per_head=false)",
                registry.parse("random(density=1)").toString());
        assertEquals(registry.parse("sliding_window(right=0, left=4)"), registry.parse("sliding_window(left=4)"));
        MaskSpec code = MaskSpec.and(MaskSpec.call("causal"), MaskSpec.call("sliding_window", "left", 2));
        assertEquals("causal & sliding_window(left=2, right=0)", registry.resolve(code).toString());
    }

    @Test
    void createBuildsTheMaskTreeAndChecksNeeds() {
        MaskRegistry registry = Builtins.registry();
        MaskContext ctx = MaskContext.builder(2, 1, 4, 4).validLengths(4, 2).build();
        Mask m = registry.create("causal & sliding_window(left=1) & padding", ctx);
        assertEquals(Masks.and(CausalMask.INSTANCE, new SlidingWindowMask(1, 0), new PaddingMask(4, 2)), m);
        assertEquals(3, ((ChainMask) m).operands().size());
        assertEquals("causal & sliding_window(left=1, right=0) & padding", m.spec());
        assertEquals(m, registry.create(registry.parse(m.spec()), ctx));

        MaskContext bare = MaskContext.of(new MaskShape(2, 1, 4, 4, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> registry.create("causal & padding", bare));
        assertEquals("mask 'padding' needs the context key 'key_valid_lengths' (per-sequence valid key ranges) but the "
                + "context does not provide it; set it with MaskContext.Builder.validLengths/validRanges or "
                + "keyValidLengths/keyValidRanges", e.getMessage());
        assertFalse(e instanceof MaskSpecException);
    }

    @Test
    void aStrategyReturningNullIsAnError() {
        MaskRegistry registry = MaskRegistry.of(new TestStrategies.ReturnsNull());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> registry.create("returns_null", MaskContext.of(new MaskShape(1, 1, 1, 1, 0))));
        assertTrue(e.getMessage().contains("returns_null") && e.getMessage().contains("returned null"), e.getMessage());
    }

    @Test
    void describeListsStrategiesParametersAndNeeds() {
        String help = Builtins.registry().describe();
        for (String name : BUILTIN_NAMES) assertTrue(help.contains(name + " — "), name);
        assertTrue(help.contains("left: int — keys before the query, inclusive"), help);
        assertTrue(help.contains("right: int = 0 — keys after the query, inclusive"), help);
        assertTrue(help.contains("needs [key_valid_lengths]"), help);
        assertEquals("MaskRegistry[good_test]", MaskRegistry.of(new TestStrategies.Good()).toString());
    }
}
