package dev.visor.cli;

import dev.visor.tensor.kernel.VectorSupport;
import picocli.CommandLine.Command;

/**
 * {@code visor demo}. Until the Transformer module can train an encoder-decoder, this runs the
 * autograd tour ({@link dev.visor.examples.AutogradTour}).
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Run the demo.")
final class DemoCommand implements Runnable {
    private final Session session;

    DemoCommand(Session session) {
        this.session = session;
    }

    @Override
    public void run() {
        session.out().println("Visor demo — vector kernels: " + (VectorSupport.available() ? "on" : "off (scalar fallback)"));
        dev.visor.examples.AutogradTour.run(session.out());
        session.out().flush();
    }
}
