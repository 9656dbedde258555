package dev.visor.transformer;

import dev.visor.mask.MaskSpec;
import dev.visor.mask.MaskSpecException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The mask spec of every attention site, with per-layer overrides: layer {@code i} of a site uses
 * its override if it has one, otherwise the site's spec. Specs are spec strings of the mask registry
 * ({@code "causal & sliding_window(left=256)"}); their syntax is checked here and they are kept in
 * canonical form, while strategy names are resolved against the registry when a model is built (so a
 * plugin on the class path can be named without any code change).
 *
 * <pre>{@code
 * // alternate sliding-window and full causal layers in a 4-layer decoder (as in Gemma 2 or GPT-3)
 * MaskPlan plan = MaskPlan.defaults()
 *         .withLayers(AttentionSite.DECODER_SELF, "causal & padding & sliding_window(left=256)", 0, 2);
 * plan.spec(AttentionSite.DECODER_SELF, 1);   // "causal & padding"
 * }</pre>
 *
 * @param sites     the spec of each site (all three present)
 * @param overrides per site, layer index → spec (only sites that have overrides are present)
 */
public record MaskPlan(Map<AttentionSite, String> sites, Map<AttentionSite, SortedMap<Integer, String>> overrides)
        implements MaskPlanJson.Plan {

    /**
     * Checks every spec's syntax, canonicalises it, and freezes the maps.
     *
     * @param sites the mask spec of every site
     * @param overrides the per-layer overrides of each site
     */
    public MaskPlan {
        sites = SitePlans.sites(sites, "mask", MaskPlan::canonical);
        overrides = SitePlans.overrides(overrides, "mask", MaskPlan::canonical);
    }

    /**
     * Every site at its default: {@code padding}, {@code causal & padding}, {@code padding}; no overrides.
     *
     * @return every site at its default: {@code padding}, {@code causal & padding}, {@code padding}; no overrides
     */
    public static MaskPlan defaults() {
        EnumMap<AttentionSite, String> s = new EnumMap<>(AttentionSite.class);
        for (AttentionSite site : AttentionSite.values()) {
            s.put(site, site.defaultSpec());
        }
        return new MaskPlan(s, Map.of());
    }

    /**
     * The spec used by layer {@code layer} at {@code site}: its override, else the site's spec.
     *
     * @param site the attention site
     * @param layer the layer index
     * @return the spec used by layer {@code layer} at {@code site}: its override, else the site's spec
     */
    public String spec(AttentionSite site, int layer) {
        return SitePlans.spec(sites, overrides, site, layer);
    }

    /**
     * The spec of {@code site} for layers without an override.
     *
     * @param site the attention site
     * @return the spec of {@code site} for layers without an override
     */
    public String spec(AttentionSite site) {
        return sites.get(Objects.requireNonNull(site, "site"));
    }

    /**
     * The per-layer overrides of {@code site} (empty when it has none).
     *
     * @param site the attention site
     * @return the per-layer overrides of {@code site} (empty when it has none)
     */
    public SortedMap<Integer, String> overrides(AttentionSite site) {
        return SitePlans.overrides(overrides, site);
    }

    /**
     * This plan with {@code site}'s spec replaced (its per-layer overrides still win).
     *
     * @param site the attention site
     * @param spec the mask spec
     * @return this plan with {@code site}'s spec replaced (its per-layer overrides still win)
     */
    public MaskPlan with(AttentionSite site, String spec) {
        return new MaskPlan(SitePlans.with(sites, site, spec), overrides);
    }

    /**
     * This plan with layers {@code layers} of {@code site} overridden by {@code spec}.
     *
     * @param site the attention site
     * @param spec the mask spec
     * @param layers the layers
     * @return this plan with layers {@code layers} of {@code site} overridden by {@code spec}
     */
    public MaskPlan withLayers(AttentionSite site, String spec, int... layers) {
        return new MaskPlan(sites, SitePlans.withLayers(overrides, site, spec, layers));
    }

    /**
     * This plan without any override for {@code site}.
     *
     * @param site the attention site
     * @return this plan without any override for {@code site}
     */
    public MaskPlan withoutOverrides(AttentionSite site) {
        return new MaskPlan(sites, SitePlans.without(overrides, site));
    }

    /**
     * Checks that every override of {@code site} names a layer below {@code layers}.
     *
     * @throws IllegalArgumentException naming the site, the layer and the layer count
     */
    void checkLayers(AttentionSite site, int layers, String architecture) {
        SitePlans.checkLayers(overrides(site), "mask", site, layers, architecture);
    }

    private static String canonical(String spec, String where) {
        Objects.requireNonNull(spec, "spec of " + where);
        try {
            return MaskSpec.parse(spec).toString();
        } catch (MaskSpecException e) {
            throw new IllegalArgumentException("the mask spec of " + where + " is malformed: " + e.getMessage(), e);
        }
    }
}
