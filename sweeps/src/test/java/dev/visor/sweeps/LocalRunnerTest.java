package dev.visor.sweeps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalRunnerTest {
    static final String SWEEP = """
            {"name": "toy", "trial": "toy", "base": {"steps": 30},
             "grid": {"rate": [0.1, 0.5]}, "seeds": [1, 2, 3],
             "metric": {"name": "score", "goal": "maximize"}, "baseline": {"rate": 0.1},
             "run": {"threads_per_trial": 1, "checkpoint_every": 5}}
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void reset() {
        ToyTrial.reset();
    }

    @Test
    void runsEveryTrialAndWritesTheResultsFolder() throws IOException {
        SweepSpec spec = SweepSpec.parse(SWEEP);
        ResultsFolder folder = new ResultsFolder(dir);
        StringWriter text = new StringWriter();
        SweepProgress progress = new SweepProgress(new PrintWriter(text), false, 6, 0, Long.MAX_VALUE, System::nanoTime);
        Sweep.Report r = Sweep.run(spec, folder, new LocalRunner(2), progress);
        assertEquals(6, r.ran().size());
        assertTrue(r.failed().isEmpty(), r.failed().toString());
        for (Trial t : spec.trials()) {
            assertTrue(folder.isFinished(t), t.id());
            assertEquals(6, folder.readHistory(t).size(), "a line every 5 of 30 steps");
            assertFalse(Files.exists(folder.trialDirectory(t).resolve("checkpoint")), "checkpoints go once finished");
            assertTrue(Files.isRegularFile(folder.trialDirectory(t).resolve("params.json")));
        }
        assertTrue(Files.isRegularFile(dir.resolve("sweep.json")));
        String md = Files.readString(dir.resolve("summary.md"));
        assertTrue(md.contains("| rate=0.5 |"), md);
        assertTrue(md.contains("baseline"), md);
        assertTrue(md.contains("**\\***"), "rate 0.5 scores far higher: significant\n" + md);
        List<String> csv = Files.readAllLines(dir.resolve("summary.csv"));
        assertEquals(3, csv.size());
        assertTrue(csv.get(2).endsWith(",true"), csv.get(2));
        assertTrue(text.toString().contains("sweep 6/6 trials"), text.toString());
        SweepSummary.Row fast = r.summary().rows().get(1);
        double expected = 0;
        for (double v : fast.values()) expected += v / 3;
        assertEquals(expected, fast.stats().mean(), 1e-12);
    }

    @Test
    void aRerunSkipsFinishedTrialsAndResumesTheInterruptedOneBitForBit() throws IOException {
        SweepSpec spec = SweepSpec.parse(SWEEP);
        Trial victim = spec.trials().get(4);
        ToyTrial.DIE_AT.put(victim.id(), 13L);   // dies like a killed process, after its checkpoint of step 10
        ResultsFolder folder = new ResultsFolder(dir.resolve("interrupted"));
        Sweep.Report first = Sweep.run(spec, folder, new LocalRunner(2), SweepListener.NONE);
        assertEquals(List.of(victim), List.copyOf(first.failed().keySet()));
        assertTrue(Files.isDirectory(folder.trialDirectory(victim).resolve("checkpoint")));
        assertTrue(Files.readString(dir.resolve("interrupted/summary.md")).contains("Not finished (left out): " + victim.id()));

        Sweep.Report second = Sweep.run(spec, folder, new LocalRunner(2), SweepListener.NONE);
        assertEquals(List.of(victim), second.ran(), "only the unfinished trial runs again");
        assertEquals(5, second.skipped().size());
        assertTrue(second.failed().isEmpty());
        assertEquals(10L, ToyTrial.RESUMED.get(victim.id()), "resumed from its last checkpoint");
        for (Trial t : spec.trials()) assertEquals(t.equals(victim) ? 2 : 1, ToyTrial.STARTS.get(t.id()).get(), t.id());

        ResultsFolder clean = new ResultsFolder(dir.resolve("clean"));
        Sweep.run(spec, clean, new LocalRunner(1), SweepListener.NONE);
        assertEquals(clean.readFinal(victim), folder.readFinal(victim), "resuming changes nothing");
        assertEquals(clean.readHistory(victim), folder.readHistory(victim), "the history has each step once");
        assertEquals(Files.readString(dir.resolve("clean/summary.csv")), Files.readString(dir.resolve("interrupted/summary.csv")));
    }

    @Test
    void theCoreBudgetHolds() {
        SweepSpec.RunSettings auto = new SweepSpec.RunSettings(1, 0, 0, false, 0.05);
        assertEquals(4, new LocalRunner(4).parallelism(auto, 9));
        assertEquals(2, new LocalRunner(4).parallelism(auto, 2), "never more than the pending trials");
        assertEquals(2, new LocalRunner(4).parallelism(new SweepSpec.RunSettings(2, 0, 0, false, 0.05), 9));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new LocalRunner(2).parallelism(new SweepSpec.RunSettings(1, 3, 0, false, 0.05), 9));
        assertEquals("run.parallel 3 × run.threads_per_trial 1 = 3 kernel threads exceed the 2 cores; lower one of them", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LocalRunner(2).parallelism(new SweepSpec.RunSettings(4, 0, 0, false, 0.05), 1));
    }

    @Test
    void anUnknownTrialFunctionIsNamedWithTheAvailableOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrialFunction.load("tyo"));
        assertTrue(e.getMessage().contains("no trial function named 'tyo'; available: [") && e.getMessage().contains("toy"), e.getMessage());
    }

    @Test
    void withoutACheckpointAnInterruptedTrialStartsOver() throws IOException {
        SweepSpec spec = SweepSpec.parse(SWEEP.replace("\"checkpoint_every\": 5", "\"checkpoint_every\": 0"));
        Trial victim = spec.trials().get(0);
        ToyTrial.DIE_AT.put(victim.id(), 13L);
        ResultsFolder folder = new ResultsFolder(dir);
        Sweep.run(spec, folder, new LocalRunner(2), SweepListener.NONE);
        Sweep.run(spec, folder, new LocalRunner(2), SweepListener.NONE);
        assertEquals(null, ToyTrial.RESUMED.get(victim.id()));
        assertEquals(6, folder.readHistory(victim).size(), "the failed attempt's lines are not kept");
    }

    @Test
    void failOnceInjectsOneFailure() throws IOException {
        SweepSpec spec = SweepSpec.parse(SWEEP);
        Trial victim = spec.trials().get(1);
        System.setProperty(TrialExecution.FAIL_ONCE, victim.id());
        try {
            ResultsFolder folder = new ResultsFolder(dir);
            Sweep.Report first = Sweep.run(spec, folder, new LocalRunner(2), SweepListener.NONE);
            assertTrue(first.failed().get(victim).getMessage().contains("failed on purpose"));
            assertTrue(Sweep.run(spec, folder, new LocalRunner(2), SweepListener.NONE).failed().isEmpty());
        } finally {
            System.clearProperty(TrialExecution.FAIL_ONCE);
        }
    }
}
