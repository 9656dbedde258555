package dev.visor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.mask.MaskStrategy;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code --plugins} folder holding one good plugin and every kind of bad one: a corrupt jar, a
 * provider whose constructor throws, one whose static initialiser throws, a missing class and a
 * duplicate of a built-in name. The plugins are compiled and jarred here, at test time. {@code masks
 * list} must exit 0, list the good plugin and every built-in, and print one line per bad one naming
 * the jar, the class and the plugin's own message.
 */
class BadPluginJarsTest {
    private static final String PROVIDER = "package p; import dev.visor.mask.*; public final class %s implements MaskStrategy {"
            + " %s public %s() { %s } public String name() { return \"%s\"; }"
            + " public Mask create(MaskArguments a, MaskContext c) { return dev.visor.mask.builtin.FullMask.INSTANCE; } }";

    @TempDir
    static Path tmp;
    static Path plugins;

    @BeforeAll
    static void buildThePlugins() throws IOException, URISyntaxException {
        plugins = Files.createDirectories(tmp.resolve("plugins"));
        jar("good.jar", List.of(provider("Stripe", "", "", "stripe")), List.of("p.Stripe"));
        jar("ctor.jar", List.of(provider("Ctor", "", "throw new IllegalStateException(\"constructor says no\");",
                "ctor")), List.of("p.Ctor"));
        jar("static.jar", List.of(provider("Stat", "static { if (true) throw new IllegalStateException(\"static says no\"); }",
                "", "stat")), List.of("p.Stat"));
        jar("missing.jar", List.of(), List.of("p.Missing"));
        jar("dup.jar", List.of(provider("MyCausal", "", "", "causal")), List.of("p.MyCausal"));
        Files.write(plugins.resolve("corrupt.jar"), "PK\u0003\u0004 not really a zip".getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void everyBadPluginIsOneLineAndTheRestLoad() {
        CliRunner.Result r = CliRunner.run("masks", "list", "--plugins", plugins.toString());
        assertEquals(0, r.exitCode(), r::toString);
        for (String builtin : List.of("causal", "chunked", "dilated", "document", "full", "global", "padding",
                "prefix_lm", "query_padding", "random", "sliding_window", "token", "stripe")) {
            MasksListCommandTest.block(r.out(), builtin);
        }
        assertTrue(MasksListCommandTest.block(r.out(), "stripe").contains("[plugin good.jar]"), r::toString);
        assertTrue(MasksListCommandTest.block(r.out(), "causal").lines().findFirst().orElseThrow().contains("built in"), r::toString);
        List<String> err = r.errLines();
        assertEquals(5, err.size(), r::toString);
        assertEquals(List.of(
                "visor: warning: plugin jar " + plugins.resolve("corrupt.jar") + " skipped: it is not a readable jar (",
                "visor: warning: mask provider p.Ctor in " + plugins.resolve("ctor.jar") + " skipped: Provider p.Ctor could "
                        + "not be instantiated: IllegalStateException: constructor says no",
                "visor: warning: mask provider p.MyCausal in " + plugins.resolve("dup.jar") + " skipped: mask name 'causal' "
                        + "is already provided by dev.visor.mask.builtin.CausalMask$Strategy (built in)",
                "visor: warning: mask provider ? in " + plugins.resolve("missing.jar") + " skipped: Provider p.Missing not found",
                "visor: warning: mask provider p.Stat in " + plugins.resolve("static.jar") + " skipped: Provider p.Stat could "
                        + "not be instantiated: IllegalStateException: static says no"),
                List.of(err.get(0).substring(0, Math.min(err.get(0).length(), err.get(0).indexOf('(') + 1)),
                        err.get(1), err.get(2), err.get(3), err.get(4)), r::toString);
    }

    @Test
    void aGoodPluginStillWorksNextToTheBadOnes() {
        CliRunner.Result r = CliRunner.run("--plugins", plugins.toString(), "masks", "show", "stripe & causal",
                "--query-len", "4", "--block", "2");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of("#...", "##..", "###.", "####"), MasksShowCommandTest.elementRows(r.out()));
        CliRunner.Result dup = CliRunner.run(Map.of(), BadPluginJarsTest.class.getClassLoader(), "--plugins",
                plugins.toString(), "masks", "list", "causal");
        assertTrue(dup.out().startsWith("causal — "), dup::toString);
    }

    private static String provider(String cls, String statics, String ctor, String name) {
        return String.format(PROVIDER, cls, statics, cls, ctor, name);
    }

    /** Compiles sources against the SPI and jars them with a service file listing {@code services}. */
    private static void jar(String name, List<String> sources, List<String> services) throws IOException, URISyntaxException {
        Path src = Files.createDirectories(tmp.resolve(name + "-src/p"));
        Path classes = Files.createDirectories(tmp.resolve(name + "-classes"));
        List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "-classpath",
                Path.of(MaskStrategy.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString(),
                "--release", "17", "-nowarn"));
        for (String source : sources) {
            String cls = source.substring(source.indexOf("class ") + 6, source.indexOf(" implements"));
            args.add(Files.writeString(src.resolve(cls + ".java"), source).toString());
        }
        if (!sources.isEmpty()) {
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            assertEquals(0, javac.run(null, null, null, args.toArray(new String[0])), "javac " + args);
        }
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(plugins.resolve(name)));
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
            out.putNextEntry(new JarEntry(PluginJars.SERVICE));
            write(out, String.join("\n", services) + "\n");
            out.closeEntry();
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
