package dev.visor.mask;

import static dev.visor.mask.BlockClass.EMPTY;
import static dev.visor.mask.BlockClass.FULL;
import static dev.visor.mask.BlockClass.PARTIAL;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BlockClassTest {

    @Test
    void truthTables() {
        assertEquals(EMPTY, EMPTY.and(FULL));
        assertEquals(EMPTY, PARTIAL.and(EMPTY));
        assertEquals(FULL, FULL.and(FULL));
        assertEquals(PARTIAL, FULL.and(PARTIAL));
        assertEquals(PARTIAL, PARTIAL.and(PARTIAL));
        assertEquals(FULL, EMPTY.or(FULL));
        assertEquals(FULL, PARTIAL.or(FULL));
        assertEquals(EMPTY, EMPTY.or(EMPTY));
        assertEquals(PARTIAL, EMPTY.or(PARTIAL));
        assertEquals(FULL, EMPTY.not());
        assertEquals(EMPTY, FULL.not());
        assertEquals(PARTIAL, PARTIAL.not());
        assertEquals(FULL, BlockClass.of(true, true));
        assertEquals(PARTIAL, BlockClass.of(true, false));
        assertEquals(EMPTY, BlockClass.of(false, false));
    }

    @Test
    void kleeneLawsHoldExhaustively() {
        for (BlockClass a : BlockClass.values()) {
            assertEquals(a, a.not().not());
            assertEquals(a, a.and(a));
            assertEquals(a, a.or(a));
            for (BlockClass b : BlockClass.values()) {
                assertEquals(a.and(b), b.and(a));
                assertEquals(a.or(b), b.or(a));
                assertEquals(a.and(b).not(), a.not().or(b.not()));
                assertEquals(a.or(b).not(), a.not().and(b.not()));
                for (BlockClass c : BlockClass.values()) {
                    assertEquals(a.and(b).and(c), a.and(b.and(c)));
                    assertEquals(a.or(b).or(c), a.or(b.or(c)));
                }
            }
        }
    }

    /** Soundness: if x, y are sound classes of two element sets, the combination is sound for the combined set. */
    @Test
    void combinationsAreSoundForEveryPairOfElementPatterns() {
        // a block of two elements; a pattern is which of the two attend
        boolean[][] patterns = {{false, false}, {true, false}, {false, true}, {true, true}};
        for (boolean[] x : patterns) {
            for (boolean[] y : patterns) {
                boolean[] and = {x[0] && y[0], x[1] && y[1]};
                boolean[] or = {x[0] || y[0], x[1] || y[1]};
                boolean[] not = {!x[0], !x[1]};
                BlockClass cx = exact(x);
                BlockClass cy = exact(y);
                assertSound(cx.and(cy), and);
                assertSound(cx.or(cy), or);
                assertSound(cx.not(), not);
                assertSound(PARTIAL.and(cy), and);
                assertSound(cx.or(PARTIAL), or);
            }
        }
    }

    private static BlockClass exact(boolean[] p) {
        return BlockClass.of(p[0] || p[1], p[0] && p[1]);
    }

    private static void assertSound(BlockClass c, boolean[] p) {
        if (c == EMPTY) assertEquals(false, p[0] || p[1]);
        if (c == FULL) assertEquals(true, p[0] && p[1]);
    }
}
