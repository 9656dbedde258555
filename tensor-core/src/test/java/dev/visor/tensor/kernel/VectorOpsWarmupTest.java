package dev.visor.tensor.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The operator warm-up of {@link VectorSupport}: it runs once, only on the vector path, its property
 * is checked, and it covers every operator the kernels of tensor-core and attention use (read from
 * their sources), so that no kernel meets an operator the JDK's dispatch has not yet seen.
 */
class VectorOpsWarmupTest {
    /** Vector API methods that name an operator (lanewise, comparison, blend, shuffle, reinterpretation). */
    private static final Map<String, String> METHOD_KINDS = Map.ofEntries(
            Map.entry("add", "ADD"), Map.entry("sub", "SUB"), Map.entry("mul", "MUL"), Map.entry("div", "DIV"),
            Map.entry("max", "MAX"), Map.entry("min", "MIN"), Map.entry("fma", "FMA"), Map.entry("neg", "NEG"),
            Map.entry("abs", "ABS"), Map.entry("and", "AND"), Map.entry("or", "OR"), Map.entry("not", "NOT"),
            Map.entry("lt", "LT"), Map.entry("eq", "EQ"), Map.entry("sqrt", "SQRT"), Map.entry("pow", "POW"),
            Map.entry("blend", "blend"), Map.entry("rearrange", "rearrange"), Map.entry("lane", "lane"),
            Map.entry("reinterpretAsInts", "reinterpretAsInts"), Map.entry("reinterpretAsFloats", "reinterpretAsFloats"),
            Map.entry("reinterpretAsLongs", "reinterpretAsLongs"), Map.entry("convert", "convert"),
            Map.entry("convertShape", "convertShape"), Map.entry("castShape", "castShape"),
            Map.entry("selectFrom", "selectFrom"), Map.entry("slice", "slice"), Map.entry("unslice", "unslice"));
    private static final Pattern OPERATOR = Pattern.compile("VectorOperators\\.([A-Z][A-Z_0-9]*)");
    private static final Pattern METHOD = Pattern.compile("(\\w*)\\.([a-zA-Z]+)\\(");
    private static final Pattern MASK_FROM_ARRAY = Pattern.compile("VectorMask\\.fromArray\\(");

    @Test
    void runsOnceAndOnlyOnTheVectorPath() {
        if (!VectorSupport.available()) {
            return;   // VectorOpsWarmup references the Vector API: it must not even be loaded here
        }
        boolean on = KernelProperties.bool(VectorSupport.WARMUP_PROPERTY, true);
        assertEquals(on ? 1 : 0, VectorOpsWarmup.runs(), "runs after VectorSupport's initialiser");
        VectorOpsWarmup.run();
        VectorOpsWarmup.run();
        assertEquals(1, VectorOpsWarmup.runs(), "a second and third call must not run it again");
        assertTrue(VectorOpsWarmup.nanos() >= VectorOpsWarmup.firstRoundNanos() && VectorOpsWarmup.firstRoundNanos() > 0,
                "its cost is recorded: " + VectorOpsWarmup.nanos() + " ns in all, " + VectorOpsWarmup.firstRoundNanos() + " ns the first round");
    }

    @Test
    void itCoversEveryOperatorTheKernelsUse() {
        if (!VectorSupport.available()) {
            return;   // loading VectorOpsWarmup needs the Vector API; the vector runs of this test cover it
        }
        Set<String> covered = VectorOpsWarmup.KINDS.stream().map(VectorOpsWarmupTest::operatorOf).collect(Collectors.toSet());
        Map<String, Set<String>> used = new TreeMap<>();
        for (Path root : new Path[] {Path.of("src/main/java"), Path.of("../attention/src/main/java")}) {
            assertTrue(Files.isDirectory(root), root.toAbsolutePath() + " missing: the test runs from tensor-core's directory");
            for (Path file : vectorSources(root)) {
                for (String kind : kindsUsed(read(file))) {
                    used.computeIfAbsent(kind, k -> new TreeSet<>()).add(file.getFileName().toString());
                }
            }
        }
        assertTrue(used.keySet().containsAll(Set.of("FMA", "ADD", "MAX", "LT", "blend", "ASHR")),
                "the source scan found too little: " + used);
        Map<String, Set<String>> missing = new TreeMap<>(used);
        missing.keySet().removeAll(covered);
        assertEquals(Map.of(), missing, "operators the kernels use (with the files) that VectorOpsWarmup.KINDS lacks");
    }

    @Test
    void theSourceScanSeesOperatorsAndIgnoresScalarMath() {
        Set<String> kinds = kindsUsed("float m = Math.max(a, b); v.abs().lanewise(VectorOperators.EXP).lt(w);"
                + " VectorMask.fromArray(S, keep, 0); list.size();");
        assertEquals(Set.of("ABS", "EXP", "LT", "mask.fromArray"), kinds);
    }

    /** The operators a kernel source uses: {@code VectorOperators.X} names and operator-naming methods. */
    static Set<String> kindsUsed(String source) {
        Set<String> out = new TreeSet<>();
        Matcher op = OPERATOR.matcher(source);
        while (op.find()) {
            out.add(op.group(1));
        }
        Matcher m = METHOD.matcher(source);
        while (m.find()) {
            boolean scalarMath = m.group(1).equals("Math") || m.group(1).equals("StrictMath");
            if (!scalarMath && METHOD_KINDS.containsKey(m.group(2))) {
                out.add(METHOD_KINDS.get(m.group(2)));
            }
        }
        if (MASK_FROM_ARRAY.matcher(source).find()) {
            out.add("mask.fromArray");
        }
        return out;
    }

    /** {@code float.ADD/vector} → {@code ADD}; {@code mask.fromArray} stays whole. */
    private static String operatorOf(String kind) {
        if (kind.startsWith("mask.")) return kind;
        String op = kind.substring(kind.indexOf('.') + 1);
        int slash = op.indexOf('/');
        return slash < 0 ? op : op.substring(0, slash);
    }

    /** Main sources that compute with the Vector API, but not the warm-up itself. */
    private static Set<Path> vectorSources(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.getFileName().toString().equals("VectorOpsWarmup.java"))
                    .filter(f -> read(f).contains("import jdk.incubator.vector."))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
