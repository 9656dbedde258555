package dev.visor.example.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.visor.mask.BlockClass;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.MaskShape;
import dev.visor.mask.testkit.MaskOracle;
import org.junit.jupiter.api.Test;

class AxialMaskTest {

    @Test
    void attendsItsRowAndItsColumn() {
        AxialMask m = new AxialMask(4); // a 4×4 grid
        int query = 6;                  // row 1, column 2
        StringBuilder seen = new StringBuilder();
        for (int k = 0; k < 16; k++) seen.append(m.attends(0, 0, query, k) ? '#' : '.').append(k % 4 == 3 ? "\n" : "");
        assertEquals("..#.\n####\n..#.\n..#.\n", seen.toString());
    }

    @Test
    void compiledGridShowsRowBlocksFullAndColumnBlocksPartial() {
        CompiledMask cm = CompiledMask.compile(new AxialMask(4), new MaskShape(1, 1, 16, 16, 0), 4, 4);
        String grid = cm.render().substring(cm.render().indexOf('\n') + 1);
        assertEquals("Fppp\npFpp\nppFp\npppF\n", grid);
        // blocks of 3 straddle rows: e.g. queries 0..2 (row 0) and keys 9..11 (row 2, columns 1..3) share column 1
        CompiledMask odd = CompiledMask.compile(new AxialMask(4), new MaskShape(1, 1, 16, 16, 0), 3, 3);
        long empty = 0;
        for (int qb = 0; qb < odd.queryBlocks(); qb++) {
            for (int kb = 0; kb < odd.keyBlocks(); kb++) {
                BlockClass exact = MaskOracle.classify(odd.mask(), 0, 0, odd.queryFrom(qb), odd.queryTo(qb),
                        odd.keyFrom(kb), odd.keyTo(kb));
                assertEquals(exact, odd.blockClass(0, qb, kb));
                if (exact == BlockClass.EMPTY) empty++;
            }
        }
        assertEquals(empty, odd.count(BlockClass.EMPTY));
    }

    @Test
    void classifyIsExactOnEveryBlockOfSmallGrids() {
        for (int width = 1; width <= 5; width++) {
            AxialMask m = new AxialMask(width);
            for (int q0 = 0; q0 < 12; q0++) {
                for (int q1 = q0 + 1; q1 <= 12; q1++) {
                    for (int k0 = 0; k0 < 12; k0++) {
                        for (int k1 = k0 + 1; k1 <= 12; k1++) {
                            assertEquals(MaskOracle.classify(m, 0, 0, q0, q1, k0, k1), m.classify(0, 0, q0, q1, k0, k1),
                                    "width " + width + " [" + q0 + "," + q1 + ")×[" + k0 + "," + k1 + ")");
                        }
                    }
                }
            }
        }
    }

    @Test
    void widthIsChecked() {
        assertEquals("axial width must be at least 1 but was 0",
                assertThrows(IllegalArgumentException.class, () -> new AxialMask(0)).getMessage());
        assertEquals("axial(width=7)", new AxialMask(7).spec());
    }
}
