package dev.visor.tensor;

/** One recorded op in the autograd graph: its inputs and how to send gradients back to them. */
final class GradFn {
    final String name;
    final Tensor[] inputs;
    final Tensor.Backward backward;

    GradFn(String name, Tensor[] inputs, Tensor.Backward backward) {
        this.name = name;
        this.inputs = inputs;
        this.backward = backward;
    }
}
