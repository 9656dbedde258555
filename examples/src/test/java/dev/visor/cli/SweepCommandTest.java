package dev.visor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.sweeps.ResultsFolder;
import dev.visor.sweeps.SweepSpec;
import dev.visor.sweeps.Trial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SweepCommandTest {
    /** Tiny character-LM trials: a second or two each. */
    static final String SWEEP = """
            {"name": "tiny", "trial": "char_lm",
             "base": {"steps": 24, "eval_every": 6, "d_model": 16, "heads": 2, "layers": 1, "context": 12, "batch": 4, "eval_windows": 8},
             "grid": {"decoder_mask": ["causal & padding & sliding_window(left=1)", "causal & padding"]},
             "seeds": [1, 2, 3], "metric": {"name": "held_out_bits_per_char"},
             "baseline": {"decoder_mask": "causal & padding"},
             "run": {"threads_per_trial": 1, "checkpoint_every": 6}}
            """;

    @TempDir
    Path tmp;

    @Test
    void runsASweepWritesSummaryAndPlotsAndARerunRunsNothing() throws IOException {
        Path file = Files.writeString(tmp.resolve("tiny.json"), SWEEP);
        Path out = tmp.resolve("out");
        CliRunner.Result r = CliRunner.run("sweep", file.toString(), "--out", out.toString(), "--cores", "2");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("Sweep tiny: 2 configurations × 3 seeds = 6 trials of char_lm"), r::toString);
        assertTrue(r.out().contains("0 finished before, 6 to run; local: 2 trials at once × 1 kernel thread (2 cores)"), r::toString);
        assertTrue(r.out().contains("| decoder_mask=causal & padding | "), r::toString);
        assertTrue(r.out().contains("p (Welch)"), r::toString);
        for (String f : List.of("summary.md", "summary.csv", "sweep.json")) assertTrue(Files.isRegularFile(out.resolve(f)), f);
        for (String png : List.of("curves.png", "final.png")) assertTrue(ImageIO.read(out.resolve(png).toFile()).getWidth() > 100, png);
        SweepSpec spec = SweepSpec.parse(SWEEP);
        ResultsFolder folder = new ResultsFolder(out);
        for (Trial t : spec.trials()) {
            assertEquals(4, folder.readHistory(t).size(), "a line per evaluation");
            double bits = folder.readFinal(t).get("held_out_bits_per_char");
            assertTrue(bits > 1 && bits < 7, "bits per character " + bits);
        }
        CliRunner.Result again = CliRunner.run("sweep", file.toString(), "--out", out.toString(), "--cores", "2");
        assertEquals(0, again.exitCode(), again::toString);
        assertTrue(again.out().contains("6 finished before, 0 to run"), again::toString);
        assertEquals(Files.readString(out.resolve("summary.md")), r.out().substring(r.out().indexOf("# Sweep tiny"), r.out().indexOf("Plots: ")).stripTrailing() + "\n");
    }

    @Test
    void killingASweepMidwayAndRerunningFinishesOnlyTheRestWithIdenticalResults() throws Exception {
        Path file = Files.writeString(tmp.resolve("tiny.json"), SWEEP);
        Path out = tmp.resolve("killed");
        SweepSpec spec = SweepSpec.parse(SWEEP);
        ResultsFolder folder = new ResultsFolder(out);
        // 1) a real process, killed (SIGKILL) once a trial finished and another saved a checkpoint
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "--add-modules", "jdk.incubator.vector", "-Djava.awt.headless=true", "-Xss4m",
                "-cp", System.getProperty("java.class.path"), "dev.visor.cli.VisorMain", "sweep", file.toString(), "--out", out.toString(),
                "--cores", "1", "--no-plots").redirectErrorStream(true).redirectOutput(tmp.resolve("killed.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        boolean ready = false;
        while (!ready && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
            int finished = 0;
            boolean checkpointed = false;
            for (Trial t : spec.trials()) {
                if (folder.isFinished(t)) finished++;
                else checkpointed |= Files.isDirectory(folder.trialDirectory(t).resolve("checkpoint"));
            }
            ready = finished >= 1 && checkpointed;
        }
        p.destroyForcibly();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertTrue(ready, "the sweep did not reach a finished trial and a checkpoint in time:\n" + Files.readString(tmp.resolve("killed.log")));
        List<Trial> unfinished = new ArrayList<>();
        for (Trial t : spec.trials()) if (!folder.isFinished(t)) unfinished.add(t);
        assertFalse(unfinished.isEmpty(), "killed before the end");

        // 2) the rerun runs only the unfinished trials, resuming the interrupted one
        CliRunner.Result rerun = CliRunner.run("sweep", file.toString(), "--out", out.toString(), "--cores", "2", "--no-plots");
        assertEquals(0, rerun.exitCode(), rerun::toString);
        assertTrue(rerun.out().contains((6 - unfinished.size()) + " finished before, " + unfinished.size() + " to run"), rerun::toString);
        assertTrue(rerun.out().contains(", resumed from step "), rerun::toString);
        assertEquals(unfinished.size(), rerun.out().lines().filter(l -> l.startsWith("  finished ")).count(), rerun::toString);

        // 3) and everything is as if it had never been interrupted
        Path clean = tmp.resolve("clean");
        assertEquals(0, CliRunner.run("sweep", file.toString(), "--out", clean.toString(), "--cores", "2", "--no-plots").exitCode());
        assertEquals(Files.readString(clean.resolve("summary.csv")), Files.readString(out.resolve("summary.csv")));
        ResultsFolder cleanFolder = new ResultsFolder(clean);
        for (Trial t : spec.trials()) assertEquals(cleanFolder.readHistory(t), folder.readHistory(t), t.id());
        try (Stream<Path> s = Files.walk(out)) {
            assertTrue(s.noneMatch(f -> f.getFileName().toString().equals("checkpoint")), "finished trials drop their checkpoints");
        }
    }

    @Test
    void badInputGetsClearErrors() throws IOException {
        Path missing = tmp.resolve("missing.json");
        CliRunner.Result r = CliRunner.run("sweep", missing.toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().contains("sweep file " + missing + " does not exist"), r::toString);

        Path bad = Files.writeString(tmp.resolve("bad.json"), SWEEP.replace("\"seeds\"", "\"seed\""));
        r = CliRunner.run("sweep", bad.toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains(bad + ": unknown field 'seed'"), r::toString);

        Path file = Files.writeString(tmp.resolve("tiny.json"), SWEEP);
        r = CliRunner.run("sweep", file.toString(), "--master", "local[2]", "--out", tmp.resolve("o").toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("--master local[2] needs a cluster runner on the class path but there is none"), r::toString);

        r = CliRunner.run("sweep", file.toString(), "--cores", "0");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("--cores must be at least 1 but is 0"), r::toString);

        Path badParam = Files.writeString(tmp.resolve("p.json"), SWEEP.replace("\"batch\": 4", "\"batchsize\": 4"));
        r = CliRunner.run("sweep", badParam.toString(), "--out", tmp.resolve("p").toString(), "--no-plots");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().contains("6 of 6 trials failed; rerun the same command"), r::toString);
        assertTrue(r.err().contains("char_lm has no parameter 'batchsize'"), r::toString);
    }
}
