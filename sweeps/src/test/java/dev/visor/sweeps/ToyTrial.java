package dev.visor.sweeps;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic stand-in for training: {@code x ← 0.9·x + noise(seed, step) + rate}, checkpointed
 * to a text file, resumable, with hooks that make a trial die at a step (like a killed process) and
 * that count starts per trial.
 */
public final class ToyTrial implements TrialFunction {
    /** Trial id → step at which its next attempt dies. */
    static final Map<String, Long> DIE_AT = new ConcurrentHashMap<>();
    /** Trial id → attempts started. */
    static final Map<String, AtomicInteger> STARTS = new ConcurrentHashMap<>();
    /** Trial id → the step its last attempt resumed from. */
    static final Map<String, Long> RESUMED = new ConcurrentHashMap<>();

    static void reset() {
        DIE_AT.clear();
        STARTS.clear();
        RESUMED.clear();
    }

    @Override
    public String name() {
        return "toy";
    }

    @Override
    public TrialOutcome run(Trial trial, TrialContext context) throws Exception {
        STARTS.computeIfAbsent(trial.id(), k -> new AtomicInteger()).incrementAndGet();
        long steps = trial.integer("steps", 20);
        double rate = trial.number("rate", 0.1);
        long step = 0;
        double x = 0;
        Path state = context.checkpointDirectory().resolve("state.txt");
        if (Files.isRegularFile(state)) {
            String[] parts = Files.readString(state).trim().split(" ");
            step = Long.parseLong(parts[0]);
            x = Double.longBitsToDouble(Long.parseLong(parts[1]));
            context.resumedAt(step);
            RESUMED.put(trial.id(), step);
        }
        Long die = DIE_AT.remove(trial.id());
        while (step < steps) {
            step++;
            if (die != null && step == die) throw new IllegalStateException("killed at step " + step);
            x = 0.9 * x + noise(trial.seed(), step) + rate;
            if (step % 5 == 0) context.report(step, Map.of("loss", x));
            context.progress(step, steps);
            if (context.checkpointEvery() > 0 && step % context.checkpointEvery() == 0) {
                Files.createDirectories(context.checkpointDirectory());
                Path tmp = context.checkpointDirectory().resolve("state.tmp");
                Files.writeString(tmp, step + " " + Double.doubleToLongBits(x), StandardCharsets.UTF_8);
                Files.move(tmp, state, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            }
        }
        return new TrialOutcome(Map.of("score", x), steps);
    }

    static double noise(long seed, long step) {
        long h = seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L;
        h ^= h >>> 31;
        h *= 0x94D049BB133111EBL;
        h ^= h >>> 29;
        return (h >>> 11) * 0x1.0p-53 - 0.5;
    }
}
