package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.builtin.AlibiModifier;
import dev.visor.mask.builtin.Builtins;
import dev.visor.mask.builtin.RelativeBiasModifier;
import dev.visor.mask.builtin.SoftcapModifier;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScoreModifierRegistryTest {
    private static final Set<String> BUILTINS = Set.of("alibi", "relative_bias", "softcap");
    private static final ScoreContext FOUR = new ScoreContext(4);

    @TempDir
    Path dir;

    private ClassLoader withServices(String... providers) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.write(services.resolve(ScoreModifierStrategy.class.getName()), List.of(providers));
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    }

    @Test
    void serviceLoaderFindsTheBuiltinsAndNoMasks() {
        ScoreModifierRegistry registry = ScoreModifierRegistry.load();
        assertEquals(BUILTINS, registry.names());
        assertEquals(List.of(), registry.problems());
        assertEquals(Builtins.scoreRegistry().names(), registry.names());
        assertTrue(MaskRegistry.load().find("alibi").isEmpty());
    }

    @Test
    void oneBadProviderIsReportedAndTheRestLoad() throws IOException {
        String p = TestModifiers.class.getName();
        ScoreModifierRegistry registry = ScoreModifierRegistry.load(withServices("com.example.Gone", p + "$Exploding",
                p + "$Shift", p + "$DuplicateSoftcap", p + "$BadParameters"));
        assertTrue(registry.names().containsAll(BUILTINS));
        assertTrue(registry.names().contains("shift_test"));
        assertEquals(BUILTINS.size() + 1, registry.names().size());
        List<String> lines = registry.problems().stream().map(Object::toString).toList();
        assertEquals(4, lines.size(), lines::toString);
        assertEquals("score modifier provider ? skipped: Provider com.example.Gone not found", lines.get(0));
        assertTrue(lines.get(1).endsWith("could not be instantiated: IllegalStateException: modifier boom"), lines::toString);
        assertTrue(lines.get(2).endsWith("score modifier name 'softcap' is already provided by "
                + SoftcapModifier.Strategy.class.getName() + " (built in)"), lines::toString);
        assertTrue(lines.get(3).endsWith("threw UnsupportedOperationException: no parameters here when describing itself"),
                lines::toString);
        assertInstanceOf(SoftcapModifier.Strategy.class, registry.find("softcap").orElseThrow());
        assertEquals("shift_test(by=0.5)", registry.create("shift_test(by=0.5)", FOUR).spec());

        IllegalStateException explicit = assertThrows(IllegalStateException.class,
                () -> Builtins.scoreRegistry().with(new TestModifiers.DuplicateSoftcap()));
        assertEquals("score modifier name 'softcap' is provided by both " + SoftcapModifier.Strategy.class.getName()
                + " and " + TestModifiers.DuplicateSoftcap.class.getName(), explicit.getMessage());
    }

    @Test
    void pipelinesParseToCanonicalFormsThatRoundTrip() {
        ScoreModifierRegistry r = Builtins.scoreRegistry();
        String canonical = "softcap(cap=30.0) >> alibi(slopes=[])";
        assertEquals(canonical, r.canonical("softcap(cap=30)>>alibi"));
        assertEquals(canonical, r.canonical(canonical));
        assertEquals("relative_bias(buckets=32, max_distance=128, bidirectional=true)", r.canonical("relative_bias"));
        assertEquals("alibi(slopes=[0.5, 0.25])", r.canonical("alibi(slopes=[0.5, 0.25])"));
        assertEquals("alibi(slopes=[1.0, 2.0])", r.canonical("alibi(slopes=[1, 2])"));

        ScoreModifier m = r.create("softcap(cap=30) >> alibi >> relative_bias(buckets=8, max_distance=20)", FOUR);
        ScoreModifierChain chain = assertInstanceOf(ScoreModifierChain.class, m);
        assertEquals(List.of(new SoftcapModifier(30), AlibiModifier.standard(4), new RelativeBiasModifier(8, 20, true, 4)),
                chain.stages());
        assertEquals(m, r.create(m.spec(), FOUR));
        assertEquals(m.spec(), r.create(m.spec(), FOUR).spec());
        assertEquals(32, m.parameterCount());
        assertEquals(0, chain.offset(2));
        // a single call is the leaf itself, not a chain of one
        assertEquals(new SoftcapModifier(2.5), r.create("softcap(cap=2.5)", FOUR));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''| 1| empty score modifier spec; expected a score modifier name at column 1 but found end of input",
        "softcap(cap=1) >>| 18| expected a score modifier name at column 18 but found end of input",
        "softcap(cap=1) & alibi| 16| expected '>>' or end of input at column 16 but found '&'",
        "softcap(cap=1) > alibi| 16| unexpected character '>' at column 16",
        "softcapp(cap=1)| 1| unknown score modifier 'softcapp' at column 1; did you mean 'softcap'?",
        "softcap| 1| score modifier 'softcap' needs parameter 'cap' at column 1 (a number: the cap, greater than 0)",
        "softcap(cap=0)| 1| invalid arguments for score modifier 'softcap' at column 1: cap must be greater than 0 but was 0.0",
        "alibi(slope=[1])| 7| unknown parameter 'slope' for score modifier 'alibi' at column 7; did you mean 'slopes'?",
        "alibi(slopes=[true])| 15| expected an int or a number in the list at column 15 but found 'true'",
        "relative_bias(buckets=2)| 1| relative_bias needs buckets >= 4 when bidirectional but got 2",
        "relative_bias(buckets=8, max_distance=2)| 1| max_distance must be greater than 2 (half the buckets per direction) but was 2",
    })
    void badSpecsNameTheColumnAndTheProblem(String text, int column, String reason) {
        MaskSpecException e = assertThrows(MaskSpecException.class, () -> Builtins.scoreRegistry().parse(text));
        assertEquals(column, e.column(), e::getMessage);
        assertTrue(e.reason().contains(reason), e::getMessage);
    }

    @Test
    void contextMismatchesAreRefusedWithTheValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Builtins.scoreRegistry().create("alibi(slopes=[0.5, 0.25])", FOUR));
        assertEquals("alibi has 2 slopes [0.5, 0.25] but the site has 4 heads", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ScoreContext(0));
    }

    @Test
    void masksDoNotAcceptThePipelineOperator() {
        MaskSpecException e = assertThrows(MaskSpecException.class, () -> MaskSpec.parse("causal >> padding"));
        assertEquals(8, e.column());
    }
}
