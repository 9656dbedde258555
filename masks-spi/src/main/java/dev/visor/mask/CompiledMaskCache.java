package dev.visor.mask;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A bounded, thread-safe, least-recently-used cache of compiled masks keyed by (mask, shape, block
 * sizes). Mask equality is structural, so every layer of a model that asks for the same spec, context
 * and blocks gets the same {@link CompiledMask}; a key is compiled once even when threads ask for it
 * at the same time. There is no process-wide instance: whoever owns the model owns its cache (a
 * Guice injector binds one).
 *
 * <pre>{@code
 * CompiledMaskCache cache = new CompiledMaskCache(64);
 * CompiledMask cm = cache.get(mask, ctx.shape(), 64, 64); // compiled once, then reused
 * }</pre>
 */
public final class CompiledMaskCache {
    /** The verification mode is part of the key: a mask compiled while trusted is verified when the mode changes. */
    private record Key(Mask mask, MaskShape shape, int blockQ, int blockK, MaskVerification verification) {}

    private final int capacity;
    private final MaskVerification verification; // null: the system property, read at each compile
    private final LinkedHashMap<Key, CompletableFuture<CompiledMask>> entries;
    private long hits;
    private long misses;

    /**
     * A cache holding at most {@code capacity} compiled masks.
     *
     * @param capacity at least 1
     */
    public CompiledMaskCache(int capacity) {
        this(capacity, null);
    }

    /**
     * A cache holding at most {@code capacity} compiled masks that verifies each mask's block classes
     * as {@code verification} says when it compiles it (see {@link MaskVerification}).
     *
     * @param capacity at least 1
     * @param verification the verification mode, or null for {@link MaskVerification#configured()} at each compile
     */
    public CompiledMaskCache(int capacity, MaskVerification verification) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1 but was " + capacity);
        this.capacity = capacity;
        this.verification = verification;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, CompletableFuture<CompiledMask>> eldest) {
                return size() > CompiledMaskCache.this.capacity;
            }
        };
    }

    /**
     * The compiled mask for a key, compiling it on a miss.
     *
     * @param mask the mask
     * @param shape the shape
     * @param blockQ queries per block
     * @param blockK keys per block
     * @return the compiled mask
     * @throws IllegalArgumentException as {@link CompiledMask#compile} does
     * @throws MaskVerificationException if verification finds a leaf whose classify contradicts its predicate
     */
    public CompiledMask get(Mask mask, MaskShape shape, int blockQ, int blockK) {
        MaskVerification mode = verification != null ? verification : MaskVerification.configured();
        Key key = new Key(Objects.requireNonNull(mask, "mask"), Objects.requireNonNull(shape, "shape"), blockQ, blockK, mode);
        CompletableFuture<CompiledMask> future;
        boolean owner = false;
        synchronized (entries) {
            future = entries.get(key);
            if (future == null) {
                future = new CompletableFuture<>();
                entries.put(key, future);
                owner = true;
                misses++;
            } else {
                hits++;
            }
        }
        if (owner) {
            try {
                future.complete(CompiledMask.compile(mask, shape, blockQ, blockK, mode));
            } catch (RuntimeException | Error e) {
                synchronized (entries) {
                    entries.remove(key, future);
                }
                future.completeExceptionally(e);
                throw e;
            }
        }
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw e;
        }
    }

    /** @return the number of cached entries */
    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    /** @return the maximum number of entries */
    public int capacity() {
        return capacity;
    }

    /** @return how many lookups found an entry */
    public long hits() {
        synchronized (entries) {
            return hits;
        }
    }

    /** @return how many lookups compiled */
    public long misses() {
        synchronized (entries) {
            return misses;
        }
    }

    /** Drops every entry (the hit and miss counts stay). */
    public void clear() {
        synchronized (entries) {
            entries.clear();
        }
    }
}
