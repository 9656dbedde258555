package dev.visor.transformer.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.visor.tensor.Tensor;
import dev.visor.transformer.TransformerModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a JVM that saves checkpoints in a loop ({@link CheckpointSaver}), half of the times while it
 * pauses between the two renames of {@link AtomicFolder#replace} (the instant at which the folder
 * does not exist), the other half at a random moment. After every kill the folder must read as the
 * last checkpoint the child reported or the one it was writing, bit for bit, and the next save must
 * leave no leftovers. {@code -Dvisor.checkpoint.kills=60} (default 6) raises the count.
 */
class CheckpointKillTest {
    private static final int KILLS = Integer.getInteger("visor.checkpoint.kills", 6);

    @TempDir
    Path tmp;

    @Test
    void aKilledSaveAlwaysLeavesTheOldOrTheNewCheckpoint() throws Exception {
        Path dir = tmp.resolve("ckpt");
        TransformerModel model = CheckpointSaver.model();
        long step = 0;
        save(model, dir, step);
        Random random = new Random(KILLS);
        int betweenRenames = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            boolean between = kill % 2 == 0;
            Process child = start(dir, step + 1, between);
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = drain(child, lines);
            String ready = lines.poll(120, TimeUnit.SECONDS);
            assertEquals("ready", ready, () -> "child did not start: " + stderr(child));
            if (between) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (Files.exists(dir)) {
                    if (System.nanoTime() > deadline || !child.isAlive()) fail("child never paused: " + stderr(child));
                    Thread.sleep(2);
                }
            } else {
                Thread.sleep(random.nextInt(400));
            }
            child.destroyForcibly();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "child did not die");
            reader.join(10_000);
            if (between && !Files.exists(dir)) betweenRenames++;
            long reported = step;
            for (String line : lines) if (!line.equals("ready")) reported = Long.parseLong(line);

            Checkpoint c = Checkpoint.read(dir);
            long read = c.step();
            long finalReported = reported;
            assertTrue(read == reported || read == reported + 1,
                    () -> "read step " + read + " but the child had reported " + finalReported);
            assertBitIdentical(CheckpointSaver.weights(model, read), c.weights(), "step " + read);

            step = read + 1;
            save(model, dir, step);
            assertEquals(List.of("ckpt"), names(tmp), "no leftovers after the next save");
            assertEquals(step, Checkpoint.read(dir).step());
        }
        assertEquals((KILLS + 1) / 2, betweenRenames, "kills that found no folder between the renames");
    }

    private static void save(TransformerModel model, Path dir, long step) throws IOException {
        model.loadStateDict(CheckpointSaver.weights(model, step), true);
        Checkpoint.save(dir, model, null, step);
    }

    private static Process start(Path dir, long firstStep, boolean pauseBetweenRenames) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dvisor.vector=false",
                "-D" + AtomicFolder.PAUSE_PROPERTY + "=" + (pauseBetweenRenames ? 60_000 : 0),
                "-cp", System.getProperty("java.class.path"), CheckpointSaver.class.getName(), dir.toString(),
                Long.toString(firstStep));
        return new ProcessBuilder(command).redirectErrorStream(false).start();
    }

    private static Thread drain(Process child, BlockingQueue<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) lines.add(line);
            } catch (IOException e) {
                // the child was killed
            }
        }, "checkpoint-child-stdout");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static String stderr(Process child) {
        if (child.isAlive()) return "(still running)";
        try {
            return new String(child.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static void assertBitIdentical(Map<String, Tensor> expected, Map<String, Tensor> actual, String where) {
        assertEquals(expected.keySet(), actual.keySet(), where);
        for (Map.Entry<String, Tensor> e : expected.entrySet()) {
            float[] a = e.getValue().toArray();
            float[] b = actual.get(e.getKey()).toArray();
            assertEquals(a.length, b.length, where + " " + e.getKey());
            for (int i = 0; i < a.length; i++) {
                if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(b[i])) {
                    fail(where + ": " + e.getKey() + "[" + i + "] is " + b[i] + " but was saved as " + a[i]);
                }
            }
        }
    }

    private static List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theChildReallyWritesBetweenKills(@TempDir Path other) throws Exception {
        // a guard against a kill test that passes because nothing was ever saved: one unpaused child
        // must report steps within a few seconds
        Path dir = other.resolve("ckpt");
        Process child = start(dir, 5, false);
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        drain(child, lines);
        assertEquals("ready", lines.poll(120, TimeUnit.SECONDS), () -> stderr(child));
        String first = lines.poll(120, TimeUnit.SECONDS);
        child.destroyForcibly();
        child.waitFor(60, TimeUnit.SECONDS);
        assertEquals("5", first);
        assertFalse(Checkpoint.read(dir).weights().isEmpty());
    }
}
