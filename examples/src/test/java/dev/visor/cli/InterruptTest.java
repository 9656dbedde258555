package dev.visor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.visor.transformer.ConfigMapper;
import dev.visor.transformer.checkpoint.Checkpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C for real: a child JVM runs {@code visor train lm}, gets SIGINT once it is training, and must
 * finish its step, save a resumable checkpoint that keeps the planned last step, say where and exit
 * with 130; {@code --resume --steps} then continues in the same folder. (Resuming to the planned step
 * without {@code --steps} is {@code TrainingRunTest}'s.)
 *
 * <p>The run plans far more steps than it can finish in a test, so the signal always lands while it
 * trains: with 80 steps, a loaded machine let the child finish before SIGINT arrived.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class InterruptTest {
    /** The planned steps: out of reach, so the child is always still training when SIGINT comes. */
    static final int STEPS = 1_000_000;
    /** The steps the resumed run adds. */
    static final int MORE = 6;

    @Test
    void sigintSavesAResumableCheckpointThatResumeFinishes(@TempDir Path tmp) throws Exception {
        assumeFalse(sigintIgnoredHere(), "SIGINT is ignored in this process (a background job of a non-interactive shell,"
                + " e.g. 'mvn verify &'), and a child JVM inherits that and never installs its handler: Ctrl-C cannot be tested here");
        Path text = Files.writeString(tmp.resolve("text.txt"), "the cat sat on the mat. ".repeat(40));
        Path dir = tmp.resolve("run");
        Process p = ChildVisor.start(List.of(), "train", "lm", "--text", text.toString(), "--out", dir.toString(), "--steps", Integer.toString(STEPS),
                "--eval-every", "10", "--d-model", "32", "--heads", "2", "--layers", "2", "--d-ff", "64", "--context", "32",
                "--batch", "16", "--sample", "0");
        try {
            interruptAndResume(p, dir);
        } finally {
            p.destroyForcibly(); // a child that missed the signal would otherwise train on after the test
        }
        try (var files = Files.list(tmp)) {
            assertEquals(List.of("run", "text.txt"), files.map(f -> f.getFileName().toString()).sorted().toList());
        }
    }

    private static void interruptAndResume(Process p, Path dir) throws Exception {
        CountDownLatch training = new CountDownLatch(1);
        List<String> out = new ArrayList<>();
        CompletableFuture<Void> stdout = CompletableFuture.runAsync(() -> read(p, out, training));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        assertTrue(training.await(60, TimeUnit.SECONDS), "the child started training: " + out);
        Process kill = new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child exited after SIGINT");
        stdout.get(10, TimeUnit.SECONDS);
        String err = stderr.get(10, TimeUnit.SECONDS);
        assertEquals(130, p.exitValue(), () -> "stdout:\n" + String.join("\n", out) + "\nstderr:\n" + err);
        long saved = Checkpoint.read(dir).step();
        assertTrue(saved >= 1 && saved < STEPS, "interrupted at step " + saved);
        assertTrue(err.contains("visor train lm: interrupted at step " + saved + " of " + STEPS + "; saved a resumable checkpoint to "
                + dir + "; continue with: visor train lm --resume " + dir), err);
        assertTrue(Checkpoint.read(dir).optimizer() != null, "resumable: the optimizer state is saved");
        @SuppressWarnings("unchecked") Map<String, Object> planned =
                (Map<String, Object>) ConfigMapper.readObject(dir.resolve("visor.json")).get("training");
        assertEquals((long) STEPS, ((Number) planned.get("last_step")).longValue(), "the planned last step is kept for --resume alone");

        CliRunner.Result resumed = CliRunner.run("train", "lm", "--resume", dir.toString(), "--steps", Integer.toString(MORE));
        assertEquals(0, resumed.exitCode(), resumed::toString);
        assertTrue(resumed.out().contains("from step " + saved + " to step " + (saved + MORE) + "; checkpoint → " + dir), resumed::toString);
        assertEquals(saved + MORE, Checkpoint.read(dir).step(), "resumed in the same folder");
    }

    /**
     * Whether SIGINT (signal 2) is ignored by this process, from {@code SigIgn} in
     * {@code /proc/self/status}; false where there is no such file (macOS).
     */
    static boolean sigintIgnoredHere() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status, StandardCharsets.UTF_8)) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (2 - 1))) != 0;
            }
        }
        return false;
    }

    private static void read(Process p, List<String> out, CountDownLatch training) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                synchronized (out) {
                    out.add(line);
                }
                if (line.startsWith("step ")) training.countDown();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
