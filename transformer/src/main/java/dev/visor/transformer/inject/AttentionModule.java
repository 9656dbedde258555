package dev.visor.transformer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Inject;
import com.google.inject.Provider;
import com.google.inject.multibindings.OptionalBinder;
import dev.visor.transformer.AttentionFactory;
import dev.visor.transformer.AttentionKernel;

/**
 * Binds the attention kernel (default {@link AttentionKernel#FLASH}) and the attention factory
 * (default {@link AttentionFactory#multiHead} on the bound kernel), both as {@link OptionalBinder}
 * defaults a user can replace:
 *
 * <pre>{@code
 * OptionalBinder.newOptionalBinder(binder(), AttentionKernel.class).setBinding().toInstance(AttentionKernel.REFERENCE);
 * }</pre>
 */
public final class AttentionModule extends AbstractModule {
    @Override
    protected void configure() {
        OptionalBinder.newOptionalBinder(binder(), AttentionKernel.class).setDefault().toInstance(AttentionKernel.FLASH);
        OptionalBinder.newOptionalBinder(binder(), AttentionFactory.class).setDefault().toProvider(MultiHeadProvider.class);
    }

    /** The default factory: multi-head attention on whichever kernel is bound. */
    static final class MultiHeadProvider implements Provider<AttentionFactory> {
        private final AttentionKernel kernel;

        @Inject
        MultiHeadProvider(AttentionKernel kernel) {
            this.kernel = kernel;
        }

        @Override
        public AttentionFactory get() {
            return AttentionFactory.multiHead(kernel);
        }
    }
}
