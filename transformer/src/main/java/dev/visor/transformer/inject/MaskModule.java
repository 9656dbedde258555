package dev.visor.transformer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Key;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.name.Named;
import com.google.inject.name.Names;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskSpecException;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.MaskPlan;
import dev.visor.transformer.TransformerConfig;
import java.util.EnumMap;
import java.util.Objects;

/**
 * Binds the mask registry (default: every strategy on the class path, plugins included, via
 * {@link MaskRegistry#load()}) and the mask spec of each attention site (default: the config's), and
 * provides the resulting {@link MaskPlan} after checking every spec of every layer against the
 * registry — an unknown name fails here, naming the site and layer, rather than at the first forward
 * pass. Both are {@link OptionalBinder} defaults:
 *
 * <pre>{@code
 * // in a module of your own:
 * OptionalBinder.newOptionalBinder(binder(), MaskModule.siteKey(AttentionSite.DECODER_SELF))
 *         .setBinding().toInstance("causal & padding & sliding_window(left=64)");
 * OptionalBinder.newOptionalBinder(binder(), MaskRegistry.class)
 *         .setBinding().toInstance(MaskRegistry.load().with(new MyStrategy()));
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
     * The key of a site's mask spec: a {@code String} named {@code mask.<site>}, e.g. {@code mask.decoder_self}.
     *
     * @param site the attention site
     * @return the key of a site's mask spec: a {@code String} named {@code mask.<site>}
     */
    public static Key<String> siteKey(AttentionSite site) {
        return Key.get(String.class, Names.named("mask." + site.key()));
    }

    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), MaskRegistry.class).setDefault().toProvider(MaskRegistry::load)
                .in(Singleton.class);
        for (AttentionSite site : AttentionSite.values()) {
            OptionalBinder.newOptionalBinder(binder(), siteKey(site)).setDefault().toInstance(config.masks().spec(site));
        }
    }

    @Provides
    @Singleton
    MaskPlan maskPlan(TransformerConfig cfg, MaskRegistry registry, @Named("mask.encoder_self") String encoderSelf,
                      @Named("mask.decoder_self") String decoderSelf, @Named("mask.cross") String cross) {
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
