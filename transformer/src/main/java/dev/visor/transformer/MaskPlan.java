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
public record MaskPlan(Map<AttentionSite, String> sites, Map<AttentionSite, SortedMap<Integer, String>> overrides) {

    /**
     * Checks every spec's syntax, canonicalises it, and freezes the maps.
     *
     * @param sites the mask spec of every site
     * @param overrides the per-layer overrides of each site
     */
    public MaskPlan {
        Objects.requireNonNull(sites, "sites");
        Objects.requireNonNull(overrides, "overrides");
        EnumMap<AttentionSite, String> s = new EnumMap<>(AttentionSite.class);
        for (AttentionSite site : AttentionSite.values()) {
            String spec = sites.get(site);
            if (spec == null) {
                throw new IllegalArgumentException("the mask plan has no spec for site '" + site.key() + "'");
            }
            s.put(site, canonical(spec, site.key()));
        }
        EnumMap<AttentionSite, SortedMap<Integer, String>> o = new EnumMap<>(AttentionSite.class);
        overrides.forEach((site, layers) -> {
            Objects.requireNonNull(site, "site");
            TreeMap<Integer, String> m = new TreeMap<>();
            Objects.requireNonNull(layers, "layers").forEach((layer, spec) -> {
                if (layer == null || layer < 0) {
                    throw new IllegalArgumentException("mask override for site '" + site.key() + "' has layer index "
                            + layer + "; layer indices start at 0");
                }
                m.put(layer, canonical(spec, site.key() + " layer " + layer));
            });
            if (!m.isEmpty()) {
                o.put(site, Collections.unmodifiableSortedMap(m));
            }
        });
        sites = Collections.unmodifiableMap(s);
        overrides = Collections.unmodifiableMap(o);
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
        Objects.requireNonNull(site, "site");
        SortedMap<Integer, String> o = overrides.get(site);
        String spec = o == null ? null : o.get(layer);
        return spec != null ? spec : sites.get(site);
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
        SortedMap<Integer, String> o = overrides.get(Objects.requireNonNull(site, "site"));
        return o == null ? Collections.emptySortedMap() : o;
    }

    /**
     * This plan with {@code site}'s spec replaced (its per-layer overrides still win).
     *
     * @param site the attention site
     * @param spec the mask spec
     * @return this plan with {@code site}'s spec replaced (its per-layer overrides still win)
     */
    public MaskPlan with(AttentionSite site, String spec) {
        EnumMap<AttentionSite, String> s = new EnumMap<>(sites);
        s.put(Objects.requireNonNull(site, "site"), Objects.requireNonNull(spec, "spec"));
        return new MaskPlan(s, overrides);
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
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(spec, "spec");
        EnumMap<AttentionSite, SortedMap<Integer, String>> o = new EnumMap<>(AttentionSite.class);
        o.putAll(overrides);
        TreeMap<Integer, String> m = new TreeMap<>(overrides(site));
        for (int layer : layers) {
            m.put(layer, spec);
        }
        o.put(site, m);
        return new MaskPlan(sites, o);
    }

    /**
     * This plan without any override for {@code site}.
     *
     * @param site the attention site
     * @return this plan without any override for {@code site}
     */
    public MaskPlan withoutOverrides(AttentionSite site) {
        EnumMap<AttentionSite, SortedMap<Integer, String>> o = new EnumMap<>(AttentionSite.class);
        o.putAll(overrides);
        o.remove(Objects.requireNonNull(site, "site"));
        return new MaskPlan(sites, o);
    }

    /**
     * Checks that every override of {@code site} names a layer below {@code layers}.
     *
     * @throws IllegalArgumentException naming the site, the layer and the layer count
     */
    void checkLayers(AttentionSite site, int layers, String architecture) {
        SortedMap<Integer, String> o = overrides(site);
        if (o.isEmpty()) {
            return;
        }
        if (layers == 0) {
            throw new IllegalArgumentException("mask overrides are given for site '" + site.key() + "' (layers " + o.keySet()
                    + ") but a " + architecture + " model has no " + site.key() + " attention");
        }
        if (o.lastKey() >= layers) {
            throw new IllegalArgumentException("mask override for site '" + site.key() + "' names layer " + o.lastKey()
                    + " but there are only " + layers + " layers (0.." + (layers - 1) + ")");
        }
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
