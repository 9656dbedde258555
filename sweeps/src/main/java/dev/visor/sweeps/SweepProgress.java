package dev.visor.sweeps;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The progress of a whole sweep: trials finished of the total, the running trials' steps, and the
 * time left estimated from the steps done so far. On a terminal it redraws one line (at most ten
 * times a second); otherwise it prints a line every {@code everyNanos} and on every finished trial.
 *
 * <pre>{@code
 * SweepProgress p = new SweepProgress(out, false, 9, 3, 10_000_000_000L, System::nanoTime);
 * Sweep.run(spec, folder, runner, p);
 * }</pre>
 */
public final class SweepProgress implements SweepListener {
    private static final int BAR = 20;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter out;
    private final boolean live;
    private final int total;
    private final long everyNanos;
    private final LongSupplier clock;
    private final long start;
    private final Map<String, long[]> running = new LinkedHashMap<>();
    private int done;
    private int failed;
    private double workDone;
    private long lastDraw;
    private int lastWidth;

    /**
     * Starts the clock.
     *
     * @param out where to print
     * @param live whether {@code out} is a terminal that understands carriage returns
     * @param total the trials of the sweep
     * @param alreadyDone the trials finished before this run
     * @param everyNanos nanoseconds between printed lines when not live
     * @param clock nanoseconds, {@link System#nanoTime} outside tests
     */
    public SweepProgress(PrintWriter out, boolean live, int total, int alreadyDone, long everyNanos, LongSupplier clock) {
        this.out = out;
        this.live = live;
        this.total = total;
        this.done = alreadyDone;
        this.everyNanos = everyNanos;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.lastDraw = start;
    }

    @Override
    public synchronized void started(Trial trial) {
        running.put(trial.id(), new long[] {0, 0});
    }

    @Override
    public synchronized void progress(Trial trial, long step, long totalSteps) {
        running.put(trial.id(), new long[] {step, Math.max(1, totalSteps)});
        long now = clock.getAsLong();
        if (now - lastDraw >= (live ? REDRAW_NANOS : everyNanos)) {
            draw(line(now));
            lastDraw = now;
        }
    }

    @Override
    public synchronized void finished(TrialResult result) {
        running.remove(result.trial().id());
        done++;
        workDone += 1;
        message(String.format(Locale.ROOT, "  finished %s (%s, seed %d) in %s%s: %s", result.trial().id(), result.trial().label(),
                result.trial().seed(), clock(result.seconds()), result.resumedFrom() > 0 ? ", resumed from step " + result.resumedFrom() : "",
                metrics(result.outcome().metrics())));
    }

    @Override
    public synchronized void failed(Trial trial, Throwable error) {
        running.remove(trial.id());
        failed++;
        message("  FAILED " + trial.id() + " (" + trial.label() + ", seed " + trial.seed() + "): " + error);
    }

    @Override
    public synchronized void note(String message) {
        message(message);
    }

    /** Ends the progress line. */
    public synchronized void finish() {
        if (live && lastWidth > 0) out.println();
        out.flush();
    }

    private void message(String text) {
        if (live && lastWidth > 0) out.print("\r" + " ".repeat(lastWidth) + "\r");
        out.println(text);
        long now = clock.getAsLong();
        String l = line(now);
        if (live) draw(l);
        else out.println(l);
        lastDraw = now;
        out.flush();
    }

    private void draw(String text) {
        if (live) {
            String padded = text.length() < lastWidth ? text + " ".repeat(lastWidth - text.length()) : text;
            out.print("\r" + padded);
            lastWidth = text.length();
        } else {
            out.println(text);
        }
        out.flush();
    }

    String line(long now) {
        double partial = 0;
        StringBuilder run = new StringBuilder();
        for (Map.Entry<String, long[]> e : running.entrySet()) {
            long[] s = e.getValue();
            partial += s[1] == 0 ? 0 : (double) s[0] / s[1];
            run.append(run.length() == 0 ? "  running " : ", ").append(e.getKey()).append(' ')
                    .append(s[1] == 0 ? "starting" : s[0] + "/" + s[1]);
        }
        double fraction = Math.min(1, (done + partial) / Math.max(1, total));
        int filled = (int) Math.round(BAR * fraction);
        double seconds = (now - start) / 1e9;
        double work = workDone + partial;   // trials' worth of work done by this run
        int left = total - done - failed;
        String eta = work > 0.05 && left > 0 ? "  ETA " + clock(seconds / work * (left - partial)) : "";
        return String.format(Locale.ROOT, "sweep %d/%d trials %s%s%s  %s", done, total, "█".repeat(filled), "·".repeat(BAR - filled),
                run, "elapsed " + clock(seconds)) + eta;
    }

    private static String metrics(Map<String, Double> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format(Locale.ROOT, "%.4f", v)));
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
