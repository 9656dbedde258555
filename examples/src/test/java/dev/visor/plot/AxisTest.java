package dev.visor.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class AxisTest {

    @Test
    void cellsAndGroups() {
        assertEquals(3, Axis.of("k", 10).grouped(4).cells());
        assertEquals(10, Axis.of("k", 10).cells());
        assertEquals(1, Axis.groupFor(512, 512));
        assertEquals(2, Axis.groupFor(513, 512));
        assertEquals(128, Axis.groupFor(65_536, 512));
        Axis a = Axis.of("q", 4).startingAt(12).grid(2).labels(List.of("a", "b", "c", "d"));
        assertEquals(new Axis("q", 12, 4, 1, List.of("a", "b", "c", "d"), 2), a);
    }

    @Test
    void badAxesNameTheProblem() {
        assertEquals("axis 'k' needs at least 1 position but got 0",
                assertThrows(IllegalArgumentException.class, () -> Axis.of("k", 0)).getMessage());
        assertEquals("axis 'k' has 3 positions but 2 labels",
                assertThrows(IllegalArgumentException.class, () -> Axis.of("k", 3).labels(List.of("a", "b"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Axis.of("k", 3).grouped(0));
        assertThrows(IllegalArgumentException.class, () -> Axis.of("k", 3).startingAt(-1));
        assertThrows(IllegalArgumentException.class, () -> Axis.of("k", 3).grid(-1));
    }
}
