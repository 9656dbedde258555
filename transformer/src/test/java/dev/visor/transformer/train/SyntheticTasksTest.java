package dev.visor.transformer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import org.junit.jupiter.api.Test;

/** The synthetic tasks answer by their definitions; addition is checked against long arithmetic. */
class SyntheticTasksTest {
    static final int D = SyntheticTasks.FIRST_TOKEN;

    static long value(int[] tokens, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) v = v * 10 + tokens[i] - D;
        return v;
    }

    @Test
    void additionSumsTwoNumbersWithoutLeadingZeros() {
        SyntheticTasks add = SyntheticTasks.add(1, 9);
        Rng rng = new Rng(4);
        for (int i = 0; i < 500; i++) {
            int[] s = add.source(rng);
            int plus = java.util.stream.IntStream.range(0, s.length).filter(k -> s[k] == SyntheticTasks.PLUS).findFirst().orElseThrow();
            assertTrue(plus >= 1 && plus <= 9 && s.length - plus - 1 >= 1 && s.length - plus - 1 <= 9, java.util.Arrays.toString(s));
            assertTrue(plus == 1 || s[0] != D, "no leading zero");
            int[] sum = add.answer(s);
            assertEquals(value(s, 0, plus) + value(s, plus + 1, s.length), value(sum, 0, sum.length));
        }
        assertArrayEquals(new int[] {D + 1, D, D + 2, D + 2}, add.answer(new int[] {D + 9, D + 9, D + 9, SyntheticTasks.PLUS, D + 2, D + 3}),
                "999+23 = 1022");
        assertEquals(SyntheticTasks.PLUS + 1, add.vocab());
    }

    @Test
    void badAdditionsAndLengthsAreRejected() {
        SyntheticTasks add = SyntheticTasks.add(1, 3);
        assertThrows(IllegalArgumentException.class, () -> add.answer(new int[] {D + 1, SyntheticTasks.PLUS}));
        assertThrows(IllegalArgumentException.class, () -> add.answer(new int[] {D + 1, D + 2}));
        assertThrows(IllegalArgumentException.class, () -> add.answer(new int[] {D + 1, SyntheticTasks.PLUS, 1}));
        assertEquals("add supports operands of at most 9 digits but maxLength is 10",
                assertThrows(IllegalArgumentException.class, () -> SyntheticTasks.add(1, 10)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> SyntheticTasks.named("add", 0, 3, 2));
        assertThrows(IllegalArgumentException.class, () -> SyntheticTasks.named("shuffle", 10, 1, 2));
    }

    @Test
    void stringTasksPermuteTheirSource() {
        int[] s = {D + 2, D, D + 1, D};
        assertArrayEquals(s, SyntheticTasks.copy(10, 1, 4).answer(s));
        assertArrayEquals(new int[] {D, D + 1, D, D + 2}, SyntheticTasks.reverse(10, 1, 4).answer(s));
        assertArrayEquals(new int[] {D, D, D + 1, D + 2}, SyntheticTasks.sort(10, 1, 4).answer(s));
    }
}
