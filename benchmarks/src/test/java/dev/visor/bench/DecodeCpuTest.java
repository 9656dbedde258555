package dev.visor.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DecodeCpuTest {

    @Test
    void theLineTurnsMediansIntoBandwidthsAndRatios() {
        // a triad pass of 201 326 592 bytes in 6000 µs: 33.6 GB/s; 92.1 MB of weights then take 2745 µs
        double[] med = {6000, 3000, 4000, 80, 60, 3450};
        String line = DecodeCpu.line("A", med, 92_000_000L, 92_100_000L);
        assertTrue(line.startsWith("A | triad 6000 us 33.6 GB/s"), line);
        assertTrue(line.contains("products 3000 us 30.7 GB/s (1.09× bound)"), line);
        assertTrue(line.contains("token 4000 us = 1.46× bound 2745 us"), line);
        assertTrue(line.contains("1x512·(2048x512)ᵀ 80.0 us 52.4 GB/s"), line);
        assertTrue(line.contains("1x2048·(512x2048)ᵀ 60.0 us 69.9 GB/s"), line);
        assertTrue(line.endsWith("products on offset-0 copies 3450 us 26.7 GB/s (1.15× in place)"), line);
    }

    @Test
    void everyOpRunsItsCallsInEveryRoundAfterTheWarmUp() {
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        double[][] micros = DecodeCpu.measure(new Runnable[] {a::incrementAndGet, b::incrementAndGet}, new int[] {2, 5}, 4);
        assertEquals((3 + 4) * 2, a.get());
        assertEquals((3 + 4) * 5, b.get());
        assertEquals(4, micros[0].length);
        assertEquals(2.5, DecodeCpu.median(new double[] {4, 1, 2, 3}));
        assertEquals(2.0, DecodeCpu.median(new double[] {3, 1, 2}));
    }
}
