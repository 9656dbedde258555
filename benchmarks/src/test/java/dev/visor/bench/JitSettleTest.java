package dev.visor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class JitSettleTest {
    private final AtomicInteger models = new AtomicInteger();
    private final AtomicInteger steps = new AtomicInteger();

    private Supplier<DoubleSupplier> fresh() {
        return () -> {
            models.incrementAndGet();
            return () -> steps.incrementAndGet();
        };
    }

    @Test
    void settlesAfterTwoRoundsInARowWithoutCompilingEachOnAFreshModel() {
        // compile time read before and after each round: the first two rounds compile for a minute each
        // (more than 1 % of any round), the next two not at all
        long[] clock = {0, 60_000, 60_000, 120_000, 120_000, 120_000, 120_000, 120_000};
        AtomicInteger reads = new AtomicInteger();
        JitSettle.Result r = JitSettle.run(fresh(), 7, () -> clock[Math.min(reads.getAndIncrement(), clock.length - 1)], Long.MAX_VALUE);
        assertTrue(r.settled());
        assertEquals(4, models.get(), "two compiling rounds, then two quiet ones");
        assertEquals(4 * 7, r.steps());
        assertEquals(4 * 7, steps.get());
    }

    @Test
    void stopsAtTheTimeLimitUnsettledAndWithoutACompileFigureAfterOneRound() {
        AtomicLong busy = new AtomicLong();
        JitSettle.Result limited = JitSettle.run(fresh(), 3, () -> busy.addAndGet(1_000_000), 0);
        assertFalse(limited.settled());
        assertEquals(0, limited.steps(), "no time left for a round");
        JitSettle.Result blind = JitSettle.run(fresh(), 3, () -> -1, Long.MAX_VALUE);
        assertFalse(blind.settled(), "a JVM that reports no compile time cannot be seen to settle");
        assertEquals(3, blind.steps());
    }
}
