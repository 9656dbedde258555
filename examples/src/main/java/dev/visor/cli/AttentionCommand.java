package dev.visor.cli;

import dev.visor.plot.Figure;
import dev.visor.tasks.Vocabulary;
import dev.visor.tensor.GradMode;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TokenBatch;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code visor attention --checkpoint DIR --input TEXT --png FILE}: per-layer, per-head heat maps of
 * a trained model's attention for one input, one picture per attention site.
 */
@Command(name = "attention",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Draw a trained model's attention for one input: every layer and head, one PNG per site.",
            "Example: visor attention --checkpoint visor-demo/checkpoint --input abcdefghij --png attention.png"})
final class AttentionCommand implements Runnable {
    private final Session session;

    @Mixin
    private CheckpointOption checkpoint;

    @Option(names = "--input", paramLabel = "TEXT", required = true, description = "The input (seq2seq) or the text (language model).")
    private String input;

    @Option(names = "--png", paramLabel = "FILE", required = true,
            description = "The picture; with several sites, FILE-<site>.png for each (e.g. attention-cross.png).")
    private Path png;

    @Option(names = "--site", paramLabel = "SITE", defaultValue = "all",
            description = "encoder_self, decoder_self, cross or all (default: ${DEFAULT-VALUE}).")
    private String site;

    AttentionCommand(Session session) {
        this.session = session;
    }

    @Override
    public void run() {
        AttentionRecorder recorder = new AttentionRecorder();
        RunCheckpoint.Loaded c = RunCheckpoint.load(checkpoint.dir, session.registry(), session.scoreRegistry(), recorder);
        recorder.index(c.model());
        Vocabulary vocab = c.info().vocabulary();
        List<String> symbols = new ArrayList<>();
        input.codePoints().forEach(cp -> symbols.add(new String(Character.toChars(cp))));
        for (int i = 0; i < symbols.size(); i++) {
            if (!vocab.symbols().contains(symbols.get(i))) {
                throw CliException.usage("--input: '" + Generation.visible(symbols.get(i)) + "' at position " + (i + 1)
                        + " is not a symbol of this model");
            }
        }
        if (symbols.isEmpty()) throw CliException.usage("--input is empty");
        PrintWriter o = session.out();
        if (c.model() instanceof EncoderDecoderTransformer model) {
            List<AttentionSite> sites = sites(List.of(AttentionSite.CROSS, AttentionSite.ENCODER_SELF, AttentionSite.DECODER_SELF));
            Map<AttentionSite, Path> files = files(sites);
            int maxOutput = Math.min(model.config().maxLength() - 1, c.info().task().longestSequence(Math.max(symbols.size(),
                    c.info().maxLength())) + 1);
            if (symbols.size() + 1 > model.config().maxLength()) {
                throw CliException.usage("--input has " + symbols.size() + " symbols but the model takes at most " + (model.config().maxLength() - 1));
            }
            List<String> output = Seq2SeqPictures.write(model, vocab, session.registry(), session.scoreRegistry(), symbols, maxOutput, files);
            o.println(input + " → " + String.join("", output));
            report(o, files, model.config().heads(), model.config().decoderLayers(), model.config().encoderLayers());
        } else if (c.model() instanceof DecoderOnlyTransformer lm) {
            List<AttentionSite> sites = sites(List.of(AttentionSite.DECODER_SELF));
            if (symbols.size() > lm.config().maxLength()) {
                throw CliException.usage("--input has " + symbols.size() + " characters but the model takes at most " + lm.config().maxLength());
            }
            int[] ids = vocab.encode(symbols);
            try (GradMode.Scope ignored = GradMode.disable()) {
                lm.forward(TokenBatch.of(new int[][] {ids}, vocab.padId()));
            }
            Map<AttentionSite, Path> files = files(sites);
            List<String> labels = symbols.stream().map(s -> s.equals("\n") ? "\\n" : s.equals(" ") ? "␣" : s).toList();
            Figure f = AttentionFigures.of(recorder.recorded(), AttentionSite.DECODER_SELF, 0, labels, labels,
                    List.of("text " + Generation.visible(input)));
            try {
                f.writePng(files.get(AttentionSite.DECODER_SELF));
            } catch (IOException e) {
                throw CliException.failure("cannot write " + files.get(AttentionSite.DECODER_SELF) + ": " + Errors.oneLine(e), e);
            }
            report(o, files, lm.config().heads(), lm.config().decoderLayers(), 0);
        } else {
            throw CliException.usage("checkpoint " + checkpoint.dir + " holds a model this command cannot draw");
        }
        o.flush();
    }

    private List<AttentionSite> sites(List<AttentionSite> available) {
        if (site.equals("all")) return available;
        AttentionSite s;
        try {
            s = AttentionSite.fromKey(site);
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--site: " + Errors.oneLine(e) + " (or all)", e);
        }
        if (!available.contains(s)) throw CliException.usage("--site " + site + ": this model has no " + site + " attention");
        return List.of(s);
    }

    private Map<AttentionSite, Path> files(List<AttentionSite> sites) {
        Map<AttentionSite, Path> m = new LinkedHashMap<>();
        if (sites.size() == 1) {
            m.put(sites.get(0), png);
            return m;
        }
        String name = png.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : ".png";
        for (AttentionSite s : sites) m.put(s, png.resolveSibling(stem + "-" + s.key() + ext));
        return m;
    }

    private static void report(PrintWriter o, Map<AttentionSite, Path> files, int heads, int decoderLayers, int encoderLayers) {
        for (Map.Entry<AttentionSite, Path> e : files.entrySet()) {
            int layers = e.getKey() == AttentionSite.ENCODER_SELF ? encoderLayers : decoderLayers;
            o.printf("wrote %s (%s: %s × %s)%n", e.getValue(), AttentionFigures.title(e.getKey()), Plural.count(layers, "layer"),
                    Plural.count(heads, "head"));
        }
    }
}
