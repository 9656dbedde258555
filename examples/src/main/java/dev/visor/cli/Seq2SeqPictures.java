package dev.visor.cli;

import dev.visor.mask.MaskRegistry;
import dev.visor.mask.ScoreModifierRegistry;
import dev.visor.plot.Figure;
import dev.visor.tasks.Vocabulary;
import dev.visor.tensor.GradMode;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TokenBatch;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Attention pictures of an encoder-decoder for one input: the model decodes the input greedily, a
 * copy of it on the recording (reference) kernel re-runs the input and that output with teacher
 * forcing, and every site's weights become one figure of layers × heads, with the source tokens
 * ({@code … </s>}) and the decoder inputs ({@code <s> …}) on the axes.
 */
final class Seq2SeqPictures {
    private Seq2SeqPictures() {}

    /**
     * Decodes an input and draws each site's attention.
     *
     * @param model the trained model
     * @param vocab its vocabulary
     * @param registry the mask registry
     * @param scores the score-modifier registry
     * @param source the input symbols
     * @param maxOutput the longest output to decode
     * @param sites the sites to draw, each to its file
     * @return the output symbols
     * @throws CliException if a picture cannot be written
     */
    static List<String> write(EncoderDecoderTransformer model, Vocabulary vocab, MaskRegistry registry, ScoreModifierRegistry scores, List<String> source,
                              int maxOutput, Map<AttentionSite, Path> sites) {
        List<String> output = Seq2SeqTraining.decode(model, vocab, List.of(source), maxOutput).get(0);
        AttentionRecorder recorder = new AttentionRecorder();
        EncoderDecoderTransformer copy = (EncoderDecoderTransformer) RunCheckpoint.build(model.config(), registry, scores, recorder);
        copy.loadStateDict(model.stateDict(), true);
        copy.eval();
        recorder.index(copy);
        TokenBatch src = SourceTokens.batch(List.of(source), vocab);
        List<String> decoderInput = new ArrayList<>();
        decoderInput.add(Vocabulary.BOS);
        decoderInput.addAll(output);
        int[] in = new int[decoderInput.size()];
        for (int i = 0; i < in.length; i++) in[i] = vocab.id(decoderInput.get(i));
        try (GradMode.Scope ignored = GradMode.disable()) {
            copy.forward(src, TokenBatch.of(new int[][] {in}, vocab.padId()));
        }
        List<String> sourceTokens = new ArrayList<>(source);
        sourceTokens.add(Vocabulary.EOS);
        String line = "input " + String.join("", source) + " → output " + String.join("", output);
        for (Map.Entry<AttentionSite, Path> e : sites.entrySet()) {
            AttentionSite site = e.getKey();
            List<String> keys = site == AttentionSite.DECODER_SELF ? decoderInput : sourceTokens;
            List<String> queries = site == AttentionSite.ENCODER_SELF ? sourceTokens : decoderInput;
            Figure f = AttentionFigures.of(recorder.recorded(), site, 0, keys, queries, List.of(line));
            if (f == null) throw CliException.failure("the model has no " + site.key() + " attention to draw");
            try {
                f.writePng(e.getValue());
            } catch (IOException ex) {
                throw CliException.failure("cannot write " + e.getValue() + ": " + Errors.oneLine(ex), ex);
            }
        }
        return output;
    }

    /**
     * The files of every site of an encoder-decoder, in a folder.
     *
     * @param dir the folder
     * @return site → file
     */
    static Map<AttentionSite, Path> allSites(Path dir) {
        Map<AttentionSite, Path> m = new LinkedHashMap<>();
        m.put(AttentionSite.CROSS, dir.resolve(AttentionFigures.fileName(AttentionSite.CROSS) + ".png"));
        m.put(AttentionSite.ENCODER_SELF, dir.resolve(AttentionFigures.fileName(AttentionSite.ENCODER_SELF) + ".png"));
        m.put(AttentionSite.DECODER_SELF, dir.resolve(AttentionFigures.fileName(AttentionSite.DECODER_SELF) + ".png"));
        return m;
    }
}
