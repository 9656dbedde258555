package dev.visor.cli;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The jars in plugin folders ({@code --plugins DIR}), each behind its own class loader, so that
 * {@link java.util.ServiceLoader} finds the mask strategies it registers in {@code META-INF/services}
 * and every failure is charged to the jar that caused it. Every jar is opened once up front: a corrupt
 * or unreadable one is skipped with a warning naming it, and the others still load. A plugin jar sees
 * the SPI and the built-ins (the parent loader) but not the other plugin jars.
 *
 * <pre>{@code
 * PluginJars plugins = PluginJars.open(List.of(Path.of("plugins")), VisorMain.class.getClassLoader());
 * MaskRegistry registry = MaskRegistry.load(base);
 * for (PluginJars.Jar jar : plugins.jars()) registry = registry.withProviders(jar.loader(), jar.path().toString());
 * }</pre>
 *
 * @param jars the usable jars, folder by folder, sorted by name within a folder
 * @param warnings non-fatal findings: a folder without jars, a jar that was skipped
 */
record PluginJars(List<Jar> jars, List<String> warnings) implements AutoCloseable {

    /** The service file the jars register mask strategies in. */
    static final String SERVICE = "META-INF/services/dev.visor.mask.MaskStrategy";
    /** The service file the jars register score-modifier strategies in. */
    static final String SCORE_SERVICE = "META-INF/services/dev.visor.mask.ScoreModifierStrategy";

    /**
     * One plugin jar and the class loader that defines its classes.
     *
     * @param path the jar file
     * @param loader a loader over this jar alone whose parent is the base loader
     */
    record Jar(Path path, URLClassLoader loader) {}

    /**
     * Finds the jars in some folders and opens a class loader over each.
     *
     * @param dirs the folders
     * @param parent the class loader the plugins see (the SPI and the built-ins)
     * @return the jars and their loaders
     * @throws CliException if a folder is missing or unreadable
     */
    static PluginJars open(List<Path> dirs, ClassLoader parent) {
        List<Jar> jars = new ArrayList<>();
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
                String problem = check(jar);
                if (problem != null) {
                    warnings.add("plugin jar " + jar + " skipped: " + problem);
                    continue;
                }
                try {
                    jars.add(new Jar(jar, new OwnServicesLoader(jar.getFileName().toString(), jar.toUri().toURL(), parent)));
                } catch (MalformedURLException e) {
                    warnings.add("plugin jar " + jar + " skipped: " + e.getMessage());
                }
            }
        }
        return new PluginJars(List.copyOf(jars), List.copyOf(warnings));
    }

    /** Why a jar cannot be used, or null if it opens. */
    private static String check(Path jar) {
        if (!Files.isReadable(jar)) return "it is not readable";
        try (JarFile ignored = new JarFile(jar.toFile())) {
            return null; // opening reads the central directory: enough to reject a truncated or non-zip file
        } catch (IOException | SecurityException e) {
            return "it is not a readable jar (" + Errors.oneLine(e) + ")";
        }
    }

    /**
     * Whether one of the plugin loaders defined a class.
     *
     * @param type the class
     * @return true if it came from a plugin jar
     */
    boolean defined(Class<?> type) {
        for (Jar jar : jars) if (type.getClassLoader() == jar.loader()) return true;
        return false;
    }

    /** Closes every jar's loader; the first failure is thrown after all were tried. */
    @Override
    public void close() throws IOException {
        IOException first = null;
        for (Jar jar : jars) {
            try {
                jar.loader().close();
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    /** A loader over one jar whose service files are its own, not also its parents'. */
    private static final class OwnServicesLoader extends URLClassLoader {
        OwnServicesLoader(String name, URL jar, ClassLoader parent) {
            super("visor-plugin-" + name, new URL[] {jar}, parent);
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            return name.equals(SERVICE) || name.equals(SCORE_SERVICE) ? findResources(name) : super.getResources(name);
        }

        @Override
        public String toString() {
            return getName();
        }
    }
}
