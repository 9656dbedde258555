package dev.visor.cli;

import dev.visor.tasks.Vocabulary;
import dev.visor.transformer.AttentionKernel;
import dev.visor.transformer.DecoderOnlyTransformer;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code visor generate --checkpoint DIR [--prompt TEXT]}: continues a text with a trained character
 * language model, by sampling (default, temperature 0.8), greedy decoding or beam search.
 */
@Command(name = "generate",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Continue a text with a trained language model ('visor train lm').",
            "Example: visor generate --checkpoint runs/lm --prompt \"MENENIUS:\" --length 400 --temperature 0.7"})
final class GenerateCommand implements Runnable {
    private final Session session;

    @Mixin
    private CheckpointOption checkpoint;

    @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = "", description = "The text to continue (default: a new line).")
    private String prompt;

    @Option(names = "--length", paramLabel = "N", defaultValue = "300", description = "Characters to generate (default: ${DEFAULT-VALUE}).")
    private int length;

    @Mixin
    private DecodeOptions decode;

    GenerateCommand(Session session) {
        this.session = session;
    }

    @Override
    public void run() {
        if (length < 1) throw CliException.usage("--length must be at least 1 but is " + length);
        DecodeOptions.Strategy strategy = decode.strategy(DecodeOptions.Strategy.SAMPLE);
        RunCheckpoint.Loaded c = RunCheckpoint.load(checkpoint.dir, session.registry(), session.scoreRegistry(), AttentionKernel.FLASH);
        if (!(c.model() instanceof DecoderOnlyTransformer lm) || !c.info().kind().equals(RunInfo.LM)) {
            throw CliException.usage("checkpoint " + checkpoint.dir + " holds " + RunInfo.describe(c.info().kind())
                    + "; generate needs a language model (use 'visor translate' for seq2seq)");
        }
        Vocabulary vocab = c.info().vocabulary();
        int window = c.info().context() > 0 ? c.info().context() + 1 : lm.config().maxLength();
        String text = Generation.generate(lm, vocab, window, prompt, length, strategy,
                strategy == DecodeOptions.Strategy.SAMPLE ? decode.sampling(0.8) : null,
                strategy == DecodeOptions.Strategy.BEAM ? decode.beam(1) : null);
        PrintWriter o = session.out();
        o.println(prompt + text);
        o.flush();
    }
}
