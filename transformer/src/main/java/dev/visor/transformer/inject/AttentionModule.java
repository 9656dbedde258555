package dev.visor.transformer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.multibindings.OptionalBinder;
import dev.visor.mask.MaskRegistry;
import dev.visor.transformer.AttentionFactory;
import dev.visor.transformer.AttentionKernel;

/**
 * Binds the attention kernel (default {@link AttentionKernel#FLASH}) and the attention factory
 * (default {@link AttentionFactory#multiHead} over the bound registry and kernel), both as
 * {@link OptionalBinder} defaults a user can replace:
 *
 * <pre>{@code
 * OptionalBinder.newOptionalBinder(binder(), AttentionKernel.class).setBinding().toInstance(AttentionKernel.REFERENCE);
 * }</pre>
 */
public final class AttentionModule extends AbstractModule {
    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), AttentionKernel.class).setDefault().toInstance(AttentionKernel.FLASH);
        OptionalBinder.newOptionalBinder(binder(), AttentionFactory.class).setDefault().to(DefaultAttention.class);
    }

    /** The default factory's marker type, so the default can be a provider method. */
    interface DefaultAttention extends AttentionFactory {}

    @Provides
    DefaultAttention defaultAttention(MaskRegistry registry, AttentionKernel kernel) {
        AttentionFactory f = AttentionFactory.multiHead(registry, kernel);
        return f::create;
    }
}
