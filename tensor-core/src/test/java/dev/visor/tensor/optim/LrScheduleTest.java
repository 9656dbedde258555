package dev.visor.tensor.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LrScheduleTest {

    @Test
    void constantIsConstant() {
        LrSchedule s = LrSchedule.constant(0.3);
        assertEquals(0.3, s.lr(1));
        assertEquals(0.3, s.lr(1_000_000));
    }

    @Test
    void linearWarmupRampsToThePeakAtTheWarmupStep() {
        LrSchedule s = LrSchedule.linearWarmup(1e-3, 4);
        assertEquals(2.5e-4, s.lr(1), 1e-18);
        assertEquals(7.5e-4, s.lr(3), 1e-18);
        assertEquals(1e-3, s.lr(4));
        assertEquals(1e-3, s.lr(100));
        assertEquals(1e-3, LrSchedule.linearWarmup(1e-3, 0).lr(1), "no warm-up");
    }

    @Test
    void linearDecayReachesTheFloorAtTotal() {
        LrSchedule s = LrSchedule.linearWarmupLinearDecay(1.0, 10, 110, 0.1);
        assertEquals(0.5, s.lr(5), 1e-15);
        assertEquals(1.0, s.lr(10), 1e-15);
        assertEquals(0.1 + 0.9 * 0.5, s.lr(60), 1e-15);
        assertEquals(0.1, s.lr(110), 1e-15);
        assertEquals(0.1, s.lr(500), 1e-15);
    }

    @Test
    void inverseSqrtIsVaswaniEquationThree() {
        LrSchedule s = LrSchedule.inverseSqrt(512, 4000);
        double peak = Math.pow(512, -0.5) * Math.pow(4000, -0.5);  // ≈ 6.988e-4
        assertEquals(6.987712429686844e-4, peak, 1e-18);
        assertEquals(peak, s.lr(4000), 1e-18);
        assertEquals(Math.pow(512, -0.5) * Math.pow(4000, -1.5), s.lr(1), 1e-18);
        assertEquals(peak / 2, s.lr(2000), 1e-18, "linear during warm-up");
        assertEquals(peak / 2, s.lr(16000), 1e-18, "inverse square root after");
        assertEquals(2 * s.lr(16000), LrSchedule.inverseSqrt(512, 4000, 2.0).lr(16000), 1e-18);
    }

    @Test
    void cosineWarmsUpThenFollowsAHalfCosineToTheFloor() {
        LrSchedule s = LrSchedule.cosine(1.0, 100, 1100, 0.0);
        assertEquals(0.01, s.lr(1), 1e-15);
        assertEquals(1.0, s.lr(100), 1e-15);
        assertEquals(0.5, s.lr(600), 1e-15);
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 0.25)), s.lr(350), 1e-15);
        assertEquals(0.0, s.lr(1100), 1e-15);
        assertEquals(0.1, LrSchedule.cosine(1.0, 0, 10, 0.1).lr(10), 1e-15);
        assertEquals(0.1 + 0.9 * 0.5, LrSchedule.cosine(1.0, 0, 10, 0.1).lr(5), 1e-15);
    }

    @Test
    void badArgumentsAndStepZeroAreRejected() {
        var e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.inverseSqrt(512, 4000).lr(0));
        assertEquals("schedule steps count from 1 but got step 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.cosine(1, 10, 10, 0));
        assertEquals("total steps must exceed the warm-up but got total=10, warmup=10", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.inverseSqrt(512, 0));
        assertEquals("the inverse-square-root schedule needs warmup >= 1 but got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> LrSchedule.linearWarmup(Double.NaN, 3));
        assertEquals("peak must be finite and >= 0 but got NaN", e.getMessage());
    }
}
