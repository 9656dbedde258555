package dev.visor.cli;

import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import dev.visor.tensor.kernel.VectorSupport;

/** The {@code visor} command line. For now: {@code visor demo}, a small tensor/autograd tour. */
public final class VisorMain {
    private VisorMain() {}

    public static void main(String[] args) {
        String command = args.length == 0 ? "demo" : args[0];
        if (!command.equals("demo")) {
            System.err.println("visor: unknown command '" + command + "'; available: [demo]");
            System.exit(2);
        }
        System.out.println("Visor demo — vector kernels: " + (VectorSupport.available() ? "on" : "off (scalar fallback)"));
        Tensor x = Tensor.randn(new Rng(42), 2, 3);
        System.out.println("x = " + x);
    }
}
