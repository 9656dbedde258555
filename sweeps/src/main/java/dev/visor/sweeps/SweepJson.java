package dev.visor.sweeps;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one Jackson mapper of the sweeps module and the conversions between Jackson trees and plain
 * Java values ({@code String}, {@code Long}, {@code Double}, {@code Boolean}, {@code List},
 * {@code Map}), which is what trials carry: no Jackson type crosses the module's public API, so the
 * CLI's shaded jar may relocate Jackson without breaking Spark, which ships its own.
 */
final class SweepJson {
    /** Keys sorted, so the same value always prints the same text (stable trial ids). */
    static final ObjectMapper CANONICAL = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    /** Keys in insertion order, one value per line. */
    static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    static final ObjectMapper PLAIN = new ObjectMapper();

    private SweepJson() {}

    /** A JSON tree as plain Java values; integral numbers become {@code Long}, others {@code Double}. */
    static Object plain(JsonNode node) {
        if (node == null || node.isNull()) return null;
        if (node.isTextual()) return node.asText();
        if (node.isBoolean()) return node.asBoolean();
        if (node.isIntegralNumber()) return node.asLong();
        if (node.isNumber()) return node.asDouble();
        if (node.isArray()) {
            List<Object> out = new ArrayList<>();
            node.forEach(e -> out.add(plain(e)));
            return out;
        }
        if (node.isObject()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.put(e.getKey(), plain(e.getValue()));
            }
            return out;
        }
        throw new IllegalArgumentException("unsupported JSON value " + node);
    }

    /** Canonical text: sorted keys, no spaces. */
    static String canonical(Object value) {
        try {
            return CANONICAL.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** One line of JSON in insertion order. */
    static String line(Object value) {
        try {
            return PLAIN.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** Indented JSON in insertion order, ending with a newline. */
    static String pretty(Object value) {
        try {
            return PRETTY.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** A value as a short display text: strings bare, everything else as JSON. */
    static String display(Object value) {
        return value instanceof String s ? s : line(value);
    }

    static ObjectNode object() {
        return PLAIN.createObjectNode();
    }
}
