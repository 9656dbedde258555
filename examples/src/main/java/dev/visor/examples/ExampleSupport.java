package dev.visor.examples;

import dev.visor.transformer.train.TrainingListener;
import java.io.PrintWriter;
import java.util.Locale;

/** What the runnable examples share: reading their one numeric argument, and a progress line while they train. */
final class ExampleSupport {
    /**
     * A system property that caps every training's steps, as {@code visor}'s training commands also
     * honour it: {@code .ci/readme-commands} runs the documented commands with {@code -Dvisor.maxSteps=3}.
     */
    static final String MAX_STEPS = "visor.maxSteps";

    private ExampleSupport() {}

    /**
     * The optional positive whole-number argument of an example, e.g. its number of steps.
     *
     * @param args the program's arguments
     * @param example the class, for the usage line
     * @param name what the argument is, e.g. "steps"
     * @param fallback the value when no argument is given
     * @return the value
     * @throws IllegalArgumentException naming the bad value and the usage
     */
    static int positiveInt(String[] args, Class<?> example, String name, int fallback) {
        String usage = "usage: java --add-modules jdk.incubator.vector -cp examples/target/visor.jar " + example.getName() + " [" + name + "]";
        if (args.length > 1) throw new IllegalArgumentException("expected at most one argument but got " + args.length + "; " + usage);
        int v = fallback;
        if (args.length == 1) {
            try {
                v = Integer.parseInt(args[0].strip());
                if (v < 1) throw new NumberFormatException();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " must be a whole number of at least 1 but is '" + args[0] + "'; " + usage, e);
            }
        }
        Integer cap = Integer.getInteger(MAX_STEPS);
        return cap != null && name.equals("steps") ? Math.min(v, Math.max(1, cap)) : v;
    }

    /**
     * {@link #positiveInt} for a {@code main}: a bad argument prints one line on stderr and exits with
     * code 2 instead of a stack trace.
     *
     * @param args the program's arguments
     * @param example the class
     * @param name what the argument is
     * @param fallback the default
     * @return the value
     */
    static int argument(String[] args, Class<?> example, String name, int fallback) {
        try {
            return positiveInt(args, example, name, fallback);
        } catch (IllegalArgumentException e) {
            System.err.println(example.getSimpleName() + ": " + e.getMessage());
            System.exit(2);
            throw e;
        }
    }

    /**
     * A progress line every few steps: step, loss, seconds per step and the time left.
     *
     * @param out where to print
     * @param steps the planned steps
     * @return the listener
     */
    static TrainingListener progress(PrintWriter out, long steps) {
        long every = Math.max(1, Math.min(10, steps / 20));
        long[] start = {System.nanoTime()};
        return TrainingListener.onStep(s -> {
            if (s.step() == 1) start[0] = System.nanoTime();   // the first step pays for the JIT: time from its end
            if (s.step() % every == 0 || s.step() == steps) {
                double perStep = s.step() > 1 ? (System.nanoTime() - start[0]) / 1e9 / (s.step() - 1) : s.seconds();
                long left = Math.round(perStep * (steps - s.step()));
                out.printf(Locale.ROOT, "step %d/%d  loss %.3f  %.2f s/step  %d:%02d left%n", s.step(), steps, s.loss(), perStep,
                        left / 60, left % 60);
            }
        });
    }
}
