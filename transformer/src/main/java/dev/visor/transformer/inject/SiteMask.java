package dev.visor.transformer.inject;

import com.google.inject.BindingAnnotation;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binding annotations of the mask spec of each attention site, the keys {@link MaskModule#siteKey}
 * returns: {@code @SiteMask.EncoderSelf String}, {@code @SiteMask.DecoderSelf String},
 * {@code @SiteMask.Cross String}.
 *
 * <pre>{@code
 * OptionalBinder.newOptionalBinder(binder(), Key.get(String.class, SiteMask.DecoderSelf.class))
 *         .setBinding().toInstance("causal & padding & sliding_window(left=64)");
 * }</pre>
 */
public final class SiteMask {
    private SiteMask() {}

    /** The spec of encoder self-attention. */
    @BindingAnnotation
    @Target({ElementType.PARAMETER, ElementType.METHOD, ElementType.FIELD})
    @Retention(RetentionPolicy.RUNTIME)
    public @interface EncoderSelf {}

    /** The spec of decoder self-attention. */
    @BindingAnnotation
    @Target({ElementType.PARAMETER, ElementType.METHOD, ElementType.FIELD})
    @Retention(RetentionPolicy.RUNTIME)
    public @interface DecoderSelf {}

    /** The spec of decoder attention over the encoder output. */
    @BindingAnnotation
    @Target({ElementType.PARAMETER, ElementType.METHOD, ElementType.FIELD})
    @Retention(RetentionPolicy.RUNTIME)
    public @interface Cross {}
}
