package dev.visor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The command tree as a whole: help, version, exit codes and how errors are reported. */
class CliTest {

    /** Every command of the tree, e.g. ["masks", "show"]. */
    static Stream<List<String>> commands() {
        Session session = new Session(new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter()), java.util.Map.of(), CliTest.class.getClassLoader());
        Stream.Builder<List<String>> all = Stream.builder();
        collect(Cli.commandLine(session), List.of(), all);
        return all.build();
    }

    private static void collect(CommandLine cl, List<String> path, Stream.Builder<List<String>> into) {
        into.add(path);
        cl.getSubcommands().forEach((name, sub) -> {
            if (!name.equals("help")) {
                List<String> next = new java.util.ArrayList<>(path);
                next.add(name);
                collect(sub, next, into);
            }
        });
    }

    @ParameterizedTest
    @MethodSource("commands")
    void everyCommandHasHelp(List<String> command) {
        List<String> args = new java.util.ArrayList<>(command);
        args.add("--help");
        CliRunner.Result r = CliRunner.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("Usage: visor" + (command.isEmpty() ? "" : " " + String.join(" ", command))), r::toString);
        assertEquals("", r.err());
    }

    @Test
    void helpTextsFormatWithoutPicocliWarnings() {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            commands().forEach(command -> {
                List<String> args = new java.util.ArrayList<>(command);
                args.add("--help");
                CliRunner.run(args.toArray(String[]::new));
            });
        } finally {
            System.setErr(saved);
        }
        assertEquals("", captured.toString(java.nio.charset.StandardCharsets.UTF_8), "e.g. an unescaped % in a description");
    }

    @Test
    void theCommandListNamesEveryTopLevelCommand() {
        CliRunner.Result r = CliRunner.run("--help");
        for (String name : List.of("demo", "train", "translate", "generate", "attention", "audit", "masks", "help")) assertTrue(r.out().contains("\n  " + name + " "), name);
    }

    @Test
    void versionNamesVisorTheJvmAndTheVectorApi() {
        CliRunner.Result r = CliRunner.run("--version");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("visor " + VersionProvider.visorVersion() + "\n"), r::toString);
        assertFalse(VersionProvider.visorVersion().equals("unknown"), "the filtered version resource is missing");
        assertFalse(VersionProvider.visorVersion().contains("${"), "the version resource was not filtered");
        assertTrue(r.out().contains("JVM: "));
        assertTrue(r.out().contains("Vector API kernels: "));
    }

    @Test
    void noCommandIsAUsageErrorThatSaysHowToStart() {
        CliRunner.Result r = CliRunner.run();
        assertEquals(2, r.exitCode());
        assertEquals(List.of("visor: no command given; run 'visor demo' to start, or 'visor --help' for the list of commands"),
                r.errLines());
        assertEquals("", r.out());
    }

    @Test
    void anUnknownCommandSuggestsTheClosestOne() {
        CliRunner.Result r = CliRunner.run("mask", "list");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("visor: Unmatched arguments from index 0: 'mask', 'list'; did you mean masks?"), r::toString);
        assertTrue(r.err().contains("(see 'visor --help')"), r::toString);
    }

    @Test
    void anUnknownOptionIsOneLineNamingTheCommand() {
        CliRunner.Result r = CliRunner.run("masks", "show", "causal", "--query-len", "4", "--bock", "2");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("visor masks show: Unknown options: '--bock', '2'"), r::toString);
    }

    @Test
    void aMalformedOptionValueIsAUsageError() {
        CliRunner.Result r = CliRunner.run("masks", "show", "causal", "--query-len", "four");
        assertEquals(2, r.exitCode());
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().contains("'four' is not an int"), r::toString);
    }

    @Test
    void errorsCarryNoStackTraceUnlessVerbose() {
        CliRunner.Result quiet = CliRunner.run("masks", "show", "casual", "--query-len", "4");
        assertEquals(2, quiet.exitCode());
        assertEquals(1, quiet.errLines().size(), quiet::toString);
        assertFalse(quiet.err().contains("\tat "), quiet::toString);

        CliRunner.Result verbose = CliRunner.run("masks", "show", "casual", "--query-len", "4", "--verbose");
        assertEquals(2, verbose.exitCode());
        assertEquals(quiet.errLines().get(0), verbose.errLines().get(0));
        assertTrue(verbose.err().contains("\tat dev.visor."), verbose::toString);

        CliRunner.Result before = CliRunner.run("--verbose", "masks", "show", "casual", "--query-len", "4");
        assertTrue(before.err().contains("\tat dev.visor."), "--verbose before the subcommand is inherited too");
    }

    @Test
    void oneLineSummariesOfExceptions() {
        assertEquals("no such file or folder: /x/y", Errors.oneLine(new java.nio.file.NoSuchFileException("/x/y")));
        assertEquals("permission denied: /x", Errors.oneLine(new java.nio.file.AccessDeniedException("/x")));
        assertEquals("a b c", Errors.oneLine(new IllegalArgumentException("a\n  b\r\nc")));
        assertEquals("no such file or folder: f",
                Errors.oneLine(new java.io.UncheckedIOException(new java.nio.file.NoSuchFileException("f"))));
        assertTrue(Errors.oneLine(new NullPointerException("boom")).startsWith("internal error: NullPointerException: boom"));
        assertEquals(2, Errors.exitCode(CliException.usage("x")));
        assertEquals(1, Errors.exitCode(CliException.failure("x")));
        assertEquals(1, Errors.exitCode(new IllegalStateException("x")));
    }
}
