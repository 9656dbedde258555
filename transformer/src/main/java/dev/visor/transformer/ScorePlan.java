package dev.visor.transformer;

import dev.visor.attention.AttentionScores;
import dev.visor.mask.MaskSpecException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;

/**
 * The score spec of every attention site, with per-layer overrides, exactly as {@link MaskPlan} holds
 * mask specs: layer {@code i} of a site uses its override if it has one, otherwise the site's spec.
 * A score spec is a {@code >>} pipeline whose first stage may be {@code rope(...)}, e.g.
 * {@code "rope(theta=10000) >> softcap(cap=30)"}, or {@code none} (the default: plain attention); see
 * {@link AttentionScores}. Syntax is checked here and specs are kept in canonical form; names are
 * resolved against the score-modifier registry when a model is built, so plugins can be named.
 *
 * <pre>{@code
 * // ALiBi in the decoder, soft-capping on top in its first layer only
 * ScorePlan plan = ScorePlan.defaults().with(AttentionSite.DECODER_SELF, "alibi")
 *         .withLayers(AttentionSite.DECODER_SELF, "alibi >> softcap(cap=30)", 0);
 * plan.spec(AttentionSite.DECODER_SELF, 1);   // "alibi"
 * }</pre>
 *
 * @param sites     the spec of each site (all three present)
 * @param overrides per site, layer index → spec (only sites that have overrides are present)
 * @since 0.2
 */
public record ScorePlan(Map<AttentionSite, String> sites, Map<AttentionSite, SortedMap<Integer, String>> overrides)
        implements MaskPlanJson.Plan {
    /** The spec of plain attention. */
    public static final String NONE = AttentionScores.NONE_SPEC;

    /**
     * Checks every spec's syntax, canonicalises it, and freezes the maps.
     *
     * @param sites the score spec of every site
     * @param overrides the per-layer overrides of each site
     */
    public ScorePlan {
        sites = SitePlans.sites(sites, "score", ScorePlan::canonical);
        overrides = SitePlans.overrides(overrides, "score", ScorePlan::canonical);
    }

    /**
     * Every site without modification ({@code none}), no overrides: what configs written before score
     * specs existed read as.
     *
     * @return the default plan
     */
    public static ScorePlan defaults() {
        EnumMap<AttentionSite, String> s = new EnumMap<>(AttentionSite.class);
        for (AttentionSite site : AttentionSite.values()) s.put(site, NONE);
        return new ScorePlan(s, Map.of());
    }

    /**
     * The spec used by layer {@code layer} at {@code site}: its override, else the site's spec.
     *
     * @param site the attention site
     * @param layer the layer index
     * @return the canonical spec
     */
    public String spec(AttentionSite site, int layer) {
        return SitePlans.spec(sites, overrides, site, layer);
    }

    /**
     * The spec of {@code site} for layers without an override.
     *
     * @param site the attention site
     * @return the canonical spec
     */
    @Override
    public String spec(AttentionSite site) {
        return sites.get(Objects.requireNonNull(site, "site"));
    }

    /**
     * The per-layer overrides of {@code site} (empty when it has none).
     *
     * @param site the attention site
     * @return layer index → spec
     */
    @Override
    public SortedMap<Integer, String> overrides(AttentionSite site) {
        return SitePlans.overrides(overrides, site);
    }

    /**
     * This plan with {@code site}'s spec replaced (its per-layer overrides still win).
     *
     * @param site the attention site
     * @param spec the score spec
     * @return the new plan
     */
    public ScorePlan with(AttentionSite site, String spec) {
        return new ScorePlan(SitePlans.with(sites, site, spec), overrides);
    }

    /**
     * This plan with layers {@code layers} of {@code site} overridden by {@code spec}.
     *
     * @param site the attention site
     * @param spec the score spec
     * @param layers the layers
     * @return the new plan
     */
    public ScorePlan withLayers(AttentionSite site, String spec, int... layers) {
        return new ScorePlan(sites, SitePlans.withLayers(overrides, site, spec, layers));
    }

    /**
     * This plan without any override for {@code site}.
     *
     * @param site the attention site
     * @return the new plan
     */
    public ScorePlan withoutOverrides(AttentionSite site) {
        return new ScorePlan(sites, SitePlans.without(overrides, site));
    }

    /**
     * Whether no layer of any site modifies its scores.
     *
     * @return true when every spec is {@code none}
     */
    public boolean isNone() {
        return sites.values().stream().allMatch(NONE::equals)
                && overrides.values().stream().allMatch(o -> o.values().stream().allMatch(NONE::equals));
    }

    void checkLayers(AttentionSite site, int layers, String architecture) {
        SitePlans.checkLayers(overrides(site), "score", site, layers, architecture);
    }

    private static String canonical(String spec, String where) {
        Objects.requireNonNull(spec, "score spec of " + where);
        try {
            return AttentionScores.canonicalSyntax(spec);
        } catch (MaskSpecException e) {
            throw new IllegalArgumentException("the score spec of " + where + " is malformed: " + e.getMessage(), e);
        }
    }
}
