package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code -Dvisor.parkModeMillis} sets how long the kernel threads park between splits after a late
 * one (read once, so each case runs in a child JVM that prints {@link Parallel#PARK_MODE_NANOS}).
 */
class ParkModePropertyTest {
    /** The child: prints the park mode's length in nanoseconds. */
    public static void main(String[] args) {
        System.out.println("park-mode-nanos=" + Parallel.PARK_MODE_NANOS);
    }

    @Test
    void theParkModesLengthComesFromThePropertyAndZeroTurnsItOff() throws Exception {
        assertEquals(100_000_000L, Parallel.PARK_MODE_NANOS, "the default, in this JVM");
        assertTrue(child("-Dvisor.parkModeMillis=7").contains("park-mode-nanos=7000000"));
        assertTrue(child("-Dvisor.parkModeMillis=0").contains("park-mode-nanos=0"));
        String bad = child("-Dvisor.parkModeMillis=-1");
        assertTrue(bad.contains("-Dvisor.parkModeMillis must be at least 0, got -1"), bad);
    }

    private static String child(String property) throws Exception {
        return ChildJvm.run(ParkModePropertyTest.class, property);
    }
}
