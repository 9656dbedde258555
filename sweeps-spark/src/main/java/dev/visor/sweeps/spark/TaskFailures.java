package dev.visor.sweeps.spark;

import dev.visor.sweeps.SweepListener;
import org.apache.spark.Success$;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/** Tells the sweep's listener about every failed task attempt, which Spark may then retry. */
final class TaskFailures extends SparkListener {
    private final SweepListener listener;

    TaskFailures(SweepListener listener) {
        this.listener = listener;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (end.reason() == Success$.MODULE$ || !(end.reason() instanceof TaskFailedReason why)) return;
        String text = why.toErrorString().lines().findFirst().orElse("");
        listener.note("  Spark task of stage " + end.stageId() + " failed (attempt " + (end.taskInfo().attemptNumber() + 1) + "): " + text
                + (why.countTowardsTaskFailures() ? "" : " (not counted)"));
    }
}
