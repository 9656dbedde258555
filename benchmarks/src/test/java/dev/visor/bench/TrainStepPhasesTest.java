package dev.visor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.kernel.Parallel;
import org.junit.jupiter.api.Test;

class TrainStepPhasesTest {
    @Test
    void roundsOnOneAndTwoThreadsInOneJvmReportEveryPhaseAndLeaveTheThreadCount() {
        int before = Parallel.threads();
        try {
            TrainStepBench.Step s = TrainStepPhases.demo(1);
            long stepsBefore = s.steps;
            TrainStepPhases.Round one = TrainStepPhases.round(s, 1, 1, 2);
            TrainStepPhases.Round two = TrainStepPhases.round(s, 2, 0, 2);
            assertEquals(stepsBefore + 5, s.steps, "one warm-up and four timed steps on the one model");
            assertEquals(1, one.threads());
            assertEquals(2, two.threads());
            assertEquals(0.0, one.kernelCpuMs(), "no kernel thread runs on one thread");
            for (TrainStepPhases.Round r : new TrainStepPhases.Round[] {one, two}) {
                assertTrue(r.tokens() > 0, r.line());
                assertTrue(r.zeroMs() >= 0 && r.runMs() > 0 && r.clipMs() > 0 && r.adamMs() > 0, r.line());
                assertTrue(r.zeroMs() + r.runMs() + r.clipMs() + r.adamMs() <= r.wallMs() * 1.0001, "the phases lie within the step: " + r.line());
                assertTrue(r.callerCpuMs() > 0 && r.gcMs() >= 0 && r.allocatedMb() > 0, r.line());
                assertTrue(r.line().startsWith("threads=" + r.threads() + " wall-ms/step="), r.line());
            }
        } finally {
            Parallel.setThreads(before);
        }
    }

    @Test
    void criticalCpuIsTheCallerOnOneThreadAndTheLargerShareOnMore() {
        TrainStepPhases.Round one = new TrainStepPhases.Round(1, 20, 0, 19, 0.5, 0.5, 18, 0, 0, 27, 480);
        assertEquals(480 / 18.0 * 1e3, one.tokensPerCriticalCpuSecond(), 1e-9);
        assertEquals(480 / 20.0 * 1e3, one.tokensPerWallSecond(), 1e-9);
        TrainStepPhases.Round two = new TrainStepPhases.Round(2, 11, 0, 10, 0.5, 0.5, 9, 10, 0, 27, 480);
        assertEquals(480 / 10.0 * 1e3, two.tokensPerCriticalCpuSecond(), 1e-9, "the kernel thread's 10 ms outweigh the caller's 9");
        TrainStepPhases.Round three = new TrainStepPhases.Round(3, 11, 0, 10, 0.5, 0.5, 9, 16, 0, 27, 480);
        assertEquals(480 / 9.0 * 1e3, three.tokensPerCriticalCpuSecond(), 1e-9, "two kernel threads' 16 ms are 8 each");
    }
}
