package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class CompiledMaskProperties {

    @Provide
    Arbitrary<TestMasks.Case> cases() {
        Arbitrary<Function<MaskContext, Mask>> trees = TestMasks.trees();
        return TestMasks.cases(trees);
    }

    @Property
    void everyBlockIsClassifiedSoundlyAndEveryAttendingElementIsCovered(@ForAll("cases") TestMasks.Case c,
            @ForAll @IntRange(min = 1, max = 9) int bq, @ForAll @IntRange(min = 1, max = 9) int bk) {
        Mask m = c.mask();
        MaskShape shape = c.context().shape();
        CompiledMask cm = CompiledMask.compile(m, shape, bq, bk);
        long attending = 0;
        long covered = 0;
        for (int b = 0; b < shape.batch(); b++) {
            for (int h = 0; h < shape.heads(); h++) {
                int s = cm.slice(b, h);
                for (int qb = 0; qb < cm.queryBlocks(); qb++) {
                    for (int kb = 0; kb < cm.keyBlocks(); kb++) {
                        BlockClass exact = TestMasks.enumerate(m, b, h, cm.queryFrom(qb), cm.queryTo(qb),
                                cm.keyFrom(kb), cm.keyTo(kb));
                        BlockClass compiled = cm.blockClass(s, qb, kb);
                        assertEquals(m.classify(b, h, cm.queryFrom(qb), cm.queryTo(qb), cm.keyFrom(kb), cm.keyTo(kb)),
                                compiled);
                        String where = "block " + qb + "," + kb + " of " + c;
                        assertTrue(TestMasks.sound(compiled, exact), () -> where + " compiled " + compiled + " but is " + exact);
                        if (compiled != BlockClass.EMPTY) {
                            covered += (long) (cm.queryTo(qb) - cm.queryFrom(qb)) * (cm.keyTo(kb) - cm.keyFrom(kb));
                        }
                        for (int q = cm.queryFrom(qb); q < cm.queryTo(qb); q++) {
                            for (int k = cm.keyFrom(kb); k < cm.keyTo(kb); k++) if (m.attends(b, h, q, k)) attending++;
                        }
                    }
                }
            }
        }
        assertEquals((double) covered / shape.elements(), cm.density(), 1e-12);
        assertEquals((double) attending / shape.elements(), cm.elementDensity(), 1e-12);
        assertEquals((long) shape.batch() * shape.heads() * cm.queryBlocks() * cm.keyBlocks(),
                cm.count(BlockClass.EMPTY) + cm.count(BlockClass.PARTIAL) + cm.count(BlockClass.FULL));
    }

    @Property
    void rowsAscendAndColumnsAreTheirTranspose(@ForAll("cases") TestMasks.Case c,
            @ForAll @IntRange(min = 1, max = 7) int bq, @ForAll @IntRange(min = 1, max = 7) int bk) {
        CompiledMask cm = CompiledMask.compile(c.mask(), c.context().shape(), bq, bk);
        int entries = 0;
        for (int s = 0; s < cm.slices(); s++) {
            BlockClass[][] rows = new BlockClass[cm.queryBlocks()][cm.keyBlocks()];
            for (int qb = 0; qb < cm.queryBlocks(); qb++) {
                int previous = -1;
                for (int e = cm.rowStart(s, qb); e < cm.rowEnd(s, qb); e++) {
                    assertTrue(cm.keyBlockAt(e) > previous);
                    previous = cm.keyBlockAt(e);
                    rows[qb][previous] = cm.fullAt(e) ? BlockClass.FULL : BlockClass.PARTIAL;
                    entries++;
                }
            }
            for (int kb = 0; kb < cm.keyBlocks(); kb++) {
                int previous = -1;
                int seen = 0;
                for (int e = cm.columnStart(s, kb); e < cm.columnEnd(s, kb); e++) {
                    int qb = cm.queryBlockAt(e);
                    assertTrue(qb > previous);
                    previous = qb;
                    assertEquals(rows[qb][kb], cm.columnFullAt(e) ? BlockClass.FULL : BlockClass.PARTIAL);
                    seen++;
                }
                int expected = 0;
                for (int qb = 0; qb < cm.queryBlocks(); qb++) if (rows[qb][kb] != null) expected++;
                assertEquals(expected, seen);
            }
        }
        assertEquals(cm.entries(), entries);
    }

    @Property
    void collapsedSlicesAreOnlyUsedWhenTheMaskIsIndependent(@ForAll("cases") TestMasks.Case c) {
        Mask m = c.mask();
        MaskShape shape = c.context().shape();
        CompiledMask cm = CompiledMask.compile(m, shape, 4, 4);
        assertEquals((m.dependsOnBatch() ? shape.batch() : 1) * (m.dependsOnHead() ? shape.heads() : 1), cm.slices());
        for (int b = 0; b < shape.batch(); b++) {
            for (int h = 0; h < shape.heads(); h++) {
                int s = cm.slice(b, h);
                assertTrue(s >= 0 && s < cm.slices());
                for (int q = shape.queryOffset(); q < shape.queryEnd(); q++) {
                    for (int k = 0; k < shape.keyLength(); k++) {
                        if (!m.dependsOnBatch()) assertEquals(m.attends(0, h, q, k), m.attends(b, h, q, k));
                        if (!m.dependsOnHead()) assertEquals(m.attends(b, 0, q, k), m.attends(b, h, q, k));
                    }
                }
            }
        }
    }
}
