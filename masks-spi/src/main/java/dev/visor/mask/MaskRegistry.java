package dev.visor.mask;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Mask strategies by name: loaded with {@link ServiceLoader} (class path {@code META-INF/services}
 * and module path {@code provides}, the built-ins included) and/or registered explicitly; and the
 * front door that turns spec strings into masks.
 *
 * <p>Loading is defensive: a provider that cannot be loaded or instantiated is recorded in
 * {@link #problems()} (and logged) while the others still load. Two providers with the same name are
 * an error naming both classes. An immutable registry is safe to share between threads;
 * {@link #with} returns a new one.
 *
 * <pre>{@code
 * MaskRegistry registry = MaskRegistry.load();                 // built-ins + every plugin on the path
 * Mask mask = registry.create("causal & sliding_window(left=128)", ctx);
 * registry.parse("casual");   // MaskSpecException: unknown mask 'casual' at column 1; did you mean 'causal'? ...
 * }</pre>
 */
public final class MaskRegistry {
    private static final System.Logger LOG = System.getLogger(MaskRegistry.class.getName());
    /** Stop iterating a broken service loader after this many consecutive failures. */
    private static final int MAX_CONSECUTIVE_FAILURES = 100;

    private final Map<String, MaskStrategy> strategies; // sorted by name
    private final List<Problem> problems;

    /**
     * A provider that failed to load.
     *
     * @param provider the provider class name, or "?" if the failure happened before it was known
     * @param message what went wrong
     * @param cause the error or exception
     */
    public record Problem(String provider, String message, Throwable cause) {
        @Override
        public String toString() {
            return "mask provider " + provider + " failed to load: " + message;
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
     * @throws IllegalStateException if two providers share a name
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
     * @throws IllegalStateException if two providers share a name
     */
    public static MaskRegistry load(ClassLoader loader) {
        return fromServiceLoader(ServiceLoader.load(MaskStrategy.class, loader));
    }

    /**
     * Loads every provider of the modules in a layer and its ancestors ({@code provides} clauses).
     *
     * @param layer the module layer
     * @return the registry
     * @throws IllegalStateException if two providers share a name
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

    private static MaskRegistry fromServiceLoader(ServiceLoader<MaskStrategy> loader) {
        Map<String, MaskStrategy> found = new TreeMap<>();
        List<Problem> problems = new ArrayList<>();
        Iterator<ServiceLoader.Provider<MaskStrategy>> it = loader.stream().iterator();
        int consecutiveFailures = 0;
        while (consecutiveFailures < MAX_CONSECUTIVE_FAILURES) {
            ServiceLoader.Provider<MaskStrategy> provider;
            try {
                if (!it.hasNext()) break;
                provider = it.next();
            } catch (ServiceConfigurationError e) {
                problems.add(report(new Problem("?", e.getMessage(), e)));
                consecutiveFailures++;
                continue;
            }
            String type = provider.type().getName();
            MaskStrategy strategy;
            try {
                strategy = provider.get();
                checkName(strategy);
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                String message = e.getMessage();
                if (e instanceof ServiceConfigurationError && e.getCause() != null) {
                    message = message + ": " + e.getCause();
                }
                problems.add(report(new Problem(type, message, e)));
                consecutiveFailures++;
                continue;
            }
            consecutiveFailures = 0;
            add(found, strategy);
        }
        return new MaskRegistry(found, problems);
    }

    private static Problem report(Problem p) {
        LOG.log(System.Logger.Level.WARNING, p.toString());
        LOG.log(System.Logger.Level.DEBUG, p.toString(), p.cause());
        return p;
    }

    private static void checkName(MaskStrategy s) {
        String name = s.name();
        if (name == null || !MaskParameter.NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("strategy " + s.getClass().getName() + " has name '" + name
                    + "' but names must be lower snake case ([a-z][a-z0-9_]*)");
        }
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
        MaskArguments args = MaskArguments.check(s, call.arguments(), (parameter, head, tail) -> {
            int column = call.argumentColumn(parameter);
            return new MaskSpecException(head + (column > 0 ? " at column " + column : "") + tail, text, column);
        });
        try {
            s.validate(args);
        } catch (MaskSpecException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            int column = call.column();
            throw new MaskSpecException("invalid arguments for mask '" + call.name() + "'"
                    + (column > 0 ? " at column " + column : "") + ": " + e.getMessage(), text, column);
        }
        return args;
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
