package dev.visor.sweeps.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.sweeps.LocalRunner;
import dev.visor.sweeps.ResultsFolder;
import dev.visor.sweeps.Sweep;
import dev.visor.sweeps.SweepListener;
import dev.visor.sweeps.SweepRunner;
import dev.visor.sweeps.SweepSpec;
import dev.visor.sweeps.Trial;
import dev.visor.sweeps.TrialExecution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Spark path in local mode, on real (tiny) character-LM trials: one Spark context for the class,
 * {@code local[2,3]} (two task slots, three attempts per task).
 */
class SparkRunnerTest {
    static final String SWEEP = """
            {"name": "spark-tiny", "trial": "char_lm",
             "base": {"steps": 12, "eval_every": 4, "d_model": 16, "heads": 2, "layers": 1, "context": 12, "batch": 4, "eval_windows": 8},
             "grid": {"decoder_mask": ["causal & padding & sliding_window(left=2)", "causal & padding"]},
             "seeds": [1, 2], "metric": {"name": "held_out_bits_per_char"},
             "baseline": {"decoder_mask": "causal & padding"},
             "run": {"threads_per_trial": 1, "checkpoint_every": 4}}
            """;

    static JavaSparkContext spark;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() {
        SweepSpec spec = SweepSpec.parse(SWEEP);
        spark = new JavaSparkContext(SparkRunner.conf("local[2,3]", spec));
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.close();
    }

    @Test
    void sparkAndTheLocalRunnerGiveBitIdenticalResults() throws IOException {
        SweepSpec spec = SweepSpec.parse(SWEEP);
        ResultsFolder local = new ResultsFolder(dir.resolve("local"));
        ResultsFolder onSpark = new ResultsFolder(dir.resolve("spark"));
        Sweep.Report l = Sweep.run(spec, local, new LocalRunner(2), SweepListener.NONE);
        Sweep.Report s = Sweep.run(spec, onSpark, new SparkRunner(spark), SweepListener.NONE);
        assertTrue(l.failed().isEmpty(), l.failed()::toString);
        assertTrue(s.failed().isEmpty(), s.failed()::toString);
        for (Trial t : spec.trials()) {
            assertEquals(local.readFinal(t), onSpark.readFinal(t), t.id());
            assertEquals(local.readHistory(t), onSpark.readHistory(t), t.id());
            assertTrue(Files.readString(onSpark.trialDirectory(t).resolve("final.json")).contains("\"runner\" : \"spark local[2,3]\""));
        }
        assertEquals(Files.readString(local.root().resolve("summary.csv")), Files.readString(onSpark.root().resolve("summary.csv")));
    }

    @Test
    void aTaskThatFailsOnceIsRetriedBySparkAndResumes() throws IOException {
        SweepSpec spec = SweepSpec.parse(SWEEP);
        Trial victim = spec.trials().get(1);
        List<String> notes = Collections.synchronizedList(new ArrayList<>());
        ResultsFolder folder = new ResultsFolder(dir.resolve("retried"));
        System.setProperty(TrialExecution.FAIL_ONCE, victim.id());
        Sweep.Report r;
        try {
            r = Sweep.run(spec, folder, new SparkRunner(spark), new SweepListener() {
                @Override
                public void note(String message) {
                    notes.add(message);
                }
            });
        } finally {
            System.clearProperty(TrialExecution.FAIL_ONCE);
        }
        assertTrue(r.failed().isEmpty(), r.failed()::toString);
        assertEquals(4, r.ran().size());
        for (Trial t : spec.trials()) assertTrue(folder.isFinished(t), t.id());
        assertTrue(Files.exists(folder.trialDirectory(victim).resolve(".failed-once")));
        assertTrue(notes.stream().anyMatch(n -> n.contains("failed (attempt 1)") && n.contains("failed on purpose")), notes::toString);
        ResultsFolder clean = new ResultsFolder(dir.resolve("clean"));
        Sweep.run(spec, clean, new LocalRunner(2), SweepListener.NONE);
        assertEquals(clean.readFinal(victim), folder.readFinal(victim), "the retried trial computes the same");
    }

    @Test
    void theProviderIsFoundByMasterUrl() {
        assertInstanceOf(SparkRunner.class, SweepRunner.forMaster("local[2]"));
        assertInstanceOf(SparkRunner.class, SweepRunner.forMaster("spark://host:7077"));
        SparkRunnerProvider p = new SparkRunnerProvider();
        assertTrue(p.accepts("local[2,3]") && p.accepts("local[*]") && p.accepts("local") && p.accepts("yarn"));
        assertFalse(p.accepts("lokal[2]"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SweepRunner.forMaster("lokal[2]"));
        assertTrue(e.getMessage().startsWith("no runner on the class path accepts --master lokal[2]"), e.getMessage());
        assertEquals(null, SparkRunnerProvider.unsupported(17));
        assertEquals(null, SparkRunnerProvider.unsupported(21));
        assertTrue(SparkRunnerProvider.unsupported(25).startsWith("Spark 3.5 does not run on Java 25"));
        SparkConf c = SparkRunner.conf("spark://h:7077", SweepSpec.parse(SWEEP.replace("\"threads_per_trial\": 1", "\"threads_per_trial\": 2")));
        assertEquals("2", c.get("spark.task.cpus"), "a trial's kernel threads are its task's cores on a cluster");
    }
}
