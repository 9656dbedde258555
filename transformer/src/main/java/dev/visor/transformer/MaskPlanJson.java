package dev.visor.transformer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The JSON form of a {@link MaskPlan} (and, the same way, of a {@link ScorePlan}): one spec per site
 * by its key, and per-layer overrides by site and layer index; a site left out reads as its default spec.
 *
 * <pre>{@code
 * {"encoder_self": "padding", "decoder_self": "causal & padding", "cross": "padding",
 *  "overrides": {"decoder_self": {"1": "causal & sliding_window(left=4)"}}}
 * }</pre>
 */
final class MaskPlanJson {
    static final String OVERRIDES = "overrides";

    private MaskPlanJson() {}

    /** What the two plans share: a spec per site and per-layer overrides. */
    interface Plan {
        String spec(AttentionSite site);

        SortedMap<Integer, String> overrides(AttentionSite site);
    }

    /** Makes a plan from its sites and overrides (the record's constructor). */
    interface Factory<P> {
        P make(EnumMap<AttentionSite, String> sites, EnumMap<AttentionSite, SortedMap<Integer, String>> overrides);
    }

    static final class Serializer<P extends Plan> extends JsonSerializer<P> {
        @Override
        public boolean isEmpty(SerializerProvider provider, P plan) {
            return plan instanceof ScorePlan scores && scores.isNone();
        }

        @Override
        public void serialize(P plan, JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeStartObject();
            for (AttentionSite site : AttentionSite.values()) {
                g.writeStringField(site.key(), plan.spec(site));
            }
            boolean any = false;
            for (AttentionSite site : AttentionSite.values()) {
                SortedMap<Integer, String> o = plan.overrides(site);
                if (o.isEmpty()) {
                    continue;
                }
                if (!any) {
                    g.writeObjectFieldStart(OVERRIDES);
                    any = true;
                }
                g.writeObjectFieldStart(site.key());
                for (Map.Entry<Integer, String> e : o.entrySet()) {
                    g.writeStringField(Integer.toString(e.getKey()), e.getValue());
                }
                g.writeEndObject();
            }
            if (any) {
                g.writeEndObject();
            }
            g.writeEndObject();
        }
    }

    static final class Deserializer<P> extends JsonDeserializer<P> {
        private final String name;
        private final java.util.function.Function<AttentionSite, String> defaults;
        private final Factory<P> factory;

        Deserializer(String name, java.util.function.Function<AttentionSite, String> defaults, Factory<P> factory) {
            this.name = name;
            this.defaults = defaults;
            this.factory = factory;
        }

        @Override
        public P deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String key = p.currentName() == null ? name : p.currentName();
            return read(key, ctxt.readTree(p), defaults, factory);
        }
    }

    static MaskPlan read(String key, JsonNode m) {
        return read(key, m, AttentionSite::defaultSpec, MaskPlan::new);
    }

    static <P> P read(String key, JsonNode m, java.util.function.Function<AttentionSite, String> defaults, Factory<P> factory) {
        object(key, m);
        List<String> known = new ArrayList<>();
        for (AttentionSite s : AttentionSite.values()) {
            known.add(s.key());
        }
        known.add(OVERRIDES);
        ConfigMapper.requireKnownKeys(m, known, "key '" + key + ".");
        EnumMap<AttentionSite, String> sites = new EnumMap<>(AttentionSite.class);
        for (AttentionSite s : AttentionSite.values()) {
            sites.put(s, m.has(s.key()) ? string(key + "." + s.key(), m.get(s.key())) : defaults.apply(s));
        }
        EnumMap<AttentionSite, SortedMap<Integer, String>> overrides = new EnumMap<>(AttentionSite.class);
        if (m.has(OVERRIDES)) {
            String where = key + "." + OVERRIDES;
            JsonNode o = object(where, m.get(OVERRIDES));
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                AttentionSite site;
                try {
                    site = AttentionSite.fromKey(e.getKey());
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException("in '" + where + "': " + ex.getMessage(), ex);
                }
                JsonNode layers = object(where + "." + e.getKey(), e.getValue());
                TreeMap<Integer, String> byLayer = new TreeMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> l = layers.fields(); l.hasNext(); ) {
                    Map.Entry<String, JsonNode> layer = l.next();
                    int index;
                    try {
                        index = Integer.parseInt(layer.getKey());
                    } catch (NumberFormatException ex) {
                        throw new IllegalArgumentException("'" + where + "." + e.getKey() + "' has key '" + layer.getKey()
                                + "' but expected layer indices (\"0\", \"1\", ...)", ex);
                    }
                    byLayer.put(index, string(where + "." + e.getKey() + "." + layer.getKey(), layer.getValue()));
                }
                overrides.put(site, byLayer);
            }
        }
        return factory.make(sites, overrides);
    }

    private static JsonNode object(String key, JsonNode v) {
        if (v == null || !v.isObject()) {
            throw new IllegalArgumentException("'" + key + "' must be an object but got " + ConfigMapper.describe(v));
        }
        return v;
    }

    private static String string(String key, JsonNode v) {
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("'" + key + "' must be a string but got " + ConfigMapper.describe(v));
        }
        return v.textValue();
    }
}
