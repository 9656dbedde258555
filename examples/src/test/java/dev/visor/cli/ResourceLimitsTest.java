package dev.visor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.visor.transformer.TransformerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Absurd sizes and exhausted resources are one line on stderr with exit 2, checked before anything
 * is allocated; never an {@link OutOfMemoryError}, a stack trace or exit 1.
 */
class ResourceLimitsTest {
    @TempDir
    Path tmp;

    private static void assertOneLineUsageError(CliRunner.Result r, String contains) {
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().contains(contains), r::toString);
        assertTrue(!r.err().contains("\tat ") && !r.err().contains("Exception"), r::toString);
    }

    @Test
    void aMaskTooLargeToShowIsRefusedBeforeCompiling() {
        CliRunner.Result r = CliRunner.run("masks", "show", "causal", "-q", "1000000");
        assertOneLineUsageError(r, "a 1000000 × 1000000 mask (1 sequence × head slices) in 16×16 blocks has "
                + "3,906,250,000 blocks, more than the 16,777,216 that masks show handles; use a larger --block");
        assertOneLineUsageError(CliRunner.run("masks", "show", "causal", "-q", "2147483647", "--offset", "5"),
                "= 2147483652 keys is more than 2147483647");
        // at the limit's scale with a larger block it works
        CliRunner.Result ok = CliRunner.run("masks", "show", "causal", "-q", "4096", "--block", "64");
        assertEquals(0, ok.exitCode(), ok::toString);
    }

    @Test
    void aLongOperatorChainIsShownNotAStackTrace() {
        String spec = "full | ".repeat(20_000) + "causal";
        CliRunner.Result r = CliRunner.run("masks", "show", spec, "-q", "8");
        assertEquals(0, r.exitCode(), () -> r.toString().substring(0, 500));
        assertTrue(r.out().contains("EMPTY 0, FULL 1, PARTIAL 0"), () -> r.out().substring(0, 500));
        CliRunner.Result deep = CliRunner.run("masks", "show", "(".repeat(5_000) + "causal" + ")".repeat(5_000), "-q", "8");
        assertOneLineUsageError(deep, "nesting deeper than 100 levels at column 101");
    }

    @Test
    void aModelTooLargeForATensorIsAnImpossibleModel() {
        CliRunner.Result r = CliRunner.run("train", "seq2seq", "--task", "copy", "--steps", "1", "--d-model",
                "2147483647", "--heads", "1", "--out", tmp.resolve("out").toString());
        assertOneLineUsageError(r, "impossible model: ");
        assertTrue(r.err().contains("more than a tensor can hold"), r::toString);
        assertTrue(!Files.exists(tmp.resolve("out")), "nothing was written");
    }

    @Test
    void aModelTooLargeForTheHeapNamesBothSizes() {
        TransformerConfig c = TransformerConfig.tiny(16).toBuilder().dModel(8192).heads(8).kvHeads(8).dFF(32768).build();
        CliException e = assertThrows(CliException.class, () -> ModelOptions.checkSize(c, 1L << 30));
        assertEquals(CliException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("but the JVM may use at most 1,024 MB"), e.getMessage());
        ModelOptions.checkSize(TransformerConfig.tiny(16), 1L << 30);
    }

    @Test
    void aMissingCheckpointFolderIsNotAnUnreadableOne() throws IOException {
        Path missing = tmp.resolve("none");
        CliRunner.Result r = CliRunner.run("translate", "-c", missing.toString(), "abc");
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals(List.of("visor translate: checkpoint " + missing + " does not exist"), r.errLines());
        Path file = Files.writeString(tmp.resolve("file"), "x");
        CliRunner.Result f = CliRunner.run("translate", "-c", file.toString(), "abc");
        assertEquals(List.of("visor translate: checkpoint " + file + " is not a folder"), f.errLines());
    }

    @Test
    void anUnreadableCheckpointFolderSaysSo() throws IOException {
        Path locked = Files.createDirectories(tmp.resolve("locked"));
        Files.writeString(locked.resolve("config.json"), "{}");
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
        try {
            // root reads any folder: there is then no unreadable folder to test with
            assumeFalse(Files.isReadable(locked), "running as root: every folder is readable");
            CliRunner.Result u = CliRunner.run("translate", "-c", locked.toString(), "abc");
            assertEquals(1, u.exitCode(), u::toString);
            assertEquals(List.of("visor translate: checkpoint " + locked + " cannot be read (permission denied)"),
                    u.errLines());
        } finally {
            Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
