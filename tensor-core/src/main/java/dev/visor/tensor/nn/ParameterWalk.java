package dev.visor.tensor.nn;

import dev.visor.tensor.Tensor;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One walk of a module tree's parameters ({@link Module#namedParameters()} and {@link Module#parameters()}),
 * which a module keeps and hands out again while it is {@link #current}: a training step asks for its
 * model's parameters every step, and each walk builds every dotted name anew (51 kB per walk of the
 * base-size model, two walks per 1-thread step, before this cache).
 *
 * <p>A walk is current while no module of this JVM has registered a parameter or a child since it was made.
 * One count for every module, because a child does not know its parents (it may have several), so a
 * registration deep in a tree, or a {@link ModuleList#add} after construction, cannot reach the walks kept
 * above it. A registration anywhere only makes the next call walk again; a training loop registers nothing.
 * The walk is immutable, so a module may hand it to any thread.
 *
 * @param registrations the registration count the walk was made at
 * @param named parameters by dotted name, unmodifiable
 * @param list the same parameters, unmodifiable
 */
record ParameterWalk(long registrations, Map<String, Tensor> named, List<Tensor> list) {
    /** How many parameters and children every module of this JVM has registered so far. */
    private static final AtomicLong REGISTRATIONS = new AtomicLong();

    /** Called by {@link Module} after each registration of a parameter or a child. */
    static void registered() {
        REGISTRATIONS.incrementAndGet();
    }

    /**
     * The registration count now: read it before walking, so that a registration during the walk leaves the
     * walk stale.
     */
    static long now() {
        return REGISTRATIONS.get();
    }

    /**
     * A walk made at {@code registrations} from its named parameters.
     *
     * @param registrations {@link #now()} read before the walk
     * @param named the walk's parameters by name (wrapped, not copied: the caller hands it over)
     * @return the walk
     */
    static ParameterWalk of(long registrations, Map<String, Tensor> named) {
        return new ParameterWalk(registrations, Collections.unmodifiableMap(named), List.copyOf(named.values()));
    }

    /** Whether nothing has been registered anywhere since this walk was made. */
    boolean current() {
        return registrations == REGISTRATIONS.get();
    }
}
