package dev.visor.transformer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON for Visor's configuration records, with jackson-databind: a record maps to an object whose
 * keys are its components in snake_case ({@code dModel} → {@code d_model}) and enums map to their
 * lower-case names ({@code PRE} → {@code "pre"}), so a new record component needs no mapping code.
 *
 * <p>Reading is strict: an unknown key is an error with a did-you-mean, a value must have its
 * component's type (no {@code "4"} for 4, no {@code 4.5} for an int, no {@code null} for a
 * primitive; a reference component the record's constructor requires non-null names the key), a key
 * may appear once, and every error is an {@link IllegalArgumentException} naming the key and the
 * value. A {@link Path} is written as its string, as given.
 * Writing is deterministic: components in declaration order, two-space indentation,
 * {@code "key": value}, LF line ends.
 *
 * <pre>{@code
 * String json = ConfigMapper.toJson(config);
 * MyConfig back = ConfigMapper.bind(ConfigMapper.parse(json), MyConfig.class);
 * }</pre>
 */
public final class ConfigMapper {
    private static final DefaultIndenter INDENT = new DefaultIndenter("  ", "\n");
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                    DeserializationFeature.FAIL_ON_TRAILING_TOKENS, DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS,
                    DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .defaultPrettyPrinter(new DefaultPrettyPrinter()
                    .withSeparators(Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                            .withObjectEmptySeparator("")
                            .withArrayEmptySeparator(""))
                    .withObjectIndenter(INDENT)
                    .withArrayIndenter(INDENT))
            // a score plan that modifies nothing is left out, so configs written before score specs keep their layout
            .withConfigOverride(ScorePlan.class, o -> o.setInclude(
                    JsonInclude.Value.construct(JsonInclude.Include.NON_EMPTY, JsonInclude.Include.ALWAYS)))
            .addModule(new SimpleModule("visor-configs")
                    .addSerializer(new LowerCaseEnumSerializer())
                    .setDeserializerModifier(new BeanDeserializerModifier() {
                        @Override
                        public JsonDeserializer<?> modifyEnumDeserializer(DeserializationConfig config, JavaType type,
                                BeanDescription description, JsonDeserializer<?> deserializer) {
                            return new LowerCaseEnumDeserializer(type.getRawClass());
                        }
                    })
                    .addSerializer(Path.class, new ToStringSerializer(Path.class))
                    .addDeserializer(Path.class, new PathDeserializer())
                    .addSerializer(MaskPlan.class, new MaskPlanJson.Serializer<>())
                    .addDeserializer(MaskPlan.class, new MaskPlanJson.Deserializer<>("masks", AttentionSite::defaultSpec,
                            MaskPlan::new))
                    .addSerializer(ScorePlan.class, new MaskPlanJson.Serializer<>())
                    .addDeserializer(ScorePlan.class, new MaskPlanJson.Deserializer<>("scores", site -> ScorePlan.NONE,
                            ScorePlan::new)))
            .build();

    private ConfigMapper() {}

