package dev.visor.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --plugins DIR}: the example plugin ({@code examples/mask-plugin}) is taken off the class path
 * by a filtering class loader, then found again as a jar in a plugin folder. The jar is the one the
 * reactor built (or, when only classes exist, a jar made from them), so this runs from a clean
 * checkout with {@code mvn verify}.
 */
class MaskPluginFolderTest {
    private static final String SERVICE = "META-INF/services/dev.visor.mask.MaskStrategy";
    private static final String PLUGIN_PACKAGE = "dev.visor.example.plugin.";

    @TempDir
    static Path tmp;
    static Path pluginDir;
    static ClassLoader withoutPlugin;

    @BeforeAll
    static void buildThePluginFolder() throws IOException, URISyntaxException {
        URL root = pluginRoot();
        pluginDir = Files.createDirectories(tmp.resolve("plugins"));
        if (root.getProtocol().equals("jar")) {
            String jar = root.toString().substring("jar:".length(), root.toString().indexOf("!/"));
            Path source = Path.of(new URI(jar));
            Files.copy(source, pluginDir.resolve(source.getFileName()));
        } else {
            jarUp(Path.of(root.toURI()), pluginDir.resolve("visor-mask-plugin-example.jar"));
        }
        withoutPlugin = new HidingLoader(MaskPluginFolderTest.class.getClassLoader(), root.toString());
    }

    @Test
    void withoutThePluginFolderTheStrategyIsUnknown() {
        CliRunner.Result list = run("masks", "list");
        assertEquals(0, list.exitCode(), list::toString);
        assertFalse(list.out().contains("\naxial "), list::toString);
        assertTrue(list.out().contains(", 0 from plugins"), list::toString);

        CliRunner.Result show = run("masks", "show", "axial(width=4)", "--query-len", "16");
        assertEquals(2, show.exitCode());
        assertTrue(show.err().contains("unknown mask 'axial' at column 1"), show::toString);
    }

    @Test
    void thePluginFolderAddsTheStrategy() {
        CliRunner.Result list = run("masks", "list", "--plugins", pluginDir.toString());
        assertEquals(0, list.exitCode(), list::toString);
        assertEquals("", list.err());
        String axial = MasksListCommandTest.block(list.out(), "axial");
        assertTrue(axial.lines().findFirst().orElseThrow().contains("[plugin visor-mask-plugin-example"), axial);
        assertTrue(axial.contains("width"), axial);
        assertTrue(list.out().contains(", 1 from plugins"), list::toString);
    }

    @Test
    void aPluginStrategyComposesWithBuiltinsInShow() {
        CliRunner.Result r = run("--plugins", pluginDir.toString(), "masks", "show", "axial(width=4) & causal", "--query-len", "16",
                "--block", "4");
        assertEquals(0, r.exitCode(), r::toString);
        List<String> rows = MasksShowCommandTest.elementRows(r.out());
        for (int q = 0; q < 16; q++) {
            StringBuilder expected = new StringBuilder();
            for (int k = 0; k < 16; k++) expected.append((q / 4 == k / 4 || q % 4 == k % 4) && k <= q ? '#' : '.');
            assertEquals(expected.toString(), rows.get(q), "query " + q);
        }
    }

    @Test
    void aSweepTrainsWithAPluginMaskFromThePluginFolder() throws IOException {
        Path sweep = Files.writeString(tmp.resolve("plugin-sweep.json"), """
                {"name": "axial", "trial": "char_lm", "base": {"steps": 4, "eval_every": 2, "d_model": 16, "heads": 2, "layers": 1,
                 "context": 12, "batch": 4, "eval_windows": 4}, "grid": {"decoder_mask": ["axial(width=4) & causal & padding"]},
                 "seeds": [1], "metric": {"name": "held_out_bits_per_char"}}
                """);
        CliRunner.Result without = run("sweep", sweep.toString(), "--out", tmp.resolve("without").toString(), "--no-plots");
        assertEquals(1, without.exitCode(), without::toString);
        assertTrue(without.err().contains("bad decoder_mask 'axial(width=4) & causal & padding': unknown mask 'axial'"), without::toString);
        CliRunner.Result with = run("--plugins", pluginDir.toString(), "sweep", sweep.toString(), "--out", tmp.resolve("with").toString(),
                "--no-plots");
        assertEquals(0, with.exitCode(), with::toString);
        assertTrue(with.out().contains("| decoder_mask=axial(width=4) & causal & padding | "), with::toString);
    }

