package dev.visor.cli;

import dev.visor.tasks.SyntheticTask;
import dev.visor.tasks.Vocabulary;
import dev.visor.tensor.GradMode;
import dev.visor.transformer.AttentionKernel;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TokenBatch;
import dev.visor.transformer.decode.BeamSearch;
import dev.visor.transformer.decode.Greedy;
import dev.visor.transformer.decode.Hypothesis;
import dev.visor.transformer.decode.Sampler;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code visor translate --checkpoint DIR INPUT...}: decodes inputs with a trained encoder-decoder
 * (greedy by default, or beam search, or sampling) and checks each output against the task's answer.
 */
@Command(name = "translate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Decode inputs with a trained encoder-decoder and check the answers.",
            "Example: visor translate --checkpoint visor-demo/checkpoint abcdef hijjiba --beam 4"})
final class TranslateCommand implements Runnable {
    private final Session session;

    @Mixin
    private CheckpointOption checkpoint;

    @Parameters(paramLabel = "INPUT", arity = "1..*", description = "Inputs, one character per symbol (e.g. abcd, or 17+25 for add).")
    private List<String> inputs;

    @Mixin
    private DecodeOptions decode;

    TranslateCommand(Session session) {
        this.session = session;
    }

    @Override
    public void run() {
        DecodeOptions.Strategy strategy = decode.strategy(DecodeOptions.Strategy.GREEDY);
        RunCheckpoint.Loaded c = RunCheckpoint.load(checkpoint.dir, session.registry(), session.scoreRegistry(), AttentionKernel.FLASH);
        if (!(c.model() instanceof EncoderDecoderTransformer model) || !c.info().kind().equals(RunInfo.SEQ2SEQ)) {
            throw CliException.usage("checkpoint " + checkpoint.dir + " holds " + RunInfo.describe(c.info().kind())
                    + "; translate needs a seq2seq one (use 'visor generate' for language models)");
        }
        Vocabulary vocab = c.info().vocabulary();
        SyntheticTask task = c.info().task();
        List<List<String>> sources = new ArrayList<>();
        for (String input : inputs) sources.add(symbols(input, vocab));
        int longest = sources.stream().mapToInt(List::size).max().orElse(1);
        int maxOutput = Math.min(model.config().maxLength() - 1, task.longestSequence(Math.max(longest, c.info().maxLength())) + 1);
        TokenBatch src = SourceTokens.batch(sources, vocab);
        if (src.length() > model.config().maxLength()) {
            throw CliException.usage("an input has " + (src.length() - 1) + " symbols but the model takes at most "
                    + (model.config().maxLength() - 1));
        }
        List<Hypothesis> out;
        try (GradMode.Scope ignored = GradMode.disable()) {
            out = switch (strategy) {
                case GREEDY -> Greedy.decode(model.startDecoding(src), vocab.bosId(), vocab.eosId(), maxOutput);
                case BEAM -> BeamSearch.decode(model.startDecoding(src), vocab.bosId(), vocab.eosId(), decode.beam(maxOutput));
                case SAMPLE -> Sampler.decode(model.startDecoding(src), vocab.bosId(), vocab.eosId(), maxOutput, decode.sampling(1.0));
            };
        }
        PrintWriter o = session.out();
        int width = inputs.stream().mapToInt(String::length).max().orElse(1);
        int right = 0;
        for (int i = 0; i < inputs.size(); i++) {
            List<String> got = vocab.decodeSymbols(out.get(i).tokens());
            String verdict;
            try {
                List<String> want = task.answer(sources.get(i));
                boolean ok = want.equals(got);
                right += ok ? 1 : 0;
                verdict = ok ? "✓" : "✗ (" + task.key() + " gives " + String.join("", want) + ")";
            } catch (IllegalArgumentException notAnInput) {
                verdict = "(not a valid " + task.key() + " input)";
            }
            o.printf("%-" + width + "s → %s  %s%n", inputs.get(i), String.join("", got), verdict);
        }
        if (inputs.size() > 1) o.printf("%d of %d right (%s decoding)%n", right, inputs.size(), strategy.name().toLowerCase(java.util.Locale.ROOT));
        o.flush();
    }

    private static List<String> symbols(String input, Vocabulary vocab) {
        List<String> out = new ArrayList<>();
        input.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
        for (int i = 0; i < out.size(); i++) {
            if (!vocab.symbols().contains(out.get(i))) {
                throw CliException.usage("input '" + input + "': '" + out.get(i) + "' at position " + (i + 1)
                        + " is not a symbol of this model; it knows " + String.join("", vocab.symbols()));
            }
        }
        if (out.isEmpty()) throw CliException.usage("an input is empty");
        return out;
    }
}
