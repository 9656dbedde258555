package dev.visor.tensor.optim;

import dev.visor.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.Predicate;

/**
 * An optimizer's parameters split into named groups, each with its own weight decay or the
 * optimizer's — the {@code param_groups} of {@code torch.optim}, for the one setting groups are
 * used for in practice. {@link #decayMatricesOnly} is the usual split (nanoGPT, BERT): parameters
 * with two or more dimensions decay, biases and norm gains do not.
 *
 * <pre>{@code
 * AdamW opt = new AdamW(ParamGroups.decayMatricesOnly(model.namedParameters()), AdamW.options(3e-4).withWeightDecay(0.1));
 * ParamGroups custom = ParamGroups.of(List.of(
 *         ParamGroups.Group.inheriting("body", body),
 *         ParamGroups.Group.withWeightDecay("embeddings", embeddings, 0.0)));
 * }</pre>
 */
public final class ParamGroups {
    private final List<Group> groups;
    private final Map<String, Tensor> params;
    private final Map<String, Group> groupOf;

    /**
     * One group.
     *
     * @param name        the group's name (for messages)
     * @param params      its parameters by name, in order
     * @param weightDecay its weight decay λ, or empty for the optimizer's
     */
    public record Group(String name, Map<String, Tensor> params, OptionalDouble weightDecay) {
        /** Checks the values and freezes the map. */
        public Group {
            Objects.requireNonNull(name, "name");
            params = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(params, "params")));
            Objects.requireNonNull(weightDecay, "weightDecay");
            if (weightDecay.isPresent() && (!(weightDecay.getAsDouble() >= 0) || Double.isInfinite(weightDecay.getAsDouble()))) {
                throw new IllegalArgumentException("group '" + name + "': weight decay must be finite and >= 0 but got "
                        + weightDecay.getAsDouble());
            }
        }

        /** A group that uses the optimizer's weight decay. */
        public static Group inheriting(String name, Map<String, Tensor> params) {
            return new Group(name, params, OptionalDouble.empty());
        }

        /** A group with its own weight decay λ. */
        public static Group withWeightDecay(String name, Map<String, Tensor> params, double weightDecay) {
            return new Group(name, params, OptionalDouble.of(weightDecay));
        }
    }

    private ParamGroups(List<Group> groups) {
        Objects.requireNonNull(groups, "groups");
        if (groups.isEmpty()) {
            throw new IllegalArgumentException("need at least one parameter group");
        }
        this.groups = List.copyOf(groups);
        Map<String, Tensor> all = new LinkedHashMap<>();
        Map<String, Group> of = new LinkedHashMap<>();
        for (Group g : this.groups) {
            for (Map.Entry<String, Tensor> e : g.params().entrySet()) {
                Group previous = of.put(e.getKey(), g);
                if (previous != null) {
                    throw new IllegalArgumentException("parameter '" + e.getKey() + "' is in two groups, '" + previous.name()
                            + "' and '" + g.name() + "'");
                }
                all.put(e.getKey(), e.getValue());
            }
        }
        this.params = Collections.unmodifiableMap(all);
        this.groupOf = Collections.unmodifiableMap(of);
    }

    /** Groups as given (each parameter in one group). */
    public static ParamGroups of(List<Group> groups) {
        return new ParamGroups(groups);
    }

    /** One group, {@code "all"}, with the optimizer's settings: no grouping. */
    public static ParamGroups single(Map<String, Tensor> params) {
        return new ParamGroups(List.of(Group.inheriting("all", params)));
    }

    /**
     * Two groups: {@code "decay"}, the parameters for which {@code decays} holds, with the
     * optimizer's weight decay, and {@code "no_decay"}, the rest, with none. An empty group is left out.
     */
    public static ParamGroups split(Map<String, Tensor> params, Predicate<String> decays) {
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(decays, "decays");
        Map<String, Tensor> yes = new LinkedHashMap<>();
        Map<String, Tensor> no = new LinkedHashMap<>();
        params.forEach((k, v) -> (decays.test(k) ? yes : no).put(k, v));
        List<Group> groups = new ArrayList<>();
        if (!yes.isEmpty() || no.isEmpty()) {
            groups.add(Group.inheriting("decay", yes));
        }
        if (!no.isEmpty()) {
            groups.add(Group.withWeightDecay("no_decay", no, 0.0));
        }
        return new ParamGroups(groups);
    }

    /**
     * Weight decay only on parameters of two or more dimensions (weight matrices, embedding tables):
     * biases and norm gains and shifts, which are vectors, get none.
     */
    public static ParamGroups decayMatricesOnly(Map<String, Tensor> params) {
        Objects.requireNonNull(params, "params");
        return split(params, name -> params.get(name).dim() >= 2);
    }

    /** The groups, in order. */
    public List<Group> groups() {
        return groups;
    }

    /** Every parameter by name, group after group. */
    public Map<String, Tensor> params() {
        return params;
    }

    /**
     * The weight decay of parameter {@code name}: its group's, else {@code optimizerDefault}.
     *
     * @throws IllegalArgumentException when no group holds {@code name}
     */
    public double weightDecay(String name, double optimizerDefault) {
        Group g = groupOf.get(name);
        if (g == null) {
            throw new IllegalArgumentException("no parameter group holds '" + name + "'");
        }
        return g.weightDecay().orElse(optimizerDefault);
    }

    /** The name of the group holding parameter {@code name}, or {@code null}. */
    public String groupOf(String name) {
        Group g = groupOf.get(name);
        return g == null ? null : g.name();
    }
}
