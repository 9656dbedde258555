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
 * Score-modifier strategies by name, loaded exactly like {@link MaskRegistry} loads masks (defensive
 * {@link ServiceLoader} walk, built-ins keep their names, one bad provider becomes a
 * {@link MaskRegistry.Problem} of kind {@code score modifier}), and the front door that turns score
 * specs into {@link ScoreModifier}s.
 *
 * <p>A score spec is a pipeline of calls in the mask call syntax, applied left to right:
 * <pre>
 * score = call { "&gt;&gt;" call }        e.g.  softcap(cap=30) &gt;&gt; alibi
 * </pre>
 * {@link #parse} checks names and types and fills defaults, so the canonical form prints every
 * parameter: {@code softcap(cap=30.0) >> alibi(slopes=[])}.
 *
 * <pre>{@code
 * ScoreModifierRegistry registry = ScoreModifierRegistry.load();
 * ScoreModifier m = registry.create("softcap(cap=30) >> alibi", new ScoreContext(8));
 * m.spec();   // "softcap(cap=30.0) >> alibi(slopes=[])"
 * }</pre>
 *
 * @since 0.2
 */
public final class ScoreModifierRegistry {
    private static final String KIND = "score modifier";

    private final Map<String, ScoreModifierStrategy> strategies; // sorted by name
    private final List<MaskRegistry.Problem> problems;

    private ScoreModifierRegistry(Map<String, ScoreModifierStrategy> strategies, List<MaskRegistry.Problem> problems) {
        this.strategies = Collections.unmodifiableMap(strategies);
        this.problems = List.copyOf(problems);
    }

    /**
     * Loads every provider visible to the thread's context class loader (or this class's loader).
     *
     * @return the registry
     */
    public static ScoreModifierRegistry load() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return load(loader != null ? loader : ScoreModifierRegistry.class.getClassLoader());
    }

    /**
     * Loads every provider visible to a class loader.
     *
     * @param loader the class loader
     * @return the registry
     */
    public static ScoreModifierRegistry load(ClassLoader loader) {
        return fromServiceLoader(ServiceLoader.load(ScoreModifierStrategy.class, loader));
    }

    /**
     * Loads every provider of the modules in a layer and its ancestors.
     *
     * @param layer the module layer
     * @return the registry
     */
    public static ScoreModifierRegistry load(ModuleLayer layer) {
        return fromServiceLoader(ServiceLoader.load(Objects.requireNonNull(layer, "layer"), ScoreModifierStrategy.class));
    }

    /**
     * A registry of exactly these strategies (no service loading).
     *
     * @param strategies the strategies
     * @return the registry
     * @throws IllegalStateException if two share a name
     */
    public static ScoreModifierRegistry of(ScoreModifierStrategy... strategies) {
        return new ScoreModifierRegistry(new TreeMap<>(), List.of()).with(strategies);
    }

    /**
     * A registry of exactly the built-in score modifiers (no service loading): how code outside this
     * module reaches them, since their classes are not exported to plugins.
     *
     * @return a new registry of the built-ins
     * @since 0.3
     */
    public static ScoreModifierRegistry builtins() {
        return dev.visor.mask.builtin.Builtins.scoreRegistry();
    }

    private static ScoreModifierRegistry fromServiceLoader(ServiceLoader<ScoreModifierStrategy> loader) {
        Map<String, ScoreModifierStrategy> found = new TreeMap<>();
        List<MaskRegistry.Problem> problems = new ArrayList<>();
        collect(loader, false, "?", found, problems);
        return new ScoreModifierRegistry(found, problems);
    }

    /**
     * This registry plus the providers one class loader finds (e.g. one plugin jar's), as defensively
     * as {@link #load()}; see {@link MaskRegistry#withProviders}.
     *
     * @param loader the class loader whose providers to add
     * @param origin where they come from, for problem reports
     * @return a new registry
     */
    public ScoreModifierRegistry withProviders(ClassLoader loader, String origin) {
        Objects.requireNonNull(loader, "loader");
        Objects.requireNonNull(origin, "origin");
        Map<String, ScoreModifierStrategy> all = new TreeMap<>(strategies);
        List<MaskRegistry.Problem> allProblems = new ArrayList<>(problems);
        collect(ServiceLoader.load(ScoreModifierStrategy.class, loader), true, origin, all, allProblems);
        return new ScoreModifierRegistry(all, allProblems);
    }

    private static void collect(ServiceLoader<ScoreModifierStrategy> loader, boolean adding, String origin,
                                Map<String, ScoreModifierStrategy> into, List<MaskRegistry.Problem> problems) {
        Providers.collect(ScoreModifierStrategy.class, KIND, loader, adding, origin, ScoreModifierStrategy::name,
                ScoreModifierRegistry::checkProvider, into, problems);
    }

    private static void checkProvider(ScoreModifierStrategy s) {
        Providers.describing(s, () -> {
            s.name();
            s.description();
            s.parameters();
        });
        Providers.checkName(s, s.name());
    }

    /**
     * This registry plus explicitly registered strategies.
     *
     * @param more the strategies
     * @return a new registry
     * @throws IllegalArgumentException if a name is not lower snake case
     * @throws IllegalStateException if a name is already taken (naming both classes)
     */
    public ScoreModifierRegistry with(ScoreModifierStrategy... more) {
        Map<String, ScoreModifierStrategy> all = new TreeMap<>(strategies);
        for (ScoreModifierStrategy s : more) {
            Providers.checkName(Objects.requireNonNull(s, "strategy"), s.name());
            ScoreModifierStrategy previous = all.putIfAbsent(s.name(), s);
            if (previous != null) {
                throw new IllegalStateException(KIND + " name '" + s.name() + "' is provided by both "
                        + previous.getClass().getName() + " and " + s.getClass().getName());
            }
        }
        return new ScoreModifierRegistry(all, problems);
    }

    /** @return the registered names, sorted */
    public SortedSet<String> names() {
        return Collections.unmodifiableSortedSet(new TreeSet<>(strategies.keySet()));
    }

    /** @return the strategies, sorted by name */
    public Collection<ScoreModifierStrategy> strategies() {
        return strategies.values();
    }

    /** @return the providers that failed to load, in discovery order */
    public List<MaskRegistry.Problem> problems() {
        return problems;
    }

    /**
     * Whether a strategy is one of the built-ins of this module (as {@link MaskRegistry#isBuiltin} for masks).
     *
     * @param strategy the strategy
     * @return true for the built-ins, false for plugins
     * @since 0.2
     */
    public static boolean isBuiltin(ScoreModifierStrategy strategy) {
        return Providers.isBuiltin(Objects.requireNonNull(strategy, "strategy"));
    }

    /**
     * Looks up a strategy.
     *
     * @param name the name
     * @return the strategy, if registered
     */
    public Optional<ScoreModifierStrategy> find(String name) {
        return Optional.ofNullable(strategies.get(name));
    }

    /**
     * Parses a score spec (syntax only, no names checked): the calls of a {@code >>} pipeline.
     *
     * @param text the spec
     * @return the calls, first applied first
     * @throws MaskSpecException naming the column for malformed text
     */
    public static List<MaskSpec.Call> parseSyntax(String text) {
        return new SpecParser(Objects.requireNonNull(text, "text")).pipeline();
    }

    /**
     * Parses a score spec and checks it against this registry, filling in defaults.
     *
     * @param text the spec, e.g. {@code softcap(cap=30) >> alibi}
     * @return the checked calls, each printing every declared parameter
     * @throws MaskSpecException for malformed text, unknown names, mistyped or out-of-range arguments
     */
    public List<MaskSpec.Call> parse(String text) {
        List<MaskSpec.Call> calls = parseSyntax(text);
        List<MaskSpec.Call> out = new ArrayList<>(calls.size());
        for (MaskSpec.Call c : calls) out.add(new MaskSpec.Call(c.name(), arguments(c, text).values(), c.column(), Map.of()));
        return List.copyOf(out);
    }

    /**
     * The canonical form of a score spec: {@code a(...) >> b(...)} with every parameter printed.
     *
     * @param text the spec
     * @return its canonical text; parsing that gives the same canonical text
     * @throws MaskSpecException as {@link #parse}
     */
    public String canonical(String text) {
        StringBuilder b = new StringBuilder();
        for (MaskSpec.Call c : parse(text)) b.append(b.length() == 0 ? "" : " >> ").append(c);
        return b.toString();
    }

    /**
     * Parses a score spec and creates its modifier for an attention site.
     *
     * @param text the spec
     * @param context the site
     * @return one modifier, or a {@link ScoreModifierChain} for several
     * @throws MaskSpecException for a malformed spec
     * @throws IllegalArgumentException when a strategy refuses the context (e.g. a slope list of the wrong length)
     */
    public ScoreModifier create(String text, ScoreContext context) {
        Objects.requireNonNull(context, "context");
        List<MaskSpec.Call> calls = parseSyntax(text);
        List<ScoreModifier> stages = new ArrayList<>(calls.size());
        for (MaskSpec.Call c : calls) stages.add(create(strategies.get(c.name()), arguments(c, text), context));
        return ScoreModifierChain.of(stages);
    }

    /**
     * Creates one modifier from checked arguments, checking what the strategy returns.
     *
     * @param strategy the strategy
     * @param args its arguments
     * @param context the site
     * @return the modifier
     * @throws IllegalStateException if the strategy returns null
     */
    public static ScoreModifier create(ScoreModifierStrategy strategy, MaskArguments args, ScoreContext context) {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(context, "context");
        if (!strategy.name().equals(args.strategyName())) {
            throw new IllegalArgumentException("arguments for '" + args.strategyName() + "' given to " + KIND + " '"
                    + strategy.name() + "'");
        }
        strategy.validate(args);
        ScoreModifier m = strategy.create(args, context);
        if (m == null) {
            throw new IllegalStateException(KIND + " strategy " + strategy.getClass().getName() + " returned null for "
                    + args.toSpec());
        }
        return m;
    }

    private MaskArguments arguments(MaskSpec.Call call, String text) {
        ScoreModifierStrategy s = strategies.get(call.name());
        if (s == null) {
            int column = call.column();
            throw new MaskSpecException("unknown " + KIND + " " + Names.quote(call.name())
                    + (column > 0 ? " at column " + column : "") + Names.suggest(call.name(), strategies.keySet(),
                    "available"), text, column);
        }
        return MaskArguments.resolve(KIND, s.name(), s.parameters(), s::validate, call, text);
    }

    /**
     * A help text: every strategy with its description and parameters.
     *
     * @return one block per strategy, sorted by name
     */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (ScoreModifierStrategy s : strategies.values()) {
            b.append(s.name());
            if (!s.description().isEmpty()) b.append(" — ").append(s.description());
            b.append('\n');
            for (MaskParameter p : s.parameters()) b.append("    ").append(p).append('\n');
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "ScoreModifierRegistry" + strategies.keySet()
                + (problems.isEmpty() ? "" : " with " + problems.size() + " problems");
    }
}
