package dev.visor.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * The training progress line: step, loss, accuracy, tokens per second and the time left. The time
 * left is estimated from the steps after the first (which pays for class loading and the JIT) and
 * shown as {@code -:--} until {@value #ETA_AFTER} of them are measured. On a
 * terminal it redraws one line in place (at most ten times a second); otherwise (a pipe, a log file,
 * a test) it prints a full line every {@code every} steps and at the end, so logs stay readable.
 *
 * <pre>{@code
 * Progress p = new Progress(out, true, 1500, 150, System::nanoTime);
 * p.update(step, loss, accuracy, tokensThisStep);
 * p.finish();
 * }</pre>
 */
final class Progress {
    private static final int BAR = 24;
    private static final long REDRAW_NANOS = 100_000_000L;
    /** Steps after the first measured before a time left is shown. */
    static final int ETA_AFTER = 3;

    private final PrintWriter out;
    private final boolean live;
    private final int total;
    private final int every;
    private final LongSupplier clock;
    private final long start;
    private long tokens;
    private int firstStep = -1;
    private long firstStepEnd;
    private long lastDraw;
    private int lastWidth;
    private String last = "";

    /**
     * Starts the clock.
     *
     * @param out where to draw
     * @param live whether {@code out} is a terminal that understands carriage returns
     * @param total the planned number of steps, at least 1
     * @param every steps between printed lines when not live, at least 1
     * @param clock nanoseconds, {@link System#nanoTime} outside tests
     */
    Progress(PrintWriter out, boolean live, int total, int every, LongSupplier clock) {
        if (total < 1 || every < 1) throw new IllegalArgumentException("total and every must be at least 1 but are " + total + ", " + every);
        this.out = out;
        this.live = live;
        this.total = total;
        this.every = every;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.lastDraw = start - REDRAW_NANOS;
    }

    /**
     * Records a finished step and redraws.
     *
     * @param step the step just finished, 1-based
     * @param loss its training loss
     * @param accuracy its token accuracy in [0, 1], or NaN when not measured
     * @param stepTokens target tokens processed in the step
     */
    void update(int step, double loss, double accuracy, long stepTokens) {
        tokens += stepTokens;
        long now = clock.getAsLong();
        if (firstStep < 0) {
            firstStep = step;
            firstStepEnd = now;
        }
        last = line(step, loss, accuracy, now);
        if (live) {
            if (now - lastDraw >= REDRAW_NANOS || step == total) {
                draw(last);
                lastDraw = now;
            }
        } else if (step % every == 0 || step == total) {
            out.println(last);
            out.flush();
        }
    }

    /**
     * Prints a message on its own line without losing the progress line.
     *
     * @param message the message
     */
    void note(String message) {
        if (live && lastWidth > 0) {
            out.print("\r" + " ".repeat(lastWidth) + "\r");
            out.println(message);
            draw(last);
        } else {
            out.println(message);
        }
        out.flush();
    }

    /** Ends the progress line. */
    void finish() {
        if (live && lastWidth > 0) out.println();
        out.flush();
    }

    /** @return seconds since the start */
    double elapsedSeconds() {
        return (clock.getAsLong() - start) / 1e9;
    }

    private void draw(String text) {
        String padded = text.length() < lastWidth ? text + " ".repeat(lastWidth - text.length()) : text;
        out.print("\r" + padded);
        out.flush();
        lastWidth = text.length();
    }

    String line(int step, double loss, double accuracy, long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        int filled = (int) Math.round((double) BAR * Math.min(step, total) / total);
        String bar = "█".repeat(filled) + "·".repeat(BAR - filled);
        String width = Integer.toString(total);
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "step %" + width.length() + "d/%s %s loss %.4f", step, width, bar, loss));
        if (!Double.isNaN(accuracy)) b.append(String.format(Locale.ROOT, "  acc %5.1f%%", 100 * accuracy));
        b.append(String.format(Locale.ROOT, "  %,.0f tok/s", tokens / seconds));
        int measured = step - firstStep;
        String eta = measured < ETA_AFTER ? "-:--" : clock((now - firstStepEnd) / 1e9 / measured * (total - step));
        b.append("  ").append(step >= total ? "took " + clock(seconds) : "ETA " + eta);
        return b.toString();
    }

    /**
     * A duration as {@code m:ss} (or {@code h:mm:ss}).
     *
     * @param seconds the duration
     * @return the text
     */
    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
