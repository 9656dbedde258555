/**
 * Visor's tensor core: float32 tensors with autograd ({@code dev.visor.tensor}), layers
 * ({@code .nn}), optimizers ({@code .optim}) and safetensors I/O ({@code .io}).
 *
 * <p>The kernels ({@code dev.visor.tensor.kernel}) are an implementation detail exported only to the
 * attention module, which builds its tiles on them. The Vector API is optional: start the JVM with
 * {@code --add-modules jdk.incubator.vector} for the vector kernels; without it the scalar kernels
 * run, and nothing here loads a vector class.
 */
@SuppressWarnings("module") // the qualified export names dev.visor.attention, which is built after this module
module dev.visor.tensor {
    requires static jdk.incubator.vector;
    requires com.fasterxml.jackson.core;
    requires java.management; // MachineShape reads HotSpot's UseAVX
    requires jdk.management;

    exports dev.visor.tensor;
    exports dev.visor.tensor.nn;
    exports dev.visor.tensor.optim;
    exports dev.visor.tensor.io;
    exports dev.visor.tensor.kernel to dev.visor.attention;
}
