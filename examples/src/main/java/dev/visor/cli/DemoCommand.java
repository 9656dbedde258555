package dev.visor.cli;

import dev.visor.tasks.Example;
import dev.visor.tasks.SyntheticTask;
import dev.visor.transformer.AttentionSite;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code visor demo}: trains a tiny encoder-decoder to reverse sequences until it decodes at least
 * 99 % of held-out sequences exactly, prints some, saves the checkpoint and draws its attention.
 */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Train a tiny encoder-decoder to reverse sequences, then save it and draw its attention.",
            "About a minute on 2 cores to >= 99 %% exact match on held-out sequences; the cross-attention",
            "of a reversal is an anti-diagonal."})
final class DemoCommand implements Runnable {
    /** Exact match the demo trains to. */
    static final double TARGET = 0.99;

    private final Session session;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "visor-demo",
            description = "Folder for the checkpoint and the pictures (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--test-size", paramLabel = "N", defaultValue = "500", description = "Held-out sequences (default: ${DEFAULT-VALUE}).")
    private int testSize;

    @Mixin
    private TrainingOptions training;

    DemoCommand(Session session) {
        this.session = session;
    }

    @Override
    public void run() {
        training.check(1500, 250);
        PrintWriter o = session.out();
        o.println("Visor demo: a tiny encoder-decoder learns to reverse sequences.");
        Seq2SeqRun run = new Seq2SeqRun(session, new Seq2SeqRun.Data(SyntheticTask.REVERSE, 10, 3, 10, testSize), training,
                new ModelOptions(), null);
        run.describe(o);
        o.println();
        Path checkpoint = out.resolve("checkpoint");
        Seq2SeqRun.Trained trained = run.train(checkpoint, "train seq2seq", TARGET);
        Seq2SeqTraining.Result r = trained.result();
        boolean reached = r.exactMatch() >= TARGET;
        o.printf(Locale.ROOT, "%s %.1f %% exact match on %d held-out sequences after %s in %s.%n",
                reached ? "Reached" : "Stopped at", 100 * r.exactMatch(), run.split.test().size(), Plural.count(r.steps(), "step"),
                Progress.clock(r.seconds()));
        o.println();
        o.println("Held-out sequences it never saw, and what it decodes:");
        List<Example> shown = run.split.test().subList(0, 6);
        List<List<String>> decoded = Seq2SeqTraining.decode(run.model, run.vocab, shown.stream().map(Example::source).toList(), run.maxOutput);
        for (int i = 0; i < shown.size(); i++) {
            String src = String.join("", shown.get(i).source());
            String got = String.join("", decoded.get(i));
            boolean ok = decoded.get(i).equals(shown.get(i).target());
            o.printf("  %-12s → %-12s %s%n", src, got, ok ? "✓" : "✗ expected " + String.join("", shown.get(i).target()));
        }
        o.println();
        run.save(checkpoint, trained);
        Example pictured = run.split.test().stream().max(Comparator.comparingInt(e -> e.source().size())).orElseThrow();
        Map<AttentionSite, Path> pictures = Seq2SeqPictures.allSites(out);
        Seq2SeqPictures.write(run.model, run.vocab, session.registry(), session.scoreRegistry(), pictured.source(), run.maxOutput, pictures);
        String input = String.join("", pictured.source());
        o.println("Wrote:");
        o.printf("  %-40s the trained model (config.json, model.safetensors, optimizer.safetensors, visor.json)%n", checkpoint + "/");
        o.printf("  %-40s cross-attention for the input %s: an anti-diagonal, output i reads input n−i%n",
                pictures.get(AttentionSite.CROSS), input);
        o.printf("  %-40s encoder self-attention, same input%n", pictures.get(AttentionSite.ENCODER_SELF));
        o.printf("  %-40s decoder self-attention (causal: grey above the diagonal)%n", pictures.get(AttentionSite.DECODER_SELF));
        o.println();
        o.println("Try it:");
        o.println("  bin/visor translate --checkpoint " + checkpoint + " abcdef hijjiba");
        o.println("  bin/visor attention --checkpoint " + checkpoint + " --input " + input + " --png attention.png");
        o.println("  bin/visor audit --checkpoint " + checkpoint);
        o.flush();
        if (!reached && !training.capped) {
            throw CliException.failure(String.format(Locale.ROOT, "the model reached only %.1f %% exact match (the demo expects %.0f %%); "
                    + "train longer with --steps", 100 * r.exactMatch(), 100 * TARGET));
        }
    }
}
