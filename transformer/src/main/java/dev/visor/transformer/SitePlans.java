package dev.visor.transformer;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiFunction;

/**
 * What {@link MaskPlan} and {@link ScorePlan} share: a spec per attention site with per-layer
 * overrides, checked and canonicalised by the plan's own {@code canonical(spec, where)} and frozen.
 * {@code kind} ("mask", "score") names the plan in messages.
 */
final class SitePlans {
    private SitePlans() {}

    static Map<AttentionSite, String> sites(Map<AttentionSite, String> sites, String kind,
                                            BiFunction<String, String, String> canonical) {
        Objects.requireNonNull(sites, "sites");
        EnumMap<AttentionSite, String> s = new EnumMap<>(AttentionSite.class);
        for (AttentionSite site : AttentionSite.values()) {
            String spec = sites.get(site);
            if (spec == null) {
                throw new IllegalArgumentException("the " + kind + " plan has no spec for site '" + site.key() + "'");
            }
            s.put(site, canonical.apply(spec, site.key()));
        }
        return Collections.unmodifiableMap(s);
    }

    static Map<AttentionSite, SortedMap<Integer, String>> overrides(Map<AttentionSite, SortedMap<Integer, String>> overrides,
                                                                   String kind, BiFunction<String, String, String> canonical) {
        Objects.requireNonNull(overrides, "overrides");
        EnumMap<AttentionSite, SortedMap<Integer, String>> o = new EnumMap<>(AttentionSite.class);
        overrides.forEach((site, layers) -> {
            Objects.requireNonNull(site, "site");
            TreeMap<Integer, String> m = new TreeMap<>();
            Objects.requireNonNull(layers, "layers").forEach((layer, spec) -> {
                if (layer == null || layer < 0) {
                    throw new IllegalArgumentException(kind + " override for site '" + site.key() + "' has layer index "
                            + layer + "; layer indices start at 0");
                }
                m.put(layer, canonical.apply(spec, site.key() + " layer " + layer));
            });
            if (!m.isEmpty()) {
                o.put(site, Collections.unmodifiableSortedMap(m));
            }
        });
        return Collections.unmodifiableMap(o);
    }

    static String spec(Map<AttentionSite, String> sites, Map<AttentionSite, SortedMap<Integer, String>> overrides,
                       AttentionSite site, int layer) {
        Objects.requireNonNull(site, "site");
        SortedMap<Integer, String> o = overrides.get(site);
        String spec = o == null ? null : o.get(layer);
        return spec != null ? spec : sites.get(site);
    }

    static SortedMap<Integer, String> overrides(Map<AttentionSite, SortedMap<Integer, String>> overrides, AttentionSite site) {
        SortedMap<Integer, String> o = overrides.get(Objects.requireNonNull(site, "site"));
        return o == null ? Collections.emptySortedMap() : o;
    }

    static EnumMap<AttentionSite, String> with(Map<AttentionSite, String> sites, AttentionSite site, String spec) {
        EnumMap<AttentionSite, String> s = new EnumMap<>(sites);
        s.put(Objects.requireNonNull(site, "site"), Objects.requireNonNull(spec, "spec"));
        return s;
    }

    static EnumMap<AttentionSite, SortedMap<Integer, String>> withLayers(
            Map<AttentionSite, SortedMap<Integer, String>> overrides, AttentionSite site, String spec, int... layers) {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(spec, "spec");
        EnumMap<AttentionSite, SortedMap<Integer, String>> o = new EnumMap<>(AttentionSite.class);
        o.putAll(overrides);
        TreeMap<Integer, String> m = new TreeMap<>(overrides(overrides, site));
        for (int layer : layers) {
            m.put(layer, spec);
        }
        o.put(site, m);
        return o;
    }

    static EnumMap<AttentionSite, SortedMap<Integer, String>> without(Map<AttentionSite, SortedMap<Integer, String>> overrides,
                                                                      AttentionSite site) {
        EnumMap<AttentionSite, SortedMap<Integer, String>> o = new EnumMap<>(AttentionSite.class);
        o.putAll(overrides);
        o.remove(Objects.requireNonNull(site, "site"));
        return o;
    }

    static void checkLayers(SortedMap<Integer, String> o, String kind, AttentionSite site, int layers, String architecture) {
        if (o.isEmpty()) {
            return;
        }
        if (layers == 0) {
            throw new IllegalArgumentException(kind + " overrides are given for site '" + site.key() + "' (layers " + o.keySet()
                    + ") but a " + architecture + " model has no " + site.key() + " attention");
        }
        if (o.lastKey() >= layers) {
            throw new IllegalArgumentException(kind + " override for site '" + site.key() + "' names layer " + o.lastKey()
                    + " but there are only " + layers + " layers (0.." + (layers - 1) + ")");
        }
    }
}
