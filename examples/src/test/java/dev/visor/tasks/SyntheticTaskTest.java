package dev.visor.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticTaskTest {

    @Test
    void everyTaskComputesItsAnswer() {
        Rng rng = new Rng(3);
        for (SyntheticTask task : SyntheticTask.values()) {
            for (int i = 0; i < 200; i++) {
                Example e = task.sample(rng, 1, 6, 7);
                assertEquals(task.answer(e.source()), e.target(), task + " " + e);
                Vocabulary v = task.vocabulary(7);
                v.encode(e.source());
                v.encode(e.target());
                assertTrue(e.source().size() <= task.longestSequence(6));
            }
        }
    }

    @Test
    void theAnswersAreTheDefinitions() {
        List<String> src = List.of("c", "a", "b", "a");
        List<String> reversed = new ArrayList<>(src);
        Collections.reverse(reversed);
        assertEquals(reversed, SyntheticTask.REVERSE.answer(src));
        assertEquals(src, SyntheticTask.COPY.answer(src));
        assertEquals(List.of("a", "a", "b", "c"), SyntheticTask.SORT.answer(src));
        assertEquals(List.of("1", "0", "2", "2"), SyntheticTask.ADD.answer(List.of("9", "9", "9", "+", "2", "3")));
        Rng rng = new Rng(11);
        for (int i = 0; i < 500; i++) {
            Example e = SyntheticTask.ADD.sample(rng, 1, 5, 0);
            String s = String.join("", e.source());
            long a = Long.parseLong(s.substring(0, s.indexOf('+')));
            long b = Long.parseLong(s.substring(s.indexOf('+') + 1));
            assertEquals(Long.toString(a + b), String.join("", e.target()));
            assertFalse(s.startsWith("0") && s.indexOf('+') > 1, "no leading zeros: " + s);
        }
    }

    @Test
    void lengthsStayInBounds() {
        Rng rng = new Rng(5);
        for (int i = 0; i < 500; i++) {
            int n = SyntheticTask.REVERSE.sample(rng, 3, 5, 4).source().size();
            assertTrue(n >= 3 && n <= 5, "length " + n);
        }
    }

    @Test
    void parsingNamesTheTasks() {
        assertEquals(SyntheticTask.SORT, SyntheticTask.parse("SORT"));
        assertEquals("unknown task 'revers'; did you mean 'reverse'? available: [reverse, copy, sort, add]",
                assertThrows(IllegalArgumentException.class, () -> SyntheticTask.parse("revers")).getMessage());
        assertEquals("unknown task 'translate'; available: [reverse, copy, sort, add]",
                assertThrows(IllegalArgumentException.class, () -> SyntheticTask.parse("translate")).getMessage());
    }

    @Test
    void badArgumentsAreNamed() {
        Rng rng = new Rng(1);
        assertThrows(IllegalArgumentException.class, () -> SyntheticTask.COPY.sample(rng, 0, 3, 4));
        assertThrows(IllegalArgumentException.class, () -> SyntheticTask.COPY.sample(rng, 4, 3, 4));
        assertThrows(IllegalArgumentException.class, () -> SyntheticTask.COPY.sample(rng, 1, 3, 27));
        assertThrows(IllegalArgumentException.class, () -> SyntheticTask.ADD.sample(rng, 1, 10, 0));
        assertThrows(IllegalArgumentException.class, () -> SyntheticTask.ADD.answer(List.of("1", "+")));
    }

    @Test
    void theHeldOutSetIsDistinctAndNeverDrawnForTraining() {
        Split split = Split.of(SyntheticTask.REVERSE, 3, 1, 6, 100, 9);
        assertEquals(100, split.test().size());
        assertEquals(100, split.test().stream().map(Example::source).distinct().count());
        Rng rng = new Rng(2);
        for (int i = 0; i < 5000; i++) assertFalse(split.isHeldOut(split.nextTraining(rng).source()));
        assertEquals(split.test(), Split.of(SyntheticTask.REVERSE, 3, 1, 6, 100, 9).test(), "seeded");
    }

    @Test
    void aTaskTooSmallToHoldOutIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Split.of(SyntheticTask.COPY, 2, 1, 2, 10, 0));
        assertEquals("copy with lengths 1..2 over 2 symbols has only 6 distinct inputs: too few to hold out 10 "
                + "and still train on the rest (at most a tenth may be held out)", e.getMessage());
    }

    @Test
    void vocabularies() {
        Vocabulary v = SyntheticTask.REVERSE.vocabulary(3);
        assertEquals(List.of("<pad>", "<s>", "</s>", "a", "b", "c"), v.tokens());
        assertEquals(0, v.padId());
        assertEquals(1, v.bosId());
        assertEquals(2, v.eosId());
        assertEquals("cab", v.decode(new int[] {1, 5, 3, 4, 2, 3, 0}));
        assertEquals(List.of(5, 3), List.of(v.encode("ca")[0], v.encode("ca")[1]));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> v.encode("cz")).getMessage()
                .startsWith("character 'z' at position 1 of \"cz\" is not in the vocabulary"));
        Vocabulary text = Vocabulary.characters("hello\n");
        assertEquals(List.of("\n", "e", "h", "l", "o"), text.symbols());
        assertEquals("hello\n", text.decode(text.encode("hello\n")));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("a", "a")));
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of("<s>")));
        assertEquals("a bb", Vocabulary.of(List.of("a", "bb")).decode(new int[] {3, 4}));
        assertTrue(text.isCharacterLevel());
        assertFalse(Vocabulary.of(List.of("a", "bb")).isCharacterLevel());
        assertThrows(IllegalStateException.class, () -> Vocabulary.of(List.of("a", "bb")).encode("ab"));
    }
}
