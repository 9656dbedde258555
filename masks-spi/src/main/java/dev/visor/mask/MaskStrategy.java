package dev.visor.mask;

import java.util.List;
import java.util.Set;

/**
 * The service interface of mask plugins: a named factory that creates {@link Mask}s from checked
 * arguments and a {@link MaskContext}. Implementations need a public no-argument constructor and are
 * registered for {@link java.util.ServiceLoader} both in
 * {@code META-INF/services/dev.visor.mask.MaskStrategy} (class path) and with
 * {@code provides dev.visor.mask.MaskStrategy with ...} in {@code module-info.java} (module path).
 *
 * <p>Later SPI methods are only ever added as {@code default} methods.
 *
 * <pre>{@code
 * public final class EveryOtherKey implements MaskStrategy {
 *     public String name() { return "every_other_key"; }
 *     public Mask create(MaskArguments args, MaskContext ctx) { return new EveryOtherKeyMask(); }
 * }
 * // META-INF/services/dev.visor.mask.MaskStrategy:  com.example.EveryOtherKey
 * // module-info.java:  provides dev.visor.mask.MaskStrategy with com.example.EveryOtherKey;
 * }</pre>
 */
public interface MaskStrategy {

    /**
     * The stable lower-snake name used in spec strings, e.g. {@code sliding_window}.
     *
     * @return a name matching {@code [a-z][a-z0-9_]*}
     */
    String name();

    /**
     * One line for help texts.
     *
     * @return the description
     */
    default String description() {
        return "";
    }

    /**
     * The declared parameters, in the order the canonical spec prints them.
     *
     * @return the parameters (empty by default)
     */
    default List<MaskParameter> parameters() {
        return List.of();
    }

    /**
     * The context keys {@link #create} reads: built-in ones ({@link ContextKey#KEY_VALID_LENGTHS}, ...)
     * and keys the plugin declares itself ({@link ContextKey#perKey} etc.). Creating a mask from a
     * context that lacks one fails before {@code create} is called, naming the strategy and the key;
     * reading an undeclared key fails inside it.
     *
     * @return the needed keys (none by default)
     */
    default Set<ContextKey<?>> needs() {
        return Set.of();
    }

    /**
     * Checks argument values that the types alone do not constrain (e.g. {@code left >= 0}) when a spec
     * is parsed, before any context exists, so the error can point at the spec's column. The default
     * accepts everything; {@link #create} must check again (it may be called directly).
     *
     * @param args the arguments
     * @throws IllegalArgumentException naming the parameter, its value and the allowed range
     */
    default void validate(MaskArguments args) {
    }

    /**
     * Creates the mask. Called by {@link MaskRegistry#create} and {@link Masks#create} after the
     * arguments were checked and the declared {@link #needs()} found in the context.
     *
     * @param args checked arguments, defaults filled in
     * @param context the context; read only the declared fields, and copy what you keep
     * @return an immutable mask whose {@link Mask#spec()} is {@code args.toSpec()} (or an equivalent canonical form)
     * @throws IllegalArgumentException for argument values out of range
     */
    Mask create(MaskArguments args, MaskContext context);
}
