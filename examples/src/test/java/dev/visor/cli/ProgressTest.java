package dev.visor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void aLineSaysStepLossAccuracyThroughputAndTimeLeft() {
        AtomicLong now = new AtomicLong(0);
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), false, 100, 25, now::get);
        for (int step = 1; step <= 100; step++) {
            now.addAndGet(500_000_000L); // half a second per step
            p.update(step, 1.0 / step, step / 100.0, 1000);
        }
        p.finish();
        String[] lines = text.toString().split("\n");
        assertEquals(4, lines.length, text::toString);
        assertEquals("step  25/100 ██████·················· loss 0.0400  acc  25.0%  2,000 tok/s  ETA 0:38", lines[0]);
        assertEquals("step 100/100 ████████████████████████ loss 0.0100  acc 100.0%  2,000 tok/s  took 0:50", lines[3]);
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlaceAtMostTenTimesASecond() {
        AtomicLong now = new AtomicLong(0);
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), true, 1000, 1, now::get);
        for (int step = 1; step <= 1000; step++) {
            now.addAndGet(10_000_000L); // 10 ms per step: 10 s in all
            p.update(step, 0.5, Double.NaN, 10);
        }
        p.note("evaluated");
        p.finish();
        String s = text.toString();
        long redraws = s.chars().filter(c -> c == '\r').count();
        assertTrue(redraws >= 100 && redraws <= 104, "redraws: " + redraws);
        assertTrue(s.contains("\revaluated\n"), "a note clears the line and then prints");
        assertTrue(s.endsWith("\rstep 1000/1000 ████████████████████████ loss 0.5000  1,000 tok/s  took 0:10\n"), "redrawn after the note");
        assertTrue(!s.contains("acc"), "no accuracy when it is not measured");
    }

    @Test
    void theTimeLeftIgnoresTheSlowFirstStepAndWaitsForAFewMeasuredSteps() {
        AtomicLong now = new AtomicLong(0);
        StringWriter text = new StringWriter();
        Progress p = new Progress(new PrintWriter(text), false, 1000, 1, now::get);
        now.addAndGet(30_000_000_000L);   // the first step: 30 s of class loading and compilation
        p.update(1, 1.0, Double.NaN, 10);
        for (int step = 2; step <= 5; step++) {
            now.addAndGet(100_000_000L);  // then 0.1 s a step
            p.update(step, 1.0, Double.NaN, 10);
        }
        String[] lines = text.toString().split("\n");
        assertTrue(lines[0].endsWith("ETA -:--"), lines[0]);
        assertTrue(lines[2].endsWith("ETA -:--"), "two steps after the first are not enough: " + lines[2]);
        assertTrue(lines[3].endsWith("ETA 1:40"), "996 steps left at 0.1 s: " + lines[3]);
    }

    @Test
    void clocks() {
        assertEquals("0:00", Progress.clock(0.2));
        assertEquals("1:05", Progress.clock(65));
        assertEquals("1:01:01", Progress.clock(3661));
    }
}
