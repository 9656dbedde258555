package dev.visor.tensor.kernel;

import java.util.Locale;

/**
 * Tensor-core's system properties ({@code -Dvisor.threads}, {@code -Dvisor.hotScopes},
 * {@code -Dvisor.stepBuffers}, ...), parsed one way: unset or blank means the default; anything else
 * must be a valid value, or the error names the property, what it got and what it takes. A typo such as {@code -Dvisor.vector=flase} must not
 * quietly pick a setting the user did not ask for.
 */
public final class KernelProperties {
    private KernelProperties() {}

    /**
     * The boolean system property {@code name}.
     *
     * @param name the property, e.g. {@code visor.hotScopes}
     * @param fallback the value when it is unset or blank
     * @return its value
     * @throws IllegalArgumentException when it is neither true nor false (in any case, spaces around allowed)
     */
    public static boolean bool(String name, boolean fallback) {
        return bool(name, System.getProperty(name), fallback);
    }

    /**
     * Parses a boolean property's value.
     *
     * @param name the property, for the message
     * @param raw its value, null when unset
     * @param fallback the value when {@code raw} is null or blank
     * @return the value
     * @throws IllegalArgumentException when it is neither true nor false (in any case, spaces around allowed)
     */
    static boolean bool(String name, String raw, boolean fallback) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("-D" + name + " must be true or false, got '" + raw + "'");
        };
    }

    /**
     * The whole-number system property {@code name}.
     *
     * @param name the property, e.g. {@code visor.spinMicros}
     * @param fallback the value when it is unset or blank
     * @param min the smallest value allowed
     * @return its value
     * @throws IllegalArgumentException naming the property and its value when it is not a whole number of at least {@code min}
     */
    public static long whole(String name, long fallback, long min) {
        return whole(name, System.getProperty(name), fallback, min);
    }

    /**
     * Parses a whole-number property's value.
     *
     * @param name the property, for the message
     * @param raw its value, null when unset
     * @param fallback the value when {@code raw} is null or blank
     * @param min the smallest value allowed
     * @return the value
     * @throws IllegalArgumentException naming the property and its value when it is not a whole number of at least {@code min}
     */
    static long whole(String name, String raw, long fallback, long min) {
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + name + " must be a whole number of at least " + min + ", got '" + raw + "'", e);
        }
        if (value < min) {
            throw new IllegalArgumentException("-D" + name + " must be at least " + min + ", got " + value);
        }
        return value;
    }
}
