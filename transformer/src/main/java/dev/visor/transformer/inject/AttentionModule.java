package dev.visor.transformer.inject;

import com.google.inject.AbstractModule;
import com.google.inject.Inject;
import com.google.inject.Provider;
import com.google.inject.multibindings.OptionalBinder;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.transformer.AttentionFactory;
import dev.visor.transformer.AttentionKernel;

/**
 * Binds the attention kernel (default {@link AttentionKernel#FLASH}) and the attention factory
 * (default {@link AttentionFactory#multiHead} on the bound kernel and the score-modifier registry
 * bound by {@link MaskModule}), both as {@link OptionalBinder}
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
        private final ScoreModifierRegistry scores;

        @Inject
        MultiHeadProvider(AttentionKernel kernel, ScoreModifierRegistry scores) {
            this.kernel = kernel;
            this.scores = scores;
        }

        @Override
        public AttentionFactory get() {
            return AttentionFactory.multiHead(kernel, scores);
        }
    }
}
