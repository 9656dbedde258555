package dev.visor.cli;

import dev.visor.tasks.SyntheticTask;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code visor train seq2seq --task reverse|copy|sort|add}: trains an encoder-decoder on a synthetic
 * task (or resumes a checkpoint in its folder), reports held-out exact match, and saves the checkpoint.
 */
@Command(name = "seq2seq",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Train an encoder-decoder on a synthetic task and save it.",
            "Example: visor train seq2seq --task sort --max-len 12 --decoder-mask \"causal & padding & sliding_window(left=4)\"",
            "Ctrl-C finishes the current step, saves a resumable checkpoint and exits with 130."})
final class TrainSeq2SeqCommand implements Runnable {
    private final Session session;

    @Option(names = "--task", paramLabel = "TASK", description = "reverse, copy, sort or add (required unless --resume).")
    private String task;

    @Option(names = "--symbols", paramLabel = "N", defaultValue = "10", description = "Letters of the string tasks (default: ${DEFAULT-VALUE}).")
    private int symbols;

    @Option(names = "--min-len", paramLabel = "N", description = "Shortest input; for add, digits per operand (default: 3; 1 for add).")
    private Integer minLength;

    @Option(names = "--max-len", paramLabel = "N", description = "Longest input; for add, at most 9 digits (default: 10; 5 for add).")
    private Integer maxLength;

    @Option(names = "--test-size", paramLabel = "N", defaultValue = "500", description = "Held-out inputs (default: ${DEFAULT-VALUE}).")
    private int testSize;

    @Option(names = "--stop-at", paramLabel = "FRACTION", defaultValue = "1.0",
            description = "Stop early once held-out exact match reaches this (default: ${DEFAULT-VALUE}).")
    private double stopAt;

    @Mixin
    private RunFolderOptions folder;

    @Mixin
    private TrainingOptions training;

    @ArgGroup(exclusive = false, validate = false, heading = "%nModel (every field of the config; masks and score specs by site and layer):%n")
    private ModelOptions model = new ModelOptions();

    TrainSeq2SeqCommand(Session session) {
        this.session = session;
    }

    @Override
    public void run() {
        training.check(1500, 250);
        if (task == null && folder.resume == null) throw CliException.usage("give --task reverse|copy|sort|add, or --resume DIR");
        SyntheticTask t = null;
        if (task != null) {
            if (folder.resume != null) throw CliException.usage("--resume continues the checkpoint's task; drop --task");
            try {
                t = SyntheticTask.parse(task);
            } catch (IllegalArgumentException e) {
                throw CliException.usage(Errors.oneLine(e), e);
            }
        }
        if (!(stopAt > 0)) throw CliException.usage("--stop-at must be above 0 but is " + stopAt);
        Seq2SeqRun run = new Seq2SeqRun(session, new Seq2SeqRun.Data(t, symbols, minLength, maxLength, testSize), training, model,
                folder.resume);
        Path target = folder.target(Path.of("runs", run.task.key()));
        PrintWriter o = session.out();
        o.println((folder.resume == null ? "Training an encoder-decoder" : "Continuing an encoder-decoder from step " + run.info.steps())
                + " to step " + training.lastStep + "; checkpoint → " + target);
        run.describe(o);
        o.println();
        Seq2SeqRun.Trained trained = run.train(target, "train seq2seq", stopAt);
        Seq2SeqTraining.Result r = trained.result();
        run.save(target, trained);
        o.printf(Locale.ROOT, "Held-out exact match %.1f %% after %s (%d in this run, %s); saved %s%n", 100 * r.exactMatch(),
                Plural.count(r.totalSteps(), "step"), r.steps(), Progress.clock(r.seconds()), target);
        o.flush();
    }
}
