package dev.visor.cli;

import dev.visor.plot.AttentionPlot;
import dev.visor.plot.Figure;
import dev.visor.transformer.AttentionSite;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns recorded attention weights into figures: one per attention site, one panel per layer and
 * head (layers down, heads across), for one sequence of the batch, with tokens on the axes. Layers
 * and heads are numbered from 0, as {@code --mask-layer} and the parameter names number them.
 */
final class AttentionFigures {
    private AttentionFigures() {}

    /**
     * The figure of one site.
     *
     * @param calls everything recorded
     * @param site the site to draw
     * @param row the sequence of the batch to draw
     * @param keyTokens labels of the keys
     * @param queryTokens labels of the queries
     * @param subtitle lines under the title
     * @return the figure, or null if nothing was recorded for that site
     */
    static Figure of(List<AttentionRecorder.Recorded> calls, AttentionSite site, int row, List<String> keyTokens,
                     List<String> queryTokens, List<String> subtitle) {
        List<AttentionPlot.Weights> maps = new ArrayList<>();
        int heads = 1;
        String spec = null;
        for (AttentionRecorder.Recorded r : calls) {
            if (r.site() != site) continue;
            spec = spec == null ? r.spec() : spec.equals(r.spec()) ? spec : "differs by layer";
            int[] shape = r.weights().shape();   // (batch, heads, Lq, Lk)
            heads = shape[1];
            int lq = shape[2];
            int lk = shape[3];
            float[] all = r.weights().contiguous().toArray();
            for (int h = 0; h < heads; h++) {
                float[] w = new float[lq * lk];
                System.arraycopy(all, ((row * heads) + h) * lq * lk, w, 0, lq * lk);
                boolean[] attends = new boolean[w.length];
                for (int q = 0; q < lq; q++) {
                    for (int k = 0; k < lk; k++) attends[q * lk + k] = r.mask().attends(row, h, q, k);
                }
                maps.add(new AttentionPlot.Weights("layer " + r.layer() + " · head " + h, lq, lk, w, attends));
            }
        }
        if (maps.isEmpty()) return null;
        List<String> lines = new ArrayList<>(subtitle);
        lines.add("mask: " + spec + "; grey = masked, colour = softmax weight (rows sum to 1)");
        return AttentionPlot.figure(title(site), lines, maps, keyTokens, queryTokens, heads);
    }

    /** @return e.g. "cross-attention (decoder queries over encoder keys)" */
    static String title(AttentionSite site) {
        return switch (site) {
            case ENCODER_SELF -> "encoder self-attention";
            case DECODER_SELF -> "decoder self-attention";
            case CROSS -> "cross-attention (decoder queries over encoder outputs)";
        };
    }

    /** @return a file-name part, e.g. "cross-attention" */
    static String fileName(AttentionSite site) {
        return switch (site) {
            case ENCODER_SELF -> "encoder-self-attention";
            case DECODER_SELF -> "decoder-self-attention";
            case CROSS -> "cross-attention";
        };
    }
}
