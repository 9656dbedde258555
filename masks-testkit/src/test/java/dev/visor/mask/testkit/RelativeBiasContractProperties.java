package dev.visor.mask.testkit;

import dev.visor.mask.MaskArguments;
import dev.visor.mask.ScoreModifierStrategy;
import dev.visor.mask.builtin.RelativeBiasModifier;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * The score-modifier contract, run against the built-in {@link RelativeBiasModifier} (learnable table);
 * max_distance starts above half of the largest bucket count, as the strategy requires.
 */
class RelativeBiasContractProperties implements ScoreModifierContract {

    @Override
    public ScoreModifierStrategy subject() {
        return new RelativeBiasModifier.Strategy();
    }

    @Override
    public Arbitrary<MaskArguments> arguments() {
        return Combinators.combine(Arbitraries.integers().between(4, 40), Arbitraries.integers().between(21, 200),
                        Arbitraries.of(true, false))
                .as((buckets, max, bi) -> MaskArguments.of(subject(),
                        Map.of("buckets", buckets, "max_distance", max, "bidirectional", bi)));
    }
}
