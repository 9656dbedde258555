package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.visor.mask.builtin.GlobalMask;
import dev.visor.mask.builtin.RandomMask;
import dev.visor.mask.builtin.SlidingWindowMask;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MaskArgumentsTest {

    @Test
    void defaultsAreFilledAndTypedGettersWork() {
        MaskArguments args = MaskArguments.of(new RandomMask.Strategy(), Map.of("density", 1, "seed", 5L));
        assertEquals(1.0, args.getNumber("density"));
        assertEquals(5, args.getInt("seed"));
        assertEquals(64, args.getInt("block"));
        assertEquals(false, args.getBoolean("per_head"));
        assertEquals(List.of("density", "seed", "block", "per_head"), List.copyOf(args.values().keySet()));
        assertEquals("random(density=1.0, seed=5, block=64, per_head=false)", args.toSpec());
        assertEquals(args, MaskArguments.of(new RandomMask.Strategy(), Map.of("density", 1.0, "seed", 5)));
    }

    @Test
    void intListsAcceptArraysAndAreCopiedOut() {
        MaskArguments args = MaskArguments.of(new GlobalMask.Strategy(), Map.of("positions", new int[] {3, 1}));
        int[] p = args.getIntList("positions");
        assertArrayEquals(new int[] {3, 1}, p);
        p[0] = 9;
        assertArrayEquals(new int[] {3, 1}, args.getIntList("positions"));
    }

    @Test
    void mistakesAreReportedWithValues() {
        MaskStrategy window = new SlidingWindowMask.Strategy();
        assertEquals("unknown parameter 'lefft' for mask 'sliding_window'; did you mean 'left'? parameters: [left, right]",
                assertThrows(IllegalArgumentException.class, () -> MaskArguments.of(window, Map.of("lefft", 1)))
                        .getMessage());
        assertEquals("parameter 'left' of mask 'sliding_window' expects an int but got a number 1.5",
                assertThrows(IllegalArgumentException.class, () -> MaskArguments.of(window, Map.of("left", 1.5)))
                        .getMessage());
        assertEquals("parameter 'left' of mask 'sliding_window' expects an int but got a number 3.0E9",
                assertThrows(IllegalArgumentException.class, () -> MaskArguments.of(window, Map.of("left", 3_000_000_000L)))
                        .getMessage());
        assertEquals("mask 'sliding_window' needs parameter 'left' (an int: keys before the query, inclusive)",
                assertThrows(IllegalArgumentException.class, () -> MaskArguments.defaults(window)).getMessage());
        MaskArguments ok = MaskArguments.of(window, Map.of("left", 2));
        assertEquals("mask 'sliding_window' has no parameter 'rihgt'; did you mean 'right'? parameters: [left, right]",
                assertThrows(IllegalArgumentException.class, () -> ok.getInt("rihgt")).getMessage());
        assertEquals("parameter 'left' of mask 'sliding_window' is an int, not a boolean",
                assertThrows(IllegalArgumentException.class, () -> ok.getBoolean("left")).getMessage());
    }

    @Test
    void parameterDeclarationsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> MaskParameter.required("Left", ParameterType.INT, "x"));
        assertThrows(IllegalArgumentException.class, () -> MaskParameter.optional("left", ParameterType.INT, "3", "x"));
        assertEquals(List.of(1, 2), MaskParameter.optional("ids", ParameterType.INT_LIST, new int[] {1, 2}, "x")
                .defaultValue());
        assertEquals("\"a\\\"b\"", ParameterType.STRING.format("a\"b"));
        assertEquals("[1, 2]", ParameterType.INT_LIST.format(List.of(1, 2)));
        assertThrows(IllegalArgumentException.class, () -> ParameterType.BOOLEAN.format(1));
        assertEquals(null, ParameterType.NUMBER.coerce(Double.POSITIVE_INFINITY));
        assertEquals(null, ParameterType.INT_LIST.coerce(List.of("a")));
    }
}
