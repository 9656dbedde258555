package dev.visor.cli;

import dev.visor.mask.MaskRegistry;
import dev.visor.mask.ScoreModifierRegistry;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What every command of one {@code visor} invocation shares: the output streams, the global options
 * ({@code --verbose}, {@code --plugins}), and the mask and score-modifier registries, built once on first use from the
 * class path plus the plugin jars. Tests create one with their own streams, environment and base
 * class loader, and run commands in-process.
 *
 * <pre>{@code
 * try (Session session = new Session(out, err, System.getenv(), VisorMain.class.getClassLoader())) {
 *     MaskRegistry registry = session.registry();
 * }
 * }</pre>
 */
final class Session implements AutoCloseable {
    /** Environment variable with extra plugin folders, separated like a class path. */
    static final String PLUGINS_ENV = "VISOR_PLUGINS";
    /** Held strongly: java.util.logging forgets the level of loggers nobody references. */
    private static final Logger REGISTRY_LOG = Logger.getLogger(MaskRegistry.class.getName());

    private final PrintWriter out;
    private final PrintWriter err;
    private final Map<String, String> env;
    private final ClassLoader baseLoader;
    private final Set<Path> pluginDirs = new LinkedHashSet<>();
    private final List<Runnable> atClose = new ArrayList<>();
    private boolean verbose;
    private boolean interactive;
    private PluginJars plugins;
    private URLClassLoader combined;
    private MaskRegistry registry;
    private ScoreModifierRegistry scores;

    /**
     * Creates a session.
     *
     * @param out standard output
     * @param err standard error
     * @param env the environment ({@value #PLUGINS_ENV} is read from it)
     * @param baseLoader the class loader whose class path is searched for mask strategies
     */
    Session(PrintWriter out, PrintWriter err, Map<String, String> env, ClassLoader baseLoader) {
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.env = Map.copyOf(env);
        this.baseLoader = Objects.requireNonNull(baseLoader, "baseLoader");
    }

    /** @return standard output */
    PrintWriter out() {
        return out;
    }

    /** @return standard error */
    PrintWriter err() {
        return err;
    }

    /** @return whether standard output is a terminal (progress lines redraw in place) */
    boolean interactive() {
        return interactive;
    }

    /** @param interactive whether standard output is a terminal */
    void interactive(boolean interactive) {
        this.interactive = interactive;
    }

    /** @return whether errors print stack traces */
    boolean verbose() {
        return verbose;
    }

    /** @param verbose whether errors print stack traces */
    void verbose(boolean verbose) {
        this.verbose = verbose;
    }

    /**
     * Adds folders whose jars join mask discovery. Must be called before {@link #registry()}.
     *
     * @param dirs the folders
     */
    void addPluginDirs(List<Path> dirs) {
        if (registry != null) throw new IllegalStateException("plugin folders must be given before the registry is built");
        pluginDirs.addAll(dirs);
    }

    /** @return the plugin folders from {@code --plugins} and then {@value #PLUGINS_ENV} */
    List<Path> pluginDirs() {
        List<Path> all = new ArrayList<>(pluginDirs);
        String fromEnv = env.get(PLUGINS_ENV);
        if (fromEnv != null) {
            for (String part : fromEnv.split(File.pathSeparator)) {
                if (!part.isBlank() && !all.contains(Path.of(part))) all.add(Path.of(part));
            }
        }
        return all;
    }

    /**
     * The mask registry: every strategy on the class path plus those in the plugin jars. A jar that
     * cannot be opened, a provider that fails to load and a provider whose name is taken (the built-in
     * keeps it) are each reported on stderr as one warning naming the jar, the class and the cause;
     * the others still load.
     *
     * @return the registry
     * @throws CliException for a missing or unreadable plugin folder
     */
    MaskRegistry registry() {
        if (registry == null) {
            // the registry logs each failed provider through System.Logger; we report them on one line each
            REGISTRY_LOG.setLevel(verbose ? Level.ALL : Level.OFF);
            MaskRegistry loaded = MaskRegistry.load(baseLoader);
            List<Path> dirs = pluginDirs();
            if (!dirs.isEmpty()) {
                plugins = PluginJars.open(dirs, baseLoader);
                for (String warning : plugins.warnings()) warn(warning);
                // one jar at a time, so every problem names its jar and a bad jar cannot hide the others
                for (PluginJars.Jar jar : plugins.jars()) loaded = loaded.withProviders(jar.loader(), jar.path().toString());
            }
            for (MaskRegistry.Problem p : loaded.problems()) warn(p.toString());
            registry = loaded;
        }
        return registry;
    }

    /**
     * The score-modifier registry: every strategy on the class path plus those in the same plugin jars
     * as the masks' (opened by {@link #registry()}), problems reported as for masks.
     *
     * @return the registry
     * @throws CliException for a missing or unreadable plugin folder
     */
    synchronized ScoreModifierRegistry scoreRegistry() {
        if (scores == null) {
            registry();   // opens the plugin jars and reports their problems once
            ScoreModifierRegistry loaded = ScoreModifierRegistry.load(baseLoader);
            if (plugins != null) {
                for (PluginJars.Jar jar : plugins.jars()) loaded = loaded.withProviders(jar.loader(), jar.path().toString());
            }
            for (MaskRegistry.Problem p : loaded.problems()) warn(p.toString());
            scores = loaded;
        }
        return scores;
    }

    /**
     * One class loader that sees every usable plugin jar (those the registry opened without a
     * problem), for code that finds plugins through the context class loader, such as sweep trials;
     * the base loader when there are none. Builds the registry first (which opens the jars).
     *
     * @return the loader
     */
    synchronized ClassLoader loader() {
        registry();
        if (plugins == null || plugins.jars().isEmpty()) return baseLoader;
        if (combined == null) {
            List<URL> urls = new ArrayList<>();
            for (PluginJars.Jar jar : plugins.jars()) urls.addAll(List.of(jar.loader().getURLs()));
            combined = new URLClassLoader(urls.toArray(URL[]::new), baseLoader);
        }
        return combined;
    }

    /**
     * Whether a class was loaded from a plugin jar (as opposed to the class path).
     *
     * @param type the class
     * @return true if the plugin class loader defined it
     */
    boolean fromPlugin(Class<?> type) {
        return plugins != null && plugins.defined(type);
    }

    /**
     * Prints a warning line on stderr.
     *
     * @param message the warning
     */
    void warn(String message) {
        err.println("visor: warning: " + message);
        err.flush();
    }

    /**
     * Runs {@code action} when the session closes, after everything has been printed (used to let a
     * Ctrl-C shutdown proceed only once the command has saved and reported).
     *
     * @param action what to run
     */
    synchronized void atClose(Runnable action) {
        atClose.add(Objects.requireNonNull(action, "action"));
    }

    /** Flushes the streams, runs the {@link #atClose} actions and closes the plugin class loader. */
    @Override
    public void close() {
        out.flush();
        err.flush();
        List<Runnable> actions;
        synchronized (this) {
            actions = List.copyOf(atClose);
            atClose.clear();
        }
        actions.forEach(Runnable::run);
        if (plugins != null) {
            try {
                if (combined != null) combined.close();
                plugins.close();
            } catch (IOException e) {
                if (verbose) warn("could not close the plugin class loader: " + e.getMessage());
            }
        }
    }
}
