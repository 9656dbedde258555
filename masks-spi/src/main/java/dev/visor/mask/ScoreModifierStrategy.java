package dev.visor.mask;

import java.util.List;

/**
 * The service interface of score-modifier plugins, beside {@link MaskStrategy}: a named factory that
 * creates {@link ScoreModifier}s from checked arguments (the same {@link MaskParameter}s,
 * {@link MaskArguments} and spec-call syntax as masks) and a {@link ScoreContext}. Implementations
 * need a public no-argument constructor and are registered for {@link java.util.ServiceLoader} both
 * in {@code META-INF/services/dev.visor.mask.ScoreModifierStrategy} (class path) and with
 * {@code provides dev.visor.mask.ScoreModifierStrategy with ...} in {@code module-info.java}
 * (module path). Later SPI methods are only ever added as {@code default} methods.
 *
 * <pre>{@code
 * public final class ShiftStrategy implements ScoreModifierStrategy {
 *     public String name() { return "shift"; }
 *     public List<MaskParameter> parameters() {
 *         return List.of(MaskParameter.required("by", ParameterType.NUMBER, "added to every score"));
 *     }
 *     public ScoreModifier create(MaskArguments args, ScoreContext ctx) { return new Shift(args.getNumber("by")); }
 * }
 * }</pre>
 *
 * @since 0.2
 */
public interface ScoreModifierStrategy {

    /**
     * The stable lower-snake name used in score specs, e.g. {@code softcap}.
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
     * Checks argument values the types alone do not constrain (e.g. {@code cap > 0}) when a spec is
     * parsed, before any context exists. The default accepts everything; {@link #create} must check again.
     *
     * @param args the arguments
     * @throws IllegalArgumentException naming the parameter, its value and the allowed range
     */
    default void validate(MaskArguments args) {
    }

    /**
     * Creates the modifier.
     *
     * @param args checked arguments, defaults filled in
     * @param context the attention site
     * @return an immutable modifier whose {@link ScoreModifier#spec()} is {@code args.toSpec()} (or an
     *     equivalent canonical form)
     * @throws IllegalArgumentException for argument values out of range or not fitting the context
     */
    ScoreModifier create(MaskArguments args, ScoreContext context);
}
