package dev.visor.mask;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Mask strategies by name: loaded with {@link ServiceLoader} (class path {@code META-INF/services}
 * and module path {@code provides}, the built-ins included) and/or registered explicitly; and the
 * front door that turns spec strings into masks.
 *
 * <p>Loading is defensive: a provider that cannot be found, linked, instantiated or described, or
 * whose name is taken, is recorded in {@link #problems()} (and logged) with its own exception
 * message, while the others still load. When a loaded provider reuses a name, the built-in keeps it
 * (otherwise the first one found does). {@link #withProviders} adds one plugin jar's providers the
 * same way. Registering a taken name explicitly with {@link #with} is an error naming both classes.
 * An immutable registry is safe to share between threads; {@link #with} returns a new one.
 *
 * <pre>{@code
 * MaskRegistry registry = MaskRegistry.load();                 // built-ins + every plugin on the path
 * Mask mask = registry.create("causal & sliding_window(left=128)", ctx);
 * registry.parse("casual");   // MaskSpecException: unknown mask 'casual' at column 1; did you mean 'causal'? ...
 * }</pre>
 */
public final class MaskRegistry {
    private final Map<String, MaskStrategy> strategies; // sorted by name
    private final List<Problem> problems;

    /**
     * A provider that was skipped: it failed to load, or its name was already taken.
     *
     * @param provider the provider class name, or "?" if the failure happened before it was known
     * @param origin where the provider came from (its jar or folder), or "?" if not known
     * @param message what went wrong, including the provider's own exception message
     * @param cause the error or exception, or null for a duplicate name
     * @param kind what the provider provides, {@code mask} or {@code score modifier} (since 0.2)
     */
    public record Problem(String provider, String origin, String message, Throwable cause, String kind) {
        /**
         * A problem with a mask provider.
         *
         * @param provider the provider class name, or "?"
         * @param origin its jar or folder, or "?"
         * @param message what went wrong
         * @param cause the error, or null
         */
        public Problem(String provider, String origin, String message, Throwable cause) {
            this(provider, origin, message, cause, "mask");
        }

        @Override
        public String toString() {
            return kind + " provider " + provider + (origin.equals("?") ? "" : " in " + origin) + " skipped: " + message;
        }
    }

    private MaskRegistry(Map<String, MaskStrategy> strategies, List<Problem> problems) {
        this.strategies = Collections.unmodifiableMap(strategies);
        this.problems = List.copyOf(problems);
    }

    /**
     * Loads every provider visible to the thread's context class loader (or, if it has none, to this
     * class's loader).
     *
     * @return the registry
     */
    public static MaskRegistry load() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return load(loader != null ? loader : MaskRegistry.class.getClassLoader());
    }

    /**
     * Loads every provider visible to a class loader: {@code provides} of named modules defined to it
     * and its ancestors, and {@code META-INF/services} on its class path.
     *
     * @param loader the class loader
     * @return the registry
     */
    public static MaskRegistry load(ClassLoader loader) {
        return fromServiceLoader(ServiceLoader.load(MaskStrategy.class, loader));
    }

    /**
     * Loads every provider of the modules in a layer and its ancestors ({@code provides} clauses).
     *
     * @param layer the module layer
     * @return the registry
     */
    public static MaskRegistry load(ModuleLayer layer) {
        return fromServiceLoader(ServiceLoader.load(Objects.requireNonNull(layer, "layer"), MaskStrategy.class));
    }

    /**
     * A registry of exactly these strategies (no service loading).
     *
     * @param strategies the strategies
     * @return the registry
     * @throws IllegalStateException if two strategies share a name
     */
    public static MaskRegistry of(Collection<? extends MaskStrategy> strategies) {
        MaskRegistry r = new MaskRegistry(new TreeMap<>(), List.of());
        return r.with(strategies.toArray(new MaskStrategy[0]));
    }

    /**
     * A registry of exactly these strategies (no service loading).
     *
     * @param strategies the strategies
     * @return the registry
     * @throws IllegalStateException if two strategies share a name
     */
    public static MaskRegistry of(MaskStrategy... strategies) {
        return of(List.of(strategies));
    }

    /**
     * A registry of exactly the built-in strategies (no service loading): how code outside this module
     * reaches them, since their classes are not exported to plugins.
     *
     * @return a new registry of the built-ins
     * @since 0.3
     */
    public static MaskRegistry builtins() {
        return dev.visor.mask.builtin.Builtins.registry();
    }

    private static MaskRegistry fromServiceLoader(ServiceLoader<MaskStrategy> loader) {
        Map<String, MaskStrategy> found = new TreeMap<>();
        List<Problem> problems = new ArrayList<>();
        collect(loader, false, "?", found, problems);
        return new MaskRegistry(found, problems);
    }

    /**
     * This registry plus the providers found through one class loader, e.g. the loader of one plugin
     * jar; providers of a class already registered (seen through a parent) are not added again. Loading is as defensive
     * as {@link #load()}: every provider that fails, and every provider whose name is already taken
     * (a built-in keeps its name), becomes a {@link Problem} naming {@code origin}, and the rest load.
     * Failures that the service loader reports before the provider class is known (a missing class)
     * are attributed to {@code origin} too, so give each jar a loader whose service files are its own.
     *
     * @param loader the class loader whose providers to add
     * @param origin where they come from, e.g. the jar's path, for the problem reports
     * @return a new registry; its {@link #problems()} are this registry's followed by the new ones
     */
    public MaskRegistry withProviders(ClassLoader loader, String origin) {
        Objects.requireNonNull(loader, "loader");
        Objects.requireNonNull(origin, "origin");
        Map<String, MaskStrategy> all = new TreeMap<>(strategies);
        List<Problem> allProblems = new ArrayList<>(problems);
        collect(ServiceLoader.load(MaskStrategy.class, loader), true, origin, all, allProblems);
        return new MaskRegistry(all, allProblems);
    }

    /**
     * Walks a service loader, isolating each provider: a failure to find, link, instantiate or
     * describe one, and a duplicate name, is recorded and the walk goes on.
     */
    private static void collect(ServiceLoader<MaskStrategy> loader, boolean adding, String origin,
                                Map<String, MaskStrategy> into, List<Problem> problems) {
        Providers.collect(MaskStrategy.class, "mask", loader, adding, origin, MaskStrategy::name,
                MaskRegistry::checkProvider, into, problems);
    }

    /** Calls what listing and parsing will call, so a provider that throws there is skipped now. */
    private static void checkProvider(MaskStrategy s) {
        Providers.describing(s, () -> {
            s.name();
            s.description();
            s.parameters();
            s.needs();
        });
        checkName(s);
    }

    private static void checkName(MaskStrategy s) {
        Providers.checkName(s, s.name());
    }

    private static void add(Map<String, MaskStrategy> into, MaskStrategy s) {
        MaskStrategy previous = into.putIfAbsent(s.name(), s);
        if (previous != null) {
            throw new IllegalStateException("mask name '" + s.name() + "' is provided by both "
                    + previous.getClass().getName() + " and " + s.getClass().getName());
        }
    }

    /**
     * This registry plus explicitly registered strategies.
     *
     * @param more the strategies to add
     * @return a new registry
     * @throws IllegalArgumentException if a name is not lower snake case
     * @throws IllegalStateException if a name is already taken (naming both classes)
     */
    public MaskRegistry with(MaskStrategy... more) {
        Map<String, MaskStrategy> all = new TreeMap<>(strategies);
        for (MaskStrategy s : more) {
            checkName(Objects.requireNonNull(s, "strategy"));
            add(all, s);
        }
        return new MaskRegistry(all, problems);
    }

    /** @return the registered names, sorted */
    public SortedSet<String> names() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(strategies.keySet()));
    }

    /** @return the strategies, sorted by name */
    public Collection<MaskStrategy> strategies() {
        return strategies.values();
    }

    /**
     * Whether a strategy is one of Visor's built-ins: a class of {@code dev.visor.mask.builtin}
     * defined by this module's class loader (a plugin jar declaring that package does not count).
     *
     * @param strategy the strategy
     * @return true for a built-in
     * @since 0.2
     */
    public static boolean isBuiltin(MaskStrategy strategy) {
        return Providers.isBuiltin(Objects.requireNonNull(strategy, "strategy"));
    }

    /** @return the providers that failed to load, in discovery order */
    public List<Problem> problems() {
        return problems;
    }

    /**
     * Looks up a strategy.
     *
     * @param name the name
     * @return the strategy, if registered
     */
    public Optional<MaskStrategy> find(String name) {
        return Optional.ofNullable(strategies.get(name));
    }

    /**
     * Looks up a strategy that must exist.
     *
     * @param name the name
     * @return the strategy
     * @throws IllegalArgumentException listing the available names, with a did-you-mean
     */
    public MaskStrategy strategy(String name) {
        MaskStrategy s = strategies.get(name);
        if (s == null) throw new IllegalArgumentException(unknown(name, 0));
        return s;
    }

    private String unknown(String name, int column) {
        return "unknown mask " + Names.quote(name) + (column > 0 ? " at column " + column : "")
                + Names.suggest(name, strategies.keySet(), "available");
    }

    /**
     * Parses a spec and checks it against this registry: every name is registered, every argument
     * declared and of its type, every value accepted by {@link MaskStrategy#validate}. The result holds
     * every declared parameter in declaration order, so it prints canonically.
     *
     * @param text the spec, e.g. {@code "causal & sliding_window(left=128)"}
     * @return the checked spec
     * @throws MaskSpecException naming the column and what was expected
     */
    public MaskSpec parse(String text) {
        return resolve(MaskSpec.parse(text), text);
    }

    /**
     * Checks a spec built in code against this registry, as {@link #parse} does.
     *
     * @param spec the spec
     * @return the checked spec with every parameter filled in
     * @throws MaskSpecException for unknown names, mistyped or out-of-range arguments
     */
    public MaskSpec resolve(MaskSpec spec) {
        return resolve(spec, null);
    }

    private MaskSpec resolve(MaskSpec spec, String text) {
        return resolve(spec, text, 0);
    }

    private MaskSpec resolve(MaskSpec spec, String text, int depth) {
        checkDepth(spec, text, depth);
        if (spec instanceof MaskSpec.Not n) return new MaskSpec.Not(resolve(n.operand(), text, depth + 1));
        if (spec instanceof MaskSpec.Chain c) {
            List<MaskSpec> operands = new ArrayList<>(c.operands().size());
            for (MaskSpec o : c.operands()) operands.add(resolve(o, text, depth + 1));
            return new MaskSpec.Chain(c.connective(), operands);
        }
        MaskSpec.Call call = (MaskSpec.Call) spec;
        MaskArguments args = arguments(call, text);
        return new MaskSpec.Call(call.name(), args.values(), call.column(), Map.of());
    }

    /**
     * Specs built in code can nest without the parser's check; refuse them before the stack does.
     * Parsed specs nest at most {@link MaskSpec#MAX_DEPTH} operators deep around each call, plus one
     * chain level per parenthesis, so twice the limit never refuses a parsed spec.
     */
    private static void checkDepth(MaskSpec spec, String text, int depth) {
        if (depth > 2 * MaskSpec.MAX_DEPTH + 2) {
            int column = spec instanceof MaskSpec.Call c ? c.column() : 0;
            throw new MaskSpecException("mask spec nests deeper than " + (2 * MaskSpec.MAX_DEPTH + 2)
                    + " operators; flatten it or use '&' / '|' chains", text, column);
        }
    }

    private MaskArguments arguments(MaskSpec.Call call, String text) {
        MaskStrategy s = strategies.get(call.name());
        if (s == null) throw new MaskSpecException(unknown(call.name(), call.column()), text, call.column());
        return MaskArguments.resolve("mask", s.name(), s.parameters(), s::validate, call, text);
    }

    /**
     * Parses a spec and creates its mask for a context.
     *
     * @param text the spec
     * @param context the context
     * @return the mask
     * @throws MaskSpecException for a malformed spec
     * @throws IllegalArgumentException if the context lacks a field a strategy needs
     */
    public Mask create(String text, MaskContext context) {
        Objects.requireNonNull(context, "context");
        return bind(MaskSpec.parse(text), text, context, 0);
    }

    /**
     * Creates the mask of a spec for a context.
     *
     * @param spec the spec (checked against this registry first)
     * @param context the context
     * @return the mask
     * @throws MaskSpecException for unknown names or bad arguments
     * @throws IllegalArgumentException if the context lacks a field a strategy needs
     */
    public Mask create(MaskSpec spec, MaskContext context) {
        Objects.requireNonNull(context, "context");
        return bind(spec, null, context, 0);
    }

    private Mask bind(MaskSpec spec, String text, MaskContext context, int depth) {
        checkDepth(spec, text, depth);
        if (spec instanceof MaskSpec.Not n) return new NotMask(bind(n.operand(), text, context, depth + 1));
        if (spec instanceof MaskSpec.Chain c) {
            List<Mask> operands = new ArrayList<>(c.operands().size());
            for (MaskSpec o : c.operands()) operands.add(bind(o, text, context, depth + 1));
            return new ChainMask(c.connective(), operands);
        }
        MaskSpec.Call call = (MaskSpec.Call) spec;
        return Masks.create(strategies.get(call.name()), arguments(call, text), context);
    }

    /**
     * A help text: every strategy with its description, parameters and needed context fields.
     *
     * @return one block per strategy, sorted by name
     */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (MaskStrategy s : strategies.values()) {
            b.append(s.name());
            if (!s.description().isEmpty()) b.append(" — ").append(s.description());
            b.append('\n');
            for (MaskParameter p : s.parameters()) b.append("    ").append(p).append('\n');
            if (!s.needs().isEmpty()) b.append("    needs ").append(s.needs()).append('\n');
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "MaskRegistry" + strategies.keySet() + (problems.isEmpty() ? "" : " with " + problems.size() + " problems");
    }
}
