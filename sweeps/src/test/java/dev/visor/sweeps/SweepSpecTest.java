package dev.visor.sweeps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SweepSpecTest {
    static final String GRID = """
            {"name": "s", "trial": "toy", "base": {"steps": 20, "rate": 0.1},
             "grid": {"rate": [0.1, 0.2], "width": [1, 2, 3]}, "seeds": [7, 8],
             "metric": {"name": "score", "goal": "maximize"}, "baseline": {"rate": 0.1, "width": 1},
             "run": {"threads_per_trial": 1, "parallel": 2, "checkpoint_every": 5}}
            """;

    @Test
    void aGridExpandsToEveryCombinationTimesEverySeedFirstAxisSlowest() {
        SweepSpec s = SweepSpec.parse(GRID);
        List<Trial> trials = s.trials();
        assertEquals(2 * 3 * 2, trials.size());
        assertEquals(Map.of("rate", 0.1, "width", 1L), trials.get(0).axes());
        assertEquals(7, trials.get(0).seed());
        assertEquals(8, trials.get(1).seed());
        assertEquals(Map.of("rate", 0.1, "width", 2L), trials.get(2).axes());
        assertEquals(Map.of("rate", 0.2, "width", 1L), trials.get(6).axes());
        assertEquals(0.2, trials.get(6).number("rate"), "the axis overrides the base");
        assertEquals(20, trials.get(6).integer("steps", 0));
        assertEquals(SweepSpec.Goal.MAXIMIZE, s.goal());
        assertEquals(5, s.run().checkpointEvery());
        assertEquals(trials.get(0).configId(), s.baselineConfigId());
        assertEquals(trials.get(0).configId(), trials.get(1).configId(), "seeds share the configuration id");
        assertEquals(12, trials.stream().map(Trial::id).distinct().count());
        assertEquals(6, trials.stream().map(Trial::configId).distinct().count());
    }

    @Test
    void idsAreStableUnderReorderingAndReformattingAndChangeWithTheBase() {
        List<Trial> a = SweepSpec.parse(GRID).trials();
        SweepSpec reordered = SweepSpec.parse("""
                {"run": {"checkpoint_every": 5}, "seeds": [8, 7, 9], "metric": {"name": "score"},
                 "grid": {"width": [3, 2, 1], "rate": [0.2, 1e-1]},
                 "base": {"rate": 0.1, "steps": 20}, "trial": "toy", "name": "other"}
                """);
        List<String> ids = reordered.trials().stream().map(Trial::id).toList();
        for (Trial t : a) assertTrue(ids.contains(t.id()), t.id() + " keeps its id");
        SweepSpec changedBase = SweepSpec.parse(GRID.replace("\"steps\": 20", "\"steps\": 21"));
        assertNotEquals(a.get(0).id(), changedBase.trials().get(0).id(), "another base is another experiment");
        assertTrue(a.get(0).id().matches("c[0-9a-f]{8}-s7"), a.get(0).id());
    }

    @Test
    void aListNamesConfigurationsAndSeedsMayBeACount() {
        SweepSpec s = SweepSpec.parse("""
                {"name": "l", "trial": "toy", "list": [{"rate": 0.1}, {"rate": 0.3, "steps": 10}], "seeds": 3,
                 "metric": {"name": "score"}}
                """);
        assertEquals(6, s.trials().size());
        assertEquals(List.of(1L, 2L, 3L), s.seeds());
        assertEquals(10, s.trials().get(3).integer("steps", 0));
        assertEquals(SweepSpec.Goal.MINIMIZE, s.goal());
        assertEquals(null, s.baselineConfigId());
    }

    @Test
    void badFilesGetErrorsNamingTheField() {
        assertMessage("unknown field 'grids'", GRID.replace("\"grid\"", "\"grids\""));
        assertMessage("grid axis 'rate' must be a non-empty list", GRID.replace("[0.1, 0.2]", "0.1"));
        assertMessage("must match exactly one configuration but matches 0", GRID.replace("\"width\": 1}", "\"width\": 9}"));
        assertMessage("metric.goal must be \"minimize\" or \"maximize\" but is \"max\"", GRID.replace("maximize", "max"));
        assertMessage("seeds repeat", GRID.replace("[7, 8]", "[7, 7]"));
        assertMessage("name must be letters", GRID.replace("\"name\": \"s\"", "\"name\": \"a/b\""));
        assertMessage("not valid JSON at line 1", "{\"name\": ");
        assertMessage("configurations (base) and steps=20 give the same parameters once merged with 'base'",
                "{\"name\": \"l\", \"trial\": \"toy\", \"base\": {\"steps\": 20}, \"list\": [{}, {\"steps\": 20}], \"metric\": {\"name\": \"x\"}}");
        assertMessage("unknown field 'run.threads'", GRID.replace("threads_per_trial", "threads"));
        assertMessage("run.threads_per_trial must be at least 1 but is 0", GRID.replace("\"threads_per_trial\": 1", "\"threads_per_trial\": 0"));
    }

    private static void assertMessage(String expected, String json) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SweepSpec.parse(json));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