    /**
     * {@code value} (a record, map, list, string, number, boolean) as indented JSON, no final newline.
     *
     * @param value the value
     * @return the JSON text
     */
    public static String toJson(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /**
     * Parses one JSON value.
     *
     * @param text the JSON text
     * @return its tree
     * @throws IllegalArgumentException {@code "line 3, column 7: ..."} when the text is not one well-formed JSON value
     */
    public static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(position(e) + e.getOriginalMessage(), e);
        }
    }

    /**
     * Reads a UTF-8 file holding one JSON object as plain Java values (maps, lists, strings, numbers,
     * booleans).
     *
     * @param file the file
     * @return the object's members in file order
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException naming the file when it is not one JSON object
     */
    public static Map<String, Object> readObject(Path file) throws IOException {
        JsonNode node;
        try {
            node = parse(Files.readString(file));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException(file + ": expected a JSON object but found " + describe(node));
        }
        return MAPPER.convertValue(node, new TypeReference<Map<String, Object>>() {});
    }

    /**
     * Maps a JSON tree onto {@code type} (a record: its canonical constructor validates the values).
     *
     * @param <T>  the type
     * @param node the tree
     * @param type the type
     * @return the value
     * @throws IllegalArgumentException naming the key and the value that do not fit, or the
     *                                  constructor's own message
     */
    public static <T> T bind(JsonNode node, Class<T> type) {
        try {
            return MAPPER.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            // a constructor's or a deserializer's own message is already clear: pass it on
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof IllegalArgumentException) {
                    throw new IllegalArgumentException(t.getMessage(), t);
                }
                // Objects.requireNonNull(component, "component") in a record's constructor
                if (t instanceof NullPointerException && t.getMessage() != null && type.isRecord()) {
                    for (RecordComponent c : type.getRecordComponents()) {
                        if (c.getName().equals(t.getMessage())) {
                            throw new IllegalArgumentException("'" + snakeCase(c.getName()) + "' must not be null", t);
                        }
                    }
                }
            }
            throw new IllegalArgumentException(mismatch(node, e), e);
        }
    }

    /**
     * The JSON keys of a record: its components in declaration order, in snake_case.
     *
     * @param type the record class
     * @return the keys
     */
    public static List<String> keys(Class<? extends Record> type) {
        List<String> keys = new ArrayList<>();
        for (RecordComponent c : type.getRecordComponents()) {
            keys.add(snakeCase(c.getName()));
        }
        return keys;
    }

    /**
     * Checks that every key of {@code object} is one of {@code known}.
     *
     * @param object the JSON object
     * @param known  the keys allowed
     * @param what   how to name a key in the message, e.g. {@code "config key"}, {@code "key 'masks."}
     * @throws IllegalArgumentException {@code "unknown config key 'd_modle'; did you mean 'd_model'?; known keys: [...]"}
     */
    public static void requireKnownKeys(JsonNode object, Collection<String> known, String what) {
        for (java.util.Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown " + what + k + "'" + suggest(k, known) + "; known keys: " + known);
            }
        }
    }

    /**
     * How a JSON value reads in a message: {@code "yes"}, {@code 4.5}, {@code an object}, {@code null}.
     *
     * @param node the value
     * @return its description
     */
    public static String describe(JsonNode node) {
        if (node == null || node.isNull()) {
            return "null";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "an array";
        }
        return node.toString();
    }

    /**
     * {@code "; did you mean 'x'?"} for the closest of {@code known} within a small edit distance, else "".
     *
     * @param word  the unknown word
     * @param known the words it may have meant
     * @return the suggestion, or ""
     */
    public static String suggest(String word, Iterable<String> known) {
        String best = null;
        int bestDistance = Math.max(1, Math.min(3, word.length() / 3)) + 1;
        for (String k : known) {
            int d = distance(word, k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best == null ? "" : "; did you mean '" + best + "'?";
    }

    /** Optimal-string-alignment distance: insertions, deletions, substitutions and adjacent swaps cost 1. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }

    private static String snakeCase(String name) {
        return ((PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE).translate(name);
    }

    private static String position(JsonProcessingException e) {
        return e.getLocation() == null ? ""
                : "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": ";
    }

    /** {@code "'heads' must be an integer but got 4.5"} from a mapping error. */
    private static String mismatch(JsonNode root, JsonProcessingException e) {
        String path = null;
        JsonNode value = null;
        Class<?> target = null;
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            StringBuilder p = new StringBuilder();
            value = root;
            for (JsonMappingException.Reference r : m.getPath()) {
                String step = r.getFieldName() != null ? r.getFieldName() : Integer.toString(r.getIndex());
                p.append(p.length() == 0 ? "" : ".").append(step);
                value = value == null ? null : r.getFieldName() != null ? value.get(step) : value.get(r.getIndex());
            }
            path = p.toString();
            if (m instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mi) {
                target = mi.getTargetType();
            }
        } else if (e instanceof InputCoercionException c) {
            target = c.getTargetType();
            JsonParser parser = c.getProcessor();
            if (parser != null) {
                try {
                    path = parser.currentName();
                } catch (IOException ignored) {
                    path = null;
                }
                value = path == null ? null : root.get(path);
            }
        }
        if (path == null || target == null || value != null && (value.isObject() || value.isArray())) {
            return (path == null ? "" : "'" + path + "': ") + e.getOriginalMessage();
        }
        return "'" + path + "' must be " + expected(target) + " but got " + describe(value);
    }

    private static String expected(Class<?> type) {
        if (type == int.class || type == Integer.class || type == short.class || type == byte.class) {
            return "an integer";
        }
        if (type == long.class || type == Long.class) {
            return "a 64-bit integer";
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class || type.isEnum()) {
            return "a string";
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        return "an object";
    }

    /** Every enum as its lower-case name: {@code ENCODER_DECODER} → {@code "encoder_decoder"}. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    private static final class LowerCaseEnumSerializer extends StdSerializer<Enum> {
        LowerCaseEnumSerializer() {
            super(Enum.class);
        }

        @Override
        public void serialize(Enum value, JsonGenerator g, SerializerProvider provider) throws IOException {
            g.writeString(value.name().toLowerCase(Locale.ROOT));
        }
    }

    /** Reads an enum from its exact lower-case name; anything else names the key, a suggestion and the choices. */
    private static final class LowerCaseEnumDeserializer extends JsonDeserializer<Object> {
        private final Class<?> type;

        LowerCaseEnumDeserializer(Class<?> type) {
            this.type = type;
        }

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String key = p.currentName();
            List<String> names = new ArrayList<>();
            for (Object constant : type.getEnumConstants()) {
                names.add(((Enum<?>) constant).name().toLowerCase(Locale.ROOT));
            }
            if (!p.currentToken().isScalarValue() || p.currentToken() != com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                throw new IllegalArgumentException("'" + key + "' must be one of " + names + " but got "
                        + describe(ctxt.readTree(p)));
            }
            String s = p.getText();
            int at = names.indexOf(s);
            if (at < 0) {
                throw new IllegalArgumentException("'" + key + "' is '" + s + "'" + suggest(s, names)
                        + "; expected one of " + names);
            }
            return type.getEnumConstants()[at];
        }
    }

    /** A path from its string, as {@code Path.of} reads it (Jackson's default expects a URI). */
    private static final class PathDeserializer extends JsonDeserializer<Path> {
        @Override
        public Path deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != com.fasterxml.jackson.core.JsonToken.VALUE_STRING) {
                throw new IllegalArgumentException("'" + p.currentName() + "' must be a path string but got "
                        + describe(ctxt.readTree(p)));
            }
            return Path.of(p.getText());
        }
    }
}
