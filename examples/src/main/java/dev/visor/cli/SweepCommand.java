package dev.visor.cli;

import dev.visor.sweeps.LocalRunner;
import dev.visor.sweeps.ResultsFolder;
import dev.visor.sweeps.Sweep;
import dev.visor.sweeps.SweepProgress;
import dev.visor.sweeps.SweepRunner;
import dev.visor.sweeps.SweepSpec;
import dev.visor.sweeps.Trial;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code visor sweep FILE [--master URL]}: runs a sweep file's trials — locally, several at once
 * within the core budget, or on Apache Spark — skipping the ones already finished in the results
 * folder and resuming interrupted ones from their checkpoints, then writes the summary with
 * statistics and the plots.
 */
@Command(name = "sweep",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Run a sweep: a grid or list of configurations × seeds, with statistics against a baseline and plots.",
            "Rerunning the same command skips finished trials and resumes interrupted ones from their checkpoints."})
final class SweepCommand implements Runnable {
    private final Session session;

    @Parameters(index = "0", paramLabel = "FILE", description = "The sweep file (JSON), e.g. examples/sweeps/window-sweep.json.")
    private Path file;

    @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default: runs/sweeps/NAME).")
    private Path out;

    @Option(names = "--master", paramLabel = "URL",
            description = {"Run on Apache Spark: local[2], local[2,3] (3 tries per task), spark://HOST:7077, yarn, ...",
                "Needs the sweeps-spark jar and Spark on the class path (bin/visor adds them when --master is given)."})
    private String master;

    @Option(names = "--cores", paramLabel = "N", description = "Core budget of the local runner (default: all available).")
    private Integer cores;

    @Option(names = "--no-plots", description = "Skip the PNG plots.")
    private boolean noPlots;

    SweepCommand(Session session) {
        this.session = session;
    }

    @Override
    public void run() {
        if (cores != null && cores < 1) throw CliException.usage("--cores must be at least 1 but is " + cores);
        if (!Files.exists(file)) throw CliException.failure("sweep file " + file + " does not exist");
        SweepSpec spec;
        try {
            spec = SweepSpec.read(file);
        } catch (IOException e) {
            throw CliException.failure("cannot read " + file + ": " + Errors.oneLine(e), e);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(Errors.oneLine(e), e);
        }
        // spark-submit passes its master as the system property spark.master
        String url = master != null ? master : System.getProperty("spark.master");
        SweepRunner runner;
        try {
            runner = url == null ? new LocalRunner(cores != null ? cores : Runtime.getRuntime().availableProcessors()) : SweepRunner.forMaster(url);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(Errors.oneLine(e), e);
        }
        ResultsFolder folder = new ResultsFolder(out != null ? out : Path.of("runs", "sweeps", spec.name()));
        List<Trial> pending = Sweep.pending(spec, folder);
        int total = spec.trials().size();
        PrintWriter o = session.out();
        o.printf("Sweep %s: %d configurations × %d seeds = %d trials of %s; results → %s%n", spec.name(), spec.configurations().size(),
                spec.seeds().size(), total, spec.trial(), folder.root());
        String how;
        try {
            how = runner.describe(spec, pending.size());
        } catch (IllegalArgumentException e) {
            throw CliException.usage(Errors.oneLine(e), e);
        }
        o.printf("  %d finished before, %d to run; %s%n", total - pending.size(), pending.size(), how);
        o.flush();
        SweepProgress progress = new SweepProgress(o, session.interactive(), total, total - pending.size(), 10_000_000_000L, System::nanoTime);
        Sweep.Report report;
        // trial functions and the masks they parse come from the context class loader, which the
        // local runner's threads inherit: make it see the --plugins jars
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(session.loader());
        try {
            report = Sweep.run(spec, folder, runner, progress);
        } catch (IOException e) {
            progress.finish();
            throw CliException.failure("cannot write the results folder " + folder.root() + ": " + Errors.oneLine(e), e);
        } catch (IllegalArgumentException e) {
            progress.finish();
            throw CliException.usage(Errors.oneLine(e), e);
        } finally {
            thread.setContextClassLoader(previous);
        }
        progress.finish();
        o.println();
        o.print(report.summary().markdown());
        o.println();
        if (!noPlots && !report.summary().rows().isEmpty()) {
            try {
                List<Path> plots = SweepPlots.write(report.summary(), folder);
                o.println("Plots: " + plots.get(0) + ", " + plots.get(1));
            } catch (IOException e) {
                throw CliException.failure("cannot write the plots: " + Errors.oneLine(e), e);
            }
        }
        o.println("Summary: " + folder.root().resolve("summary.md") + " and summary.csv");
        o.flush();
        if (!report.failed().isEmpty()) {
            StringBuilder why = new StringBuilder();
            for (Map.Entry<Trial, Throwable> e : report.failed().entrySet()) {
                why.append("\n  ").append(e.getKey().id()).append(": ").append(Errors.oneLine(e.getValue()));
            }
            throw CliException.failure(report.failed().size() + " of " + report.ran().size() + " trials failed; rerun the same command "
                    + "to retry them (finished trials are kept):" + why);
        }
    }
}