    @Test
    void thePluginScoreModifierIsListedAndTrainsInALanguageModel() throws IOException {
        CliRunner.Result without = run("masks", "modifiers");
        assertFalse(without.out().contains("\ntemperature "), without::toString);
        CliRunner.Result list = run("--plugins", pluginDir.toString(), "masks", "modifiers");
        assertEquals(0, list.exitCode(), list::toString);
        assertEquals("", list.err());
        assertTrue(list.out().startsWith("5 score modifiers: 4 built in, 1 from plugins"), list::toString);
        String temperature = MasksListCommandTest.block(list.out(), "temperature");
        assertTrue(temperature.lines().findFirst().orElseThrow().contains("[plugin visor-mask-plugin-example"), temperature);
        assertTrue(temperature.contains("init"), temperature);

        Path text = Files.writeString(tmp.resolve("modifier-text.txt"), "the cat sat on the mat. ".repeat(40));
        String[] train = {"train", "lm", "--text", text.toString(), "--steps", "3", "--eval-every", "3", "--d-model", "16",
            "--heads", "2", "--layers", "1", "--d-ff", "32", "--context", "12", "--batch", "4", "--sample", "5",
            "--positional", "rope", "--score-mod", "temperature(init=0.5) >> softcap(cap=8)"};
        CliRunner.Result unknown = run(TrainingRunTest.concat(train, "--out", tmp.resolve("t0").toString()));
        assertEquals(2, unknown.exitCode(), unknown::toString);
        assertTrue(unknown.err().contains("unknown score modifier 'temperature'"), unknown::toString);
        Path out = tmp.resolve("t1");
        CliRunner.Result trained = run(TrainingRunTest.concat(new String[] {"--plugins", pluginDir.toString()},
                TrainingRunTest.concat(train, "--out", out.toString())));
        assertEquals(0, trained.exitCode(), trained::toString);
        float[] table = dev.visor.tensor.io.SafeTensors.read(out.resolve("model.safetensors")).tensors()
                .get("decoder.layers.0.self_attn.score_parameters").toArray();
        assertEquals(2, table.length);
        assertTrue(table[0] != 0.5f || table[1] != 0.5f, "the plugin's table trained: " + java.util.Arrays.toString(table));
        CliRunner.Result generated = run("--plugins", pluginDir.toString(), "generate", "-c", out.toString(), "--length", "5");
        assertEquals(0, generated.exitCode(), generated::toString);
    }

    @Test
    void theEnvironmentVariableAddsFoldersToo() {
        CliRunner.Result r = CliRunner.run(Map.of(Session.PLUGINS_ENV, pluginDir.toString()), withoutPlugin, "masks", "list", "axial");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("axial — "), r::toString);
    }

    @Test
    void aMissingFolderIsAnError() {
        Path missing = tmp.resolve("no-such-folder");
        CliRunner.Result r = run("masks", "list", "--plugins", missing.toString());
        assertEquals(1, r.exitCode());
        assertEquals(List.of("visor masks list: plugin folder " + missing + " does not exist"), r.errLines());
        assertEquals("", r.out());
    }

    @Test
    void aFileInsteadOfAFolderIsAnError() throws IOException {
        Path file = Files.writeString(tmp.resolve("plugin.txt"), "not a folder");
        CliRunner.Result r = run("masks", "list", "--plugins", file.toString());
        assertEquals(1, r.exitCode());
        assertEquals(List.of("visor masks list: plugin folder " + file + " is not a folder; --plugins takes a folder of .jar files"),
                r.errLines());
    }

    @Test
    void aCorruptJarIsSkippedWithAWarningNamingIt() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("corrupt"));
        Path jar = Files.write(dir.resolve("broken.jar"), "this is not a zip file".getBytes(StandardCharsets.UTF_8));
        CliRunner.Result r = run("masks", "list", "--plugins", dir.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertTrue(r.err().startsWith("visor: warning: plugin jar " + jar + " skipped: it is not a readable jar ("),
                r::toString);
        assertTrue(r.out().contains("\ncausal — "), r::toString);
    }

    @Test
    void anEmptyFolderIsAWarning() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        CliRunner.Result r = run("masks", "list", "--plugins", dir.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(List.of("visor: warning: plugin folder " + dir + " holds no .jar files"), r.errLines());
    }

    @Test
    void aProviderThatCannotLoadIsReportedAndTheOthersStillLoad() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("half-broken"));
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(dir.resolve("ghost.jar")))) {
            jar.putNextEntry(new JarEntry(SERVICE));
            jar.write("com.example.NoSuchStrategy\n".getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        CliRunner.Result r = run("masks", "list", "--plugins", dir.toString(), "--plugins", pluginDir.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals(1, r.errLines().size(), r::toString);
        assertEquals("visor: warning: mask provider ? in " + dir.resolve("ghost.jar") + " skipped: Provider "
                + "com.example.NoSuchStrategy not found", r.errLines().get(0));
        assertTrue(r.out().contains("\naxial — "), r::toString);
        assertTrue(r.out().contains("\ncausal — "), r::toString);
    }

    private static CliRunner.Result run(String... args) {
        return CliRunner.run(Map.of(), withoutPlugin, args);
    }

    /** The class-path root (jar or folder) whose service file registers the example plugin. */
    private static URL pluginRoot() throws IOException {
        for (URL url : Collections.list(MaskPluginFolderTest.class.getClassLoader().getResources(SERVICE))) {
            try (InputStream in = url.openStream()) {
                if (new String(in.readAllBytes(), StandardCharsets.UTF_8).contains(PLUGIN_PACKAGE)) {
                    String s = url.toString();
                    return URI.create(s.substring(0, s.length() - SERVICE.length())).toURL();
                }
            }
        }
        throw new AssertionError("the example plugin is not on the test class path");
    }

    private static void jarUp(Path classes, Path jar) throws IOException {
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                try (InputStream in = Files.newInputStream(f)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
    }

    /** Delegates to the test class loader but hides the plugin's classes and resources. */
    private static final class HidingLoader extends ClassLoader {
        private final String hiddenRoot;

        HidingLoader(ClassLoader parent, String hiddenRoot) {
            super("without-example-plugin", parent);
            this.hiddenRoot = hiddenRoot;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.startsWith(PLUGIN_PACKAGE)) throw new ClassNotFoundException(name + " is hidden");
            return super.loadClass(name, resolve);
        }

        @Override
        public URL getResource(String name) {
            URL url = super.getResource(name);
            return url == null || url.toString().startsWith(hiddenRoot) ? null : url;
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            List<URL> visible = new ArrayList<>();
            for (URL url : Collections.list(super.getResources(name))) {
                if (!url.toString().startsWith(hiddenRoot)) visible.add(url);
            }
            return Collections.enumeration(visible);
        }
    }
}
