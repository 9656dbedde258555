package dev.visor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.ContextKey;
import dev.visor.mask.MaskParameter;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskStrategy;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class MasksListCommandTest {

    @Test
    void listsEveryRegisteredStrategyWithEveryParameter() {
        CliRunner.Result r = CliRunner.run("masks", "list");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("", r.err());
        MaskRegistry registry = MaskRegistry.load(getClass().getClassLoader());
        assertTrue(r.out().startsWith(registry.names().size() + " mask strategies: "), r::toString);
        for (MaskStrategy s : registry.strategies()) {
            String block = block(r.out(), s.name());
            assertTrue(block.startsWith(s.name() + " — " + s.description()), block);
            for (MaskParameter p : s.parameters()) {
                String row = block.lines().filter(l -> l.trim().startsWith(p.name() + " ")).findFirst()
                        .orElseThrow(() -> new AssertionError("no row for " + s.name() + "." + p.name() + " in\n" + block));
                List<String> cells = List.of(row.trim().split("\\s{2,}"));
                assertEquals(p.name(), cells.get(0), row);
                assertEquals(p.type().name().toLowerCase(Locale.ROOT).replace('_', ' '), cells.get(1), row);
                assertEquals(p.isRequired() ? "required" : p.type().format(p.defaultValue()), cells.get(2), row);
                assertEquals(p.description(), cells.get(3), row);
            }
            if (s.parameters().isEmpty()) assertTrue(block.contains("no parameters"), block);
            for (ContextKey<?> f : s.needs()) assertTrue(block.contains(f.description() + " (" + MaskContextOptions.optionFor(f) + ")"), block);
        }
    }

    @Test
    void saysWhereEachStrategyCameFrom() {
        CliRunner.Result r = CliRunner.run("masks", "list");
        assertTrue(block(r.out(), "causal").lines().findFirst().orElseThrow().endsWith("[built in]"), r::toString);
        // the example plugin is a test-scoped dependency: on the class path, not from a plugin folder
        assertTrue(block(r.out(), "axial").lines().findFirst().orElseThrow().contains("[class path "), r::toString);
        long builtins = MaskRegistry.load(getClass().getClassLoader()).strategies().stream()
                .filter(s -> s.getClass().getPackageName().equals("dev.visor.mask.builtin")).count();
        assertTrue(r.out().contains(builtins + " built in, 1 from plugins"), r::toString);
    }

    @Test
    void listsOnlyTheNamedStrategies() {
        CliRunner.Result r = CliRunner.run("masks", "list", "sliding_window", "causal");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("sliding_window — "), r::toString);
        assertTrue(r.out().contains("\ncausal — "), r::toString);
        assertEquals(2, r.out().lines().filter(l -> l.contains(" — ")).count(), r::toString);
    }

    @Test
    void anUnknownNameIsAUsageErrorWithADidYouMean() {
        CliRunner.Result r = CliRunner.run("masks", "list", "slidingwindow");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("visor masks list: "), r::toString);
        assertTrue(r.err().contains("'slidingwindow'") && r.err().contains("sliding_window"), r::toString);
    }

    @Test
    void masksAloneAsksForASubcommand() {
        CliRunner.Result r = CliRunner.run("masks");
        assertEquals(2, r.exitCode());
        assertEquals(List.of("visor masks: choose 'visor masks list', 'visor masks modifiers' or 'visor masks show SPEC'"), r.errLines());
    }

    /** The lines of one strategy's entry, from its name line to the blank line after it. */
    static String block(String out, String name) {
        int start = out.startsWith(name + " ") ? 0 : out.indexOf("\n" + name + " ") + 1;
        assertTrue(start >= 0 && out.startsWith(name + " ", start), "no entry for " + name + " in\n" + out);
        int end = out.indexOf("\n\n", start);
        return out.substring(start, end < 0 ? out.length() : end);
    }
}
