package dev.visor.mask;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The declaration of one strategy parameter: its lower-snake name, type, default (null when the
 * parameter is required) and a one-line description.
 *
 * <pre>{@code
 * public List<MaskParameter> parameters() {
 *     return List.of(MaskParameter.required("left", ParameterType.INT, "keys before the query, inclusive"),
 *                    MaskParameter.optional("right", ParameterType.INT, 0, "keys after the query, inclusive"));
 * }
 * }</pre>
 *
 * @param name lower-snake name, e.g. {@code left}
 * @param type the value type
 * @param defaultValue the default, already of {@code type}, or null if required
 * @param description one line for help texts
 */
public record MaskParameter(String name, ParameterType type, Object defaultValue, String description) {
    static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    /**
     * Checks the name, and that the default (if any) is of the declared type.
     *
     * @param name lower-snake name, e.g. {@code left}
     * @param type the value type
     * @param defaultValue the default, already of {@code type}, or null if required
     * @param description one line for help texts
     */
    public MaskParameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("parameter name '" + name + "' must be lower snake case ([a-z][a-z0-9_]*)");
        }
        if (defaultValue != null) {
            Object v = type.coerce(defaultValue);
            if (v == null) {
                throw new IllegalArgumentException("default " + defaultValue + " of parameter '" + name + "' is not "
                        + type.phrase());
            }
            defaultValue = v;
        }
    }

    /**
     * A parameter without default.
     *
     * @param name lower-snake name
     * @param type value type
     * @param description one line
     * @return the declaration
     */
    public static MaskParameter required(String name, ParameterType type, String description) {
        return new MaskParameter(name, type, null, description);
    }

    /**
     * A parameter with a default.
     *
     * @param name lower-snake name
     * @param type value type
     * @param defaultValue default of {@code type}
     * @param description one line
     * @return the declaration
     */
    public static MaskParameter optional(String name, ParameterType type, Object defaultValue, String description) {
        return new MaskParameter(name, type, Objects.requireNonNull(defaultValue, "defaultValue"), description);
    }

    /** @return true if the parameter has no default */
    public boolean isRequired() {
        return defaultValue == null;
    }

    @Override
    public String toString() {
        return name + ": " + type.name().toLowerCase(java.util.Locale.ROOT)
                + (defaultValue == null ? "" : " = " + ParameterType.literal(defaultValue)) + " — " + description;
    }
}
