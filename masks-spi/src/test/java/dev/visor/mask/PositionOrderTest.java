package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.builtin.CausalMask;
import dev.visor.mask.builtin.FullMask;
import org.junit.jupiter.api.Test;

/** The kernel-order hint: the residue order's arrangement and how composites pass it on. */
class PositionOrderTest {

    @Test
    void residuesComeInGroupsAscending() {
        assertArrayEquals(new int[] {0, 3, 6, 1, 4, 2, 5}, PositionOrder.byResidue(3).arrange(0, 7));
        // from an offset the groups still follow the residue of the absolute position, 0 first
        assertArrayEquals(new int[] {6, 9, 7, 10, 5, 8}, PositionOrder.byResidue(3).arrange(5, 6));
        assertArrayEquals(new int[] {4}, PositionOrder.byResidue(8).arrange(4, 1));
        assertArrayEquals(new int[0], PositionOrder.byResidue(2).arrange(9, 0));
        assertArrayEquals(new int[] {5, 6, 7}, PositionOrder.natural().arrange(5, 3));
    }

    @Test
    void aModulusOfOneIsNaturalAndBelowOneIsRefused() {
        assertSame(PositionOrder.natural(), PositionOrder.byResidue(1));
        assertTrue(PositionOrder.natural().isNatural());
        assertEquals(new PositionOrder.Residue(4), PositionOrder.byResidue(4));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PositionOrder.byResidue(0));
        assertEquals("a residue order needs a modulus of at least 1 but got 0", e.getMessage());
    }

    /** A causal mask declaring a residue order. */
    record Strided(int stride) implements Mask {
        @Override
        public boolean attends(int batch, int head, int query, int key) {
            return key <= query && (query - key) % stride == 0;
        }

        @Override
        public PositionOrder kernelOrder() {
            return PositionOrder.byResidue(stride);
        }

        @Override
        public String spec() {
            return "strided";
        }
    }

    @Test
    void compositesPassTheFirstDeclaredOrderOn() {
        Mask strided = new Strided(4);
        assertTrue(CausalMask.INSTANCE.kernelOrder().isNatural(), "built-ins keep the natural order");
        assertEquals(PositionOrder.byResidue(4), CausalMask.INSTANCE.and(strided).kernelOrder());
        assertEquals(PositionOrder.byResidue(4), strided.or(new Strided(2)).kernelOrder());
        assertEquals(PositionOrder.byResidue(2), new Strided(2).or(strided).kernelOrder());
        assertEquals(PositionOrder.byResidue(4), strided.not().and(FullMask.INSTANCE).kernelOrder());
        assertTrue(CausalMask.INSTANCE.and(FullMask.INSTANCE).not().kernelOrder().isNatural());
    }
}
