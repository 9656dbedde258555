package dev.visor.transformer.train;

import dev.visor.tensor.kernel.Parallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** Runs each test of a subclass on one kernel thread, restoring the thread count after. */
abstract class OneThreadFixture {
    private int threadsBefore;

    @BeforeEach
    void oneThread() {
        threadsBefore = Parallel.threads();
        Parallel.setThreads(1);
    }

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(threadsBefore);
    }
}
