package dev.visor.tensor.optim;

/**
 * A learning rate as a function of the optimizer step, counted from 1 (the first update uses
 * {@code lr(1)}). Attach one with {@link Optimizer#setSchedule}; the factories cover the usual
 * shapes.
 *
 * <p>Convention: where Hugging Face's {@code LambdaLR} schedules evaluate their formula at
 * {@code s − 1} for the s-th update (so the first warm-up update has learning rate 0), these
 * evaluate it at {@code s}: the first update already moves, and the warm-up reaches its peak on
 * update {@code warmup}.
 *
 * <pre>{@code
 * opt.setSchedule(LrSchedule.inverseSqrt(512, 4000));      // "Attention Is All You Need", eq. 3
 * opt.setSchedule(LrSchedule.cosine(3e-4, 2000, 100_000, 3e-5));
 * }</pre>
 */
@FunctionalInterface
public interface LrSchedule {
    /**
     * The learning rate for update {@code step} (≥ 1).
     *
     * @param step the step
     * @return the learning rate for update {@code step} (≥ 1)
     */
    double lr(long step);

    /**
     * {@code lr} at every step.
     *
     * @param lr the learning rate
     * @return {@code lr} at every step
     */
    static LrSchedule constant(double lr) {
        checkLr("lr", lr);
        return step -> {
            checkStep(step);
            return lr;
        };
    }

    /**
     * Linear warm-up to {@code peak} over {@code warmup} steps ({@code peak·s/warmup}), then constant.
     *
     * @param peak the peak rate
     * @param warmup the warm-up steps
     * @return linear warm-up to {@code peak} over {@code warmup} steps ({@code peak·s/warmup}), then constant
     */
    static LrSchedule linearWarmup(double peak, long warmup) {
        checkLr("peak", peak);
        checkCount("warmup", warmup);
        return step -> {
            checkStep(step);
            return step < warmup ? peak * step / warmup : peak;
        };
    }

    /**
     * Linear warm-up to {@code peak} over {@code warmup} steps, then linear decay to {@code floor}
     * at step {@code total}, and {@code floor} after: for {@code warmup < s ≤ total},
     * {@code floor + (peak − floor)·(total − s)/(total − warmup)}.
     *
     * @param peak the peak rate
     * @param warmup the warm-up steps
     * @param total the total steps
     * @param floor the lowest rate
     * @return linear warm-up to {@code peak} over {@code warmup} steps, then linear decay to {@code floor} at step {@code total}, and {@code floor} after: for {@code warmup < s ≤ total}, {@code floor + (peak − floor)·(total − s)/(total − warmup)}
     */
    static LrSchedule linearWarmupLinearDecay(double peak, long warmup, long total, double floor) {
        checkLr("peak", peak);
        checkLr("floor", floor);
        checkCount("warmup", warmup);
        checkTotal(warmup, total);
        return step -> {
            checkStep(step);
            if (step < warmup) {
                return peak * step / warmup;
            }
            if (step >= total) {
                return floor;
            }
            return floor + (peak - floor) * (double) (total - step) / (total - warmup);
        };
    }

    /**
     * Vaswani et al. (2017), eq. 3: {@code dModel^−0.5 · min(s^−0.5, s·warmup^−1.5)} — linear
     * warm-up for {@code warmup} steps, then decay with the inverse square root of the step. The
     * peak, at {@code s = warmup}, is {@code (dModel·warmup)^−0.5}.
     *
     * @param dModel the model width {@code d_model}
     * @param warmup the warm-up steps
     * @return the schedule
     */
    static LrSchedule inverseSqrt(int dModel, long warmup) {
        return inverseSqrt(dModel, warmup, 1.0);
    }

    /**
     * {@link #inverseSqrt(int, long)} scaled by {@code factor} (as The Annotated Transformer's "factor").
     *
     * @param dModel the model width {@code d_model}
     * @param warmup the warm-up steps
     * @param factor the factor
     * @return {@link #inverseSqrt(int, long)} scaled by {@code factor} (as The Annotated Transformer's "factor")
     */
    static LrSchedule inverseSqrt(int dModel, long warmup, double factor) {
        if (dModel < 1) {
            throw new IllegalArgumentException("dModel must be >= 1 but got " + dModel);
        }
        if (warmup < 1) {
            throw new IllegalArgumentException("the inverse-square-root schedule needs warmup >= 1 but got " + warmup);
        }
        checkLr("factor", factor);
        double scale = factor / Math.sqrt(dModel);
        double warmup15 = Math.pow(warmup, -1.5);
        return step -> {
            checkStep(step);
            return scale * Math.min(1.0 / Math.sqrt(step), step * warmup15);
        };
    }

    /**
     * Linear warm-up to {@code peak} over {@code warmup} steps, then a half cosine down to
     * {@code floor} at step {@code total} (Loshchilov and Hutter, 2017, without restarts), and
     * {@code floor} after: {@code floor + (peak − floor)·½(1 + cos(π·(s − warmup)/(total − warmup)))}.
     *
     * @param peak the peak rate
     * @param warmup the warm-up steps
     * @param total the total steps
     * @param floor the lowest rate
     * @return linear warm-up to {@code peak} over {@code warmup} steps, then a half cosine down to {@code floor} at step {@code total} (Loshchilov and Hutter, 2017, without restarts), and {@code floor} after: {@code floor + (peak − floor)·½(1 + cos(π·(s − warmup)/(total − warmup)))}
     */
    static LrSchedule cosine(double peak, long warmup, long total, double floor) {
        checkLr("peak", peak);
        checkLr("floor", floor);
        checkCount("warmup", warmup);
        checkTotal(warmup, total);
        return step -> {
            checkStep(step);
            if (step < warmup) {
                return peak * step / warmup;
            }
            if (step >= total) {
                return floor;
            }
            double progress = (double) (step - warmup) / (total - warmup);
            return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
        };
    }

    private static void checkStep(long step) {
        if (step < 1) {
            throw new IllegalArgumentException("schedule steps count from 1 but got step " + step);
        }
    }

    private static void checkLr(String what, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(what + " must be finite and >= 0 but got " + v);
        }
    }

    private static void checkCount(String what, long v) {
        if (v < 0) {
            throw new IllegalArgumentException(what + " must be >= 0 but got " + v);
        }
    }

    private static void checkTotal(long warmup, long total) {
        if (total <= warmup) {
            throw new IllegalArgumentException("total steps must exceed the warm-up but got total=" + total + ", warmup=" + warmup);
        }
    }
}
