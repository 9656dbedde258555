package dev.visor.mask;

import java.security.CodeSource;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Defensive {@link ServiceLoader} walking shared by {@link MaskRegistry} and
 * {@link ScoreModifierRegistry}: every provider is isolated, so one that cannot be found, linked,
 * instantiated or described, or whose name is taken, becomes a {@link MaskRegistry.Problem} while the
 * others still load. On a taken name a built-in (a class of {@code dev.visor.mask.builtin} defined by
 * this module's loader) keeps it; between two plugins the first found does.
 */
final class Providers {
    private static final System.Logger LOG = System.getLogger(MaskRegistry.class.getName());
    /** Stop iterating a broken service loader after this many consecutive failures. */
    private static final int MAX_CONSECUTIVE_FAILURES = 100;

    private Providers() {}

    /**
     * Walks a service loader into {@code into}.
     *
     * @param adding whether the walk adds one loader's providers to a registry: classes already
     *     registered (seen through a parent loader) are then skipped and problems are attributed to
     *     {@code origin}
     * @param check describes the provider (throws IllegalArgumentException to skip it)
     */
    static <S> void collect(Class<S> service, String kind, ServiceLoader<S> loader, boolean adding, String origin,
                            Function<S, String> name, Consumer<S> check, Map<String, S> into,
                            List<MaskRegistry.Problem> problems) {
        Iterator<ServiceLoader.Provider<S>> it = loader.stream().iterator();
        int consecutiveFailures = 0;
        while (consecutiveFailures < MAX_CONSECUTIVE_FAILURES) {
            ServiceLoader.Provider<S> provider;
            try {
                if (!it.hasNext()) break;
                provider = it.next();
            } catch (ServiceConfigurationError | LinkageError e) {
                problems.add(report(new MaskRegistry.Problem("?", origin, describe(service, e), e, kind)));
                consecutiveFailures++;
                continue;
            }
            Class<?> type = provider.type();
            if (adding && registered(type, into)) continue; // seen through a parent, loaded before
            String where = adding ? origin : location(type);
            S strategy;
            try {
                strategy = provider.get();
                check.accept(strategy);
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                problems.add(report(new MaskRegistry.Problem(type.getName(), where, describe(service, e), e, kind)));
                consecutiveFailures++;
                continue;
            }
            consecutiveFailures = 0;
            String key = name.apply(strategy);
            S previous = into.get(key);
            if (previous == null) {
                into.put(key, strategy);
            } else if (previous.getClass() != strategy.getClass()) {
                boolean replace = isBuiltin(strategy) && !isBuiltin(previous);
                S skipped = replace ? previous : strategy;
                S kept = replace ? strategy : previous;
                if (replace) into.put(key, strategy);
                String skippedWhere = skipped == strategy ? where : location(skipped.getClass());
                problems.add(report(new MaskRegistry.Problem(skipped.getClass().getName(), skippedWhere, kind
                        + " name '" + key + "' is already provided by " + kept.getClass().getName()
                        + (isBuiltin(kept) ? " (built in)" : ""), null, kind)));
            }
        }
    }

    /** Runs a provider's describing calls, turning what they throw into one IllegalArgumentException. */
    static void describing(Object provider, Runnable calls) {
        try {
            calls.run();
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalArgumentException("strategy " + provider.getClass().getName() + " threw "
                    + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())
                    + " when describing itself", e);
        }
    }

    /** Names must be lower snake case. */
    static void checkName(Object provider, String name) {
        if (name == null || !MaskParameter.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("strategy " + provider.getClass().getName() + " has name '" + name
                    + "' but names must be lower snake case ([a-z][a-z0-9_]*)");
        }
    }

    private static boolean registered(Class<?> type, Map<String, ?> strategies) {
        for (Object s : strategies.values()) if (s.getClass() == type) return true;
        return false;
    }

    /**
     * Whether {@code s} is an instance of a class of this module's {@code builtin} package defined by
     * this module's loader (a strategy or a mask): what keeps a taken name, and what mask
     * verification trusts by default.
     */
    static boolean isBuiltin(Object s) {
        Class<?> type = s.getClass();
        return type.getClassLoader() == Providers.class.getClassLoader()
                && type.getPackageName().equals("dev.visor.mask.builtin");
    }

    /** The jar or folder a class was loaded from, or "?". */
    static String location(Class<?> type) {
        try {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            return source == null || source.getLocation() == null ? "?" : source.getLocation().getPath();
        } catch (SecurityException e) {
            return "?";
        }
    }

    /** One line: the failure and the provider's own exception at the root of it. */
    static String describe(Class<?> service, Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String prefix = service.getName() + ": ";
        if (e instanceof ServiceConfigurationError && message.startsWith(prefix)) {
            message = message.substring(prefix.length());
        } else if (!(e instanceof ServiceConfigurationError) && !(e instanceof IllegalArgumentException)) {
            message = e.getClass().getSimpleName() + ": " + message;
        }
        Throwable root = e.getCause();
        while (root != null && root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (root != null && !(e instanceof IllegalArgumentException)) {
            message = message + ": " + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + root.getMessage());
        }
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    private static MaskRegistry.Problem report(MaskRegistry.Problem p) {
        LOG.log(System.Logger.Level.WARNING, p.toString());
        if (p.cause() != null) LOG.log(System.Logger.Level.DEBUG, p.toString(), p.cause());
        return p;
    }
}
