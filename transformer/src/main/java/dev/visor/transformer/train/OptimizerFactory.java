package dev.visor.transformer.train;

import dev.visor.tensor.optim.Adam;
import dev.visor.tensor.optim.AdamW;
import dev.visor.tensor.optim.Optimizer;
import dev.visor.tensor.optim.ParamGroups;
import dev.visor.tensor.optim.SGD;

/**
 * Makes the optimizer a {@link Trainer} uses, from the model's parameters in groups (as the
 * {@link TrainerConfig#weightDecayScope()} splits them) and the settings. The trainer then drives its
 * learning rate with {@link TrainerConfig#lrSchedule}. A factory may build its own groups from
 * {@link ParamGroups#params()}.
 *
 * <pre>{@code
 * new Trainer(model, config);                                        // AdamW, the default
 * new Trainer(model, config, OptimizerFactory.sgd(0.9));
 * new Trainer(model, config, (groups, c) -> new Adam(groups, Adam.options(c.learningRate()).withAmsgrad(true)));
 * }</pre>
 */
@FunctionalInterface
public interface OptimizerFactory {
    /**
     * An optimizer over {@code params} configured from {@code config}.
     *
     * @param params the model's parameters, in one group or split by {@link TrainerConfig#weightDecayScope()}
     * @param config supplies the learning rate, betas, ε and weight decay
     * @return a new optimizer at step 0
     */
    Optimizer create(ParamGroups params, TrainerConfig config);

    /**
     * AdamW with the config's learning rate, betas, ε and (decoupled) weight decay: the default.
     *
     * @return a factory of {@code AdamW} optimizers
     */
    static OptimizerFactory adamW() {
        return (params, c) -> new AdamW(params, AdamW.options(c.learningRate()).withBetas(c.beta1(), c.beta2())
                .withEps(c.eps()).withWeightDecay(c.weightDecay()));
    }

    /**
     * Adam with the config's learning rate, betas, ε and L2 weight decay.
     *
     * @return a factory of {@code Adam} optimizers
     */
    static OptimizerFactory adam() {
        return (params, c) -> new Adam(params, Adam.options(c.learningRate()).withBetas(c.beta1(), c.beta2())
                .withEps(c.eps()).withWeightDecay(c.weightDecay()));
    }

    /**
     * SGD with {@code momentum}, the config's learning rate and L2 weight decay.
     *
     * @param momentum the momentum coefficient in {@code [0, 1)}; 0 for plain SGD
     * @return a factory of {@code SGD} optimizers
     */
    static OptimizerFactory sgd(double momentum) {
        return (params, c) -> new SGD(params, SGD.options(c.learningRate()).withMomentum(momentum)
                .withWeightDecay(c.weightDecay()));
    }
}
