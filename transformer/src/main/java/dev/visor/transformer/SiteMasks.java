package dev.visor.transformer;

import dev.visor.attention.MaskCompiler;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The masks of one attention site across the layers of a stack: each layer's spec, resolved once when
 * the model is built, and the {@link MaskCompiler} that compiles them. {@link #compile} runs once per
 * forward and compiles each <em>distinct</em> spec once, so every layer that shares a spec gets the
 * same {@link CompiledMask} (and the compiler's cache, keyed by content, serves later forwards with
 * the same per-batch data).
 *
 * <pre>{@code
 * SiteMasks masks = SiteMasks.of(compiler, List.of("causal & padding", "causal & padding"));
 * CompiledMask[] perLayer = masks.compile(inputs.context(batch, heads, n, n, 0));  // one compile, two layers
 * }</pre>
 */
public final class SiteMasks {
    private final MaskCompiler compiler;
    private final MaskSpec[] specs;    // per layer; equal specs are the same instance
    private final int[] firstUse;      // per layer, the first layer with the same spec

    private SiteMasks(MaskCompiler compiler, List<MaskSpec> resolved) {
        this.compiler = Objects.requireNonNull(compiler, "compiler");
        this.specs = new MaskSpec[resolved.size()];
        this.firstUse = new int[resolved.size()];
        Map<String, Integer> seen = new HashMap<>();      // canonical spec → first layer using it
        for (int i = 0; i < specs.length; i++) {
            MaskSpec s = Objects.requireNonNull(resolved.get(i), "spec of layer " + i);
            Integer earlier = seen.putIfAbsent(s.toString(), i);
            firstUse[i] = earlier == null ? i : earlier;
            specs[i] = earlier == null ? s : specs[earlier];
        }
    }

    /**
     * Resolves one spec string per layer (strings end here).
     *
     * @param compiler resolves and compiles
     * @param specs one spec per layer
     * @return the site's masks
     * @throws IllegalArgumentException naming the layer and the spec when one does not resolve
     */
    public static SiteMasks of(MaskCompiler compiler, List<String> specs) {
        Objects.requireNonNull(compiler, "compiler");
        List<MaskSpec> resolved = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            try {
                resolved.add(compiler.resolve(specs.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("the mask of layer " + i + ", '" + specs.get(i) + "', is invalid: " + e.getMessage(), e);
            }
        }
        return new SiteMasks(compiler, resolved);
    }

    /** @return the number of layers */
    public int layers() {
        return specs.length;
    }

    /**
     * @param layer a layer index
     * @return its resolved spec
     */
    public MaskSpec spec(int layer) {
        return specs[layer];
    }

    /** @return the canonical spec of every layer, for display and checkpoints */
    public List<String> specStrings() {
        return Arrays.stream(specs).map(MaskSpec::toString).toList();
    }

    /**
     * The compiled mask of every layer for one call, each distinct spec compiled once.
     *
     * @param context the call's context (shape, offset and per-batch data)
     * @return one compiled mask per layer; layers with equal specs share the object
     */
    public CompiledMask[] compile(MaskContext context) {
        CompiledMask[] out = new CompiledMask[specs.length];
        for (int i = 0; i < specs.length; i++) {
            out[i] = firstUse[i] < i ? out[firstUse[i]] : compiler.compile(specs[i], context);
        }
        return out;
    }
}
