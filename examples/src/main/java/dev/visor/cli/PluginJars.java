package dev.visor.cli;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The jars in plugin folders ({@code --plugins DIR}) and a class loader over them, so that
 * {@link java.util.ServiceLoader} finds the mask strategies they register in
 * {@code META-INF/services}. Every jar is opened once up front, so a corrupt one is an error naming
 * it rather than a provider that silently goes missing.
 *
 * <pre>{@code
 * PluginJars plugins = PluginJars.open(List.of(Path.of("plugins")), VisorMain.class.getClassLoader());
 * MaskRegistry registry = MaskRegistry.load(plugins.loader());
 * }</pre>
 *
 * @param jars the jars found, folder by folder, sorted by name within a folder
 * @param loader a class loader over the jars whose parent is the base loader
 * @param warnings non-fatal findings, e.g. a folder without jars
 */
record PluginJars(List<Path> jars, URLClassLoader loader, List<String> warnings) {

    /**
     * Finds the jars in some folders and opens a class loader over them.
     *
     * @param dirs the folders
     * @param parent the class loader the plugins see (the SPI and the built-ins)
     * @return the jars and their loader
     * @throws CliException if a folder is missing or unreadable, or a jar is not a readable jar
     */
    static PluginJars open(List<Path> dirs, ClassLoader parent) {
        List<Path> jars = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (Path dir : dirs) {
            if (!Files.exists(dir)) throw CliException.failure("plugin folder " + dir + " does not exist");
            if (!Files.isDirectory(dir)) {
                throw CliException.failure("plugin folder " + dir + " is not a folder; --plugins takes a folder of .jar files");
            }
            if (!Files.isReadable(dir)) throw CliException.failure("plugin folder " + dir + " is not readable");
            List<Path> found;
            try (Stream<Path> list = Files.list(dir)) {
                found = list.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p))
                        .sorted().toList();
            } catch (IOException e) {
                throw CliException.failure("cannot list plugin folder " + dir + ": " + Errors.oneLine(e), e);
            }
            if (found.isEmpty()) warnings.add("plugin folder " + dir + " holds no .jar files");
            for (Path jar : found) {
                check(jar);
                jars.add(jar);
            }
        }
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            try {
                urls[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw CliException.failure("cannot use plugin jar " + jars.get(i) + ": " + e.getMessage(), e);
            }
        }
        return new PluginJars(List.copyOf(jars), new URLClassLoader("visor-plugins", urls, parent), List.copyOf(warnings));
    }

    private static void check(Path jar) {
        if (!Files.isReadable(jar)) throw CliException.failure("plugin jar " + jar + " is not readable");
        try (JarFile ignored = new JarFile(jar.toFile())) {
            // opening reads the central directory: enough to reject a truncated or non-zip file
        } catch (IOException e) {
            throw CliException.failure("plugin jar " + jar + " is not a readable jar (" + Errors.oneLine(e) + ")", e);
        }
    }
}
