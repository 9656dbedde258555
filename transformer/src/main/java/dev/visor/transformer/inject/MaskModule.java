package dev.visor.transformer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import dev.visor.attention.MaskCompiler;
import dev.visor.mask.CompiledMaskCache;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskSpecException;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.MaskPlan;
import dev.visor.transformer.TransformerConfig;
import java.util.EnumMap;
import java.util.Objects;

/**
 * Binds the mask registry (default: every strategy on the class path, plugins included, via
 * {@link MaskRegistry#load()}), the score-modifier registry (likewise, {@link ScoreModifierRegistry#load()};
 * the attention factory creates each layer's score spec with it), the cache of compiled masks (default: {@value MaskCompiler#DEFAULT_CAPACITY}
 * entries, one per injector), the {@link MaskCompiler} over both, and the mask spec of each attention
 * site (default: the config's, under the binding annotations of {@link SiteMask}); and provides the
 * resulting {@link MaskPlan} after checking every spec of every layer against the registry — an
 * unknown name fails here, naming the site and layer, rather than at the first forward pass. The
 * registry, the cache and the site specs are {@link OptionalBinder} defaults:
 *
 * <pre>{@code
 * // in a module of your own:
 * OptionalBinder.newOptionalBinder(binder(), MaskModule.siteKey(AttentionSite.DECODER_SELF))
 *         .setBinding().toInstance("causal & padding & sliding_window(left=64)");
 * OptionalBinder.newOptionalBinder(binder(), MaskRegistry.class)
 *         .setBinding().toInstance(MaskRegistry.load().with(new MyStrategy()));
 * OptionalBinder.newOptionalBinder(binder(), ScoreModifierRegistry.class)
 *         .setBinding().toInstance(ScoreModifierRegistry.load().with(new MyModifierStrategy()));
 * OptionalBinder.newOptionalBinder(binder(), CompiledMaskCache.class)
 *         .setBinding().toInstance(new CompiledMaskCache(1024, MaskVerification.FULL));
 * }</pre>
 *
 * A site binding replaces that site's spec; the config's per-layer overrides still apply on top.
 */
public final class MaskModule extends AbstractModule {
    private final TransformerConfig config;

    /**
     * Defaults from {@code config}.
     *
     * @param config the model configuration
     */
    public MaskModule(TransformerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * The key of a site's mask spec: a {@code String} annotated with the site's {@link SiteMask} annotation.
     *
     * @param site encoder self-attention, decoder self-attention or cross-attention
     * @return the Guice key under which the site's spec string is bound
     */
    public static Key<String> siteKey(AttentionSite site) {
        return switch (site) {
            case ENCODER_SELF -> Key.get(String.class, SiteMask.EncoderSelf.class);
            case DECODER_SELF -> Key.get(String.class, SiteMask.DecoderSelf.class);
            case CROSS -> Key.get(String.class, SiteMask.Cross.class);
        };
    }

    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), MaskRegistry.class).setDefault().toProvider(MaskRegistry::load)
                .in(Singleton.class);
        OptionalBinder.newOptionalBinder(binder(), ScoreModifierRegistry.class).setDefault()
                .toProvider(ScoreModifierRegistry::load).in(Singleton.class);
        OptionalBinder.newOptionalBinder(binder(), CompiledMaskCache.class).setDefault()
                .toProvider(() -> new CompiledMaskCache(MaskCompiler.DEFAULT_CAPACITY)).in(Singleton.class);
        for (AttentionSite site : AttentionSite.values()) {
            OptionalBinder.newOptionalBinder(binder(), siteKey(site)).setDefault().toInstance(config.masks().spec(site));
        }
    }

    @Provides
    @Singleton
    MaskCompiler maskCompiler(MaskRegistry registry, CompiledMaskCache cache) {
        return new MaskCompiler(registry, cache);
    }

    @Provides
    @Singleton
    MaskPlan maskPlan(TransformerConfig cfg, MaskRegistry registry, @SiteMask.EncoderSelf String encoderSelf,
                      @SiteMask.DecoderSelf String decoderSelf, @SiteMask.Cross String cross) {
        EnumMap<AttentionSite, String> sites = new EnumMap<>(AttentionSite.class);
        sites.put(AttentionSite.ENCODER_SELF, encoderSelf);
        sites.put(AttentionSite.DECODER_SELF, decoderSelf);
        sites.put(AttentionSite.CROSS, cross);
        MaskPlan plan = new MaskPlan(sites, cfg.masks().overrides());
        check(plan, registry, AttentionSite.ENCODER_SELF, cfg.encoderLayers());
        check(plan, registry, AttentionSite.DECODER_SELF, cfg.decoderLayers());
        if (cfg.architecture() == TransformerConfig.Architecture.ENCODER_DECODER) {
            check(plan, registry, AttentionSite.CROSS, cfg.decoderLayers());
        }
        return plan;
    }

    /**
     * Resolves every spec {@code site} uses in {@code layers} layers against {@code registry}.
     *
     * @param plan the mask plan
     * @param registry the mask registry
     * @param site the attention site
     * @param layers the layers
     * @throws IllegalArgumentException naming the site, the layer, the spec and the registry's complaint
     */
    public static void check(MaskPlan plan, MaskRegistry registry, AttentionSite site, int layers) {
        for (int i = 0; i < layers; i++) {
            String spec = plan.spec(site, i);
            try {
                registry.parse(spec);
            } catch (MaskSpecException e) {
                throw new IllegalArgumentException("the " + site.key() + " mask of layer " + i + ", '" + spec + "', is invalid: "
                        + e.getMessage(), e);
            }
        }
    }
}
