package dev.visor.attention;

import dev.visor.mask.CompiledMask;
import dev.visor.mask.CompiledMaskCache;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskSpec;
import java.util.Objects;

/**
 * The one path from a mask spec to what the kernel reads: {@code spec → Mask → CompiledMask}. It
 * resolves spec strings once, at the edge ({@link #resolve}), and per call creates the mask for a
 * context and takes its block layout from a {@link CompiledMaskCache}, keyed by the mask's content
 * (so two layers, or two forwards, with the same spec and the same per-batch data share one compiled
 * mask). A model gets one compiler from its injector; nothing here is static.
 *
 * <pre>{@code
 * MaskCompiler masks = new MaskCompiler(MaskRegistry.load(), new CompiledMaskCache(256));
 * MaskSpec spec = masks.resolve("causal & padding");                          // once, at the edge
 * CompiledMask cm = masks.compile(spec, inputs.context(batch, heads, lq, lk, 0)); // per forward
 * }</pre>
 */
public final class MaskCompiler {
    /** Entries of the cache {@link #load()} creates. */
    public static final int DEFAULT_CAPACITY = 256;

    private final MaskRegistry registry;
    private final CompiledMaskCache cache;

    /**
     * A compiler over a registry and a cache.
     *
     * @param registry resolves strategy names
     * @param cache holds compiled masks by content
     */
    public MaskCompiler(MaskRegistry registry, CompiledMaskCache cache) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.cache = Objects.requireNonNull(cache, "cache");
    }

    /**
     * A compiler over every strategy on the class path and a fresh cache of {@value #DEFAULT_CAPACITY}
     * entries, for code that builds attention by hand (an injector binds its own).
     *
     * @return the compiler
     */
    public static MaskCompiler load() {
        return new MaskCompiler(MaskRegistry.load(), new CompiledMaskCache(DEFAULT_CAPACITY));
    }

    /**
     * Parses a spec string and checks it against the registry.
     *
     * @param spec e.g. {@code "causal & sliding_window(left=128)"}
     * @return the checked spec with every parameter filled in
     * @throws dev.visor.mask.MaskSpecException naming the column and what was expected
     */
    public MaskSpec resolve(String spec) {
        return registry.parse(Objects.requireNonNull(spec, "spec"));
    }

    /**
     * The mask of a spec for a context, compiled with the kernel's block size for it (from the cache when an
     * equal mask was compiled for the same shape before).
     *
     * @param spec a resolved spec
     * @param context the call's context
     * @return the compiled mask
     * @throws IllegalArgumentException if the context lacks data a strategy needs
     * @throws dev.visor.mask.MaskVerificationException if a plugin's block classes contradict its predicate
     */
    public CompiledMask compile(MaskSpec spec, MaskContext context) {
        return compile(registry.create(Objects.requireNonNull(spec, "spec"), context), context);
    }

    /**
     * A mask compiled for a context's shape with the kernel's block size.
     *
     * @param mask the mask
     * @param context the call's context (only its shape is read)
     * @return the compiled mask
     */
    public CompiledMask compile(Mask mask, MaskContext context) {
        return compile(mask, context.shape());
    }

    /**
     * A mask compiled for a shape with the kernel's block size: {@value FlashAttention#DEFAULT_BLOCK},
     * or a smaller one where the mask's blocks are mostly PARTIAL and smaller tiles cost less (see
     * {@link KernelBlocks}); each size is compiled once and cached.
     *
     * @param mask the mask
     * @param shape the call's shape
     * @return the compiled mask
     */
    public CompiledMask compile(Mask mask, MaskShape shape) {
        CompiledMask first = cache.get(mask, shape, FlashAttention.DEFAULT_BLOCK, FlashAttention.DEFAULT_BLOCK);
        return KernelBlocks.choose(first, b -> cache.get(mask, shape, b, b));
    }

    /** @return the registry specs resolve in */
    public MaskRegistry registry() {
        return registry;
    }

    /** @return the cache of compiled masks */
    public CompiledMaskCache cache() {
        return cache;
    }
}
