package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.visor.mask.builtin.Builtins;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * The project's grammar-aware spec fuzzer: random derivations of the spec grammar (valid and
 * almost-valid names, every value type with extreme values, long chains, deep nesting, long tokens),
 * then random character-level mutations. Each string goes through {@link MaskSpec#parse},
 * {@link MaskRegistry#parse} and {@link MaskRegistry#create}; only the documented exceptions may come
 * out ({@link MaskSpecException}; {@link IllegalArgumentException} from {@code create} for a context
 * that lacks a field), every call must finish within a bound, accepted specs must round-trip through
 * their canonical print, and created masks must classify soundly.
 *
 * <p>Sizes: {@code -Dvisor.fuzz.specs=100000} (default 1,000) strings; {@code -Dvisor.fuzz.seed} picks
 * the run; {@code -Dvisor.fuzz.callMillis} (default 1000) bounds each call.
 */
class SpecFuzzTest {
    private static final int COUNT = Integer.getInteger("visor.fuzz.specs", 1_000);
    private static final long SEED = Long.getLong("visor.fuzz.seed", 20261203L);
    private static final long CALL_MILLIS = Long.getLong("visor.fuzz.callMillis", 1_000);

    private static final List<String> NAMES = List.of("causal", "full", "padding", "query_padding", "document",
            "sliding_window", "prefix_lm", "chunked", "dilated", "global", "random", "token", "casual", "sliding",
            "x", "_", "Causal", "full9");
    private static final List<String> PARAMETERS = List.of("left", "right", "size", "positions", "density", "seed",
            "block", "per_head", "ids", "prefix", "dilation", "lft", "x");
    private static final String NOISE = "()[]!&|,=\"\\-.+eE_ 0123456789azAZ\t\n\u0000\u00e9\ud83d\ude00\uffff#";

    private static final MaskRegistry REGISTRY = Builtins.registry();
    private static final MaskContext CONTEXT = MaskContext.builder(2, 2, 8, 8)
            .validLengths(8, 5)
            .tokenIds(new int[][] {{1, 7, 2, 9, 3, 7, 0, 0}, {7, 7, 1, 2, 3, 4, 5, 6}})
            .segmentIds(new int[][] {{0, 0, 1, 1, 1, 2, 2, 2}, {5, 4, 4, 3, 3, 3, 3, 9}})
            .build();
    private static final MaskContext BARE = MaskContext.of(CONTEXT.shape());

    private static final List<String> LEAVES = List.of("full", "causal", "padding", "query_padding", "document",
            "sliding_window(left=3)", "sliding_window(right=2, left=0)", "prefix_lm(prefix=4)", "chunked(size=5)",
            "dilated(left=8, dilation=3)", "global(positions=[0, 5, 5])", "random(density=1)",
            "random(seed=-4, density=0.5, per_head=true, block=2)", "token(ids=[7])", "token(ids=[])");

    private final Random random = new Random(SEED);
    /** One huge token (name, number, string or list) per spec at most, so a run stays fast. */
    private boolean bigUsed;

    @Test
    void fuzzedSpecsGiveOnlyDocumentedExceptionsWithinTheBound() {
        int parsed = 0;
        int created = 0;
        for (int i = 0; i < COUNT; i++) {
            bigUsed = false;
            String text = random.nextInt(3) == 0 ? mutate(spec(0)) : spec(0);
            try {
                if (check(text)) parsed++;
                if (create(text, CONTEXT)) created++;
                create(text, BARE);
            } catch (AssertionError e) {
                throw new AssertionError("fuzz case " + i + " (seed " + SEED + "): " + excerpt(text), e);
            }
        }
        // the generator must reach both the accepting and the refusing paths, or it tests too little
        if (parsed < COUNT / 10 || created < COUNT / 20 || parsed > COUNT - COUNT / 10) {
            fail("fuzzer is unbalanced: " + parsed + " parsed, " + created + " created of " + COUNT);
        }
    }

    /** Syntax and registry checks; true if the registry accepted the spec. */
    private boolean check(String text) {
        MaskSpec syntax = bounded("MaskSpec.parse", () -> MaskSpec.parse(text), false);
        if (syntax != null) {
            String printed = bounded("toString", syntax::toString, false);
            assertEquals(syntax, MaskSpec.parse(printed), "syntax round trip");
            assertEquals(syntax.hashCode(), MaskSpec.parse(printed).hashCode());
        }
        MaskSpec resolved = bounded("MaskRegistry.parse", () -> REGISTRY.parse(text), false);
        if (resolved == null) return false;
        if (syntax == null) fail("the registry accepted what the parser refused");
        String canonical = resolved.toString();
        assertEquals(resolved, REGISTRY.parse(canonical), "registry round trip");
        assertEquals(canonical, REGISTRY.parse(canonical).toString(), "printing is idempotent");
        return true;
    }

    /** Creation and evaluation; true if a mask was created. */
    private boolean create(String text, MaskContext context) {
        Mask mask = bounded("MaskRegistry.create", () -> REGISTRY.create(text, context), true);
        if (mask == null) return false;
        assertEquals(mask, REGISTRY.create(mask.spec(), context), "spec() recreates the mask");
        MaskShape s = context.shape();
        for (int b = 0; b < s.batch(); b++) {
            for (int h = 0; h < s.heads(); h++) {
                int q0 = random.nextInt(8);
                int k0 = random.nextInt(8);
                int q1 = q0 + 1 + random.nextInt(8 - q0);
                int k1 = k0 + 1 + random.nextInt(8 - k0);
                BlockClass c = mask.classify(b, h, q0, q1, k0, k1);
                for (int q = q0; q < q1; q++) {
                    for (int k = k0; k < k1; k++) {
                        boolean a = mask.attends(b, h, q, k);
                        if ((c == BlockClass.FULL && !a) || (c == BlockClass.EMPTY && a)) {
                            fail("classify says " + c + " but attends(" + b + ", " + h + ", " + q + ", " + k + ") is " + a);
                        }
                    }
                }
            }
        }
        return true;
    }

    /**
     * Runs a call; a documented exception gives null, anything else or an overlong call fails. A call
     * over the bound is timed once more and fails only if it is over again: on a shared machine a
     * single wall-clock time also counts the moments other processes held the cores.
     */
    private static <T> T bounded(String what, Callable<T> call, boolean contextErrors) {
        long start = System.nanoTime();
        T result = run(what, call, contextErrors);
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (millis > CALL_MILLIS) {
            long again = System.nanoTime();
            run(what, call, contextErrors);
            long millisAgain = (System.nanoTime() - again) / 1_000_000;
            if (millisAgain > CALL_MILLIS) {
                fail(what + " took " + millis + " ms and then " + millisAgain + " ms (bound " + CALL_MILLIS + " ms)");
            }
        }
        return result;
    }

    private static <T> T run(String what, Callable<T> call, boolean contextErrors) {
        try {
            return call.call();
        } catch (MaskSpecException e) {
            if (e.getMessage().length() > 2_000) fail(what + " gave a message of " + e.getMessage().length() + " chars");
            return null;
        } catch (IllegalArgumentException e) {
            if (contextErrors && e.getMessage().contains("needs the context key")) return null;
            throw new AssertionError(what + " threw an undocumented " + e, e);
        } catch (Throwable e) {
            throw new AssertionError(what + " threw " + e, e);
        }
    }

    // ---- generator: a random derivation of the grammar in MaskSpec's javadoc ----

    private String spec(int depth) {
        int r = random.nextInt(100);
        if (depth > 4 || r < 45) return call();
        if (r < 55) return "!" + ws() + spec(depth + 1);
        if (r < 65) return "(" + ws() + spec(depth + 1) + ws() + ")";
        if (r < 68) return nested(depth);
        boolean longChain = r < 69 && !bigUsed;
        bigUsed |= longChain;
        int n = longChain ? 100 + random.nextInt(2_000) : 2 + random.nextInt(3);
        String op = random.nextBoolean() ? "&" : "|";
        StringBuilder b = new StringBuilder(longChain ? pick(LEAVES) : spec(depth + 1));
        for (int i = 1; i < n; i++) {
            b.append(ws()).append(op).append(ws()).append(longChain ? pick(LEAVES) : spec(depth + 1));
        }
        return b.toString();
    }

    /** Nesting around the depth limit, by parentheses or negations. */
    private String nested(int depth) {
        int levels = MaskSpec.MAX_DEPTH - 3 + random.nextInt(8) - depth;
        if (random.nextBoolean()) return "!".repeat(Math.max(0, levels)) + call();
        return "(".repeat(Math.max(0, levels)) + call() + ")".repeat(Math.max(0, levels));
    }

    private String call() {
        if (random.nextInt(10) < 6) return pick(LEAVES);
        String name = big(50) ? "c".repeat(1 + random.nextInt(200_000)) : pick(NAMES);
        int r = random.nextInt(4);
        if (r == 0) return name;
        if (r == 1) return name + "(" + ws() + ")";
        StringBuilder b = new StringBuilder(name).append('(');
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(',').append(ws());
            b.append(pick(PARAMETERS)).append(ws()).append('=').append(ws()).append(value());
        }
        return b.append(')').toString();
    }

    private String value() {
        return switch (random.nextInt(9)) {
            case 0 -> Integer.toString(random.nextInt(20) - 3);
            case 1 -> pick(List.of("2147483647", "-2147483648", "2147483648", "99999999999999999999", "0", "-0"));
            case 2 -> pick(List.of("0.5", "1e-3", "1E308", "1e309", "-0.0", "0.0000001", "1", "2.5e+2", "4.9e-324"));
            case 3 -> "1" + "0".repeat(big(5) ? random.nextInt(100_000) : random.nextInt(12)) + (random.nextBoolean() ? ".5" : "");
            case 4 -> random.nextBoolean() ? "true" : "false";
            case 5 -> "\"" + pick(List.of("", "a", "\\\"", "\\\\", "x".repeat(big(5) ? random.nextInt(50_000) : 3))) + "\"";
            case 6 -> list(random.nextInt(5));
            case 7 -> list(big(5) ? random.nextInt(20_000) : 6);
            default -> "[" + Integer.toString(random.nextInt(8)) + "]";
        };
    }

    /** True with probability 1/oneIn, at most once per spec. */
    private boolean big(int oneIn) {
        if (bigUsed || random.nextInt(oneIn) != 0) return false;
        bigUsed = true;
        return true;
    }

    private String list(int n) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            if (i > 0) b.append(", ");
            b.append(random.nextInt(10) == 0 ? random.nextInt() : random.nextInt(10));
        }
        return b.append(']').toString();
    }

    private String ws() {
        return switch (random.nextInt(6)) {
            case 0 -> "";
            case 1 -> "  ";
            case 2 -> "\t";
            default -> " ";
        };
    }

    private String mutate(String s) {
        StringBuilder b = new StringBuilder(s);
        int n = 1 + random.nextInt(3);
        for (int m = 0; m < n; m++) {
            int at = random.nextInt(b.length() + 1);
            switch (random.nextInt(5)) {
                case 0 -> b.insert(at, NOISE.charAt(random.nextInt(NOISE.length())));
                case 1 -> { if (at < b.length()) b.deleteCharAt(at); }
                case 2 -> { if (at < b.length()) b.setCharAt(at, NOISE.charAt(random.nextInt(NOISE.length()))); }
                case 3 -> b.setLength(at);
                default -> {
                    int to = Math.min(b.length(), at + random.nextInt(20));
                    b.insert(at, b.substring(at, to));
                }
            }
        }
        return b.toString();
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    private static String excerpt(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "... (" + text.length() + " chars)";
    }
}
