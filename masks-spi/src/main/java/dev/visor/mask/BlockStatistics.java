package dev.visor.mask;

import java.util.Arrays;
import java.util.Locale;

/**
 * What tools and reports read off a {@link CompiledMask} beyond what the kernels need: per-slice block
 * counts, the exact fraction of attending elements, and the text picture of {@code visor masks show}.
 * Kept apart from the compiled structure itself, which only builds and serves the block lists; it
 * reads them through the public accessors.
 */
final class BlockStatistics {
    private BlockStatistics() {}

    /** The blocks of class {@code c} in one slice; the three classes sum to {@code queryBlocks · keyBlocks}. */
    static long count(CompiledMask m, BlockClass c, int slice) {
        int first = m.rowStart(slice, 0);
        int end = m.rowEnd(slice, m.queryBlocks() - 1);
        long full = 0;
        for (int e = first; e < end; e++) if (m.fullAt(e)) full++;
        long nonEmpty = end - first;
        return switch (c) {
            case FULL -> full;
            case PARTIAL -> nonEmpty - full;
            case EMPTY -> (long) m.queryBlocks() * m.keyBlocks() - nonEmpty;
        };
    }

    /** The exact fraction of score elements that attend, evaluating the predicate inside PARTIAL blocks. */
    static double elementDensity(CompiledMask m) {
        MaskShape shape = m.shape();
        Mask mask = m.mask();
        long attending = 0;
        int heads = m.byHead() ? shape.heads() : 1;
        for (int s = 0; s < m.slices(); s++) {
            int b = m.byHead() ? s / heads : s;
            int h = m.byHead() ? s % heads : 0;
            for (int qb = 0; qb < m.queryBlocks(); qb++) {
                for (int e = m.rowStart(s, qb); e < m.rowEnd(s, qb); e++) {
                    int kb = m.keyBlockAt(e);
                    if (m.fullAt(e)) {
                        attending += (long) (m.queryTo(qb) - m.queryFrom(qb)) * (m.keyTo(kb) - m.keyFrom(kb));
                        continue;
                    }
                    for (int q = m.queryFrom(qb); q < m.queryTo(qb); q++) {
                        for (int k = m.keyFrom(kb); k < m.keyTo(kb); k++) if (mask.attends(b, h, q, k)) attending++;
                    }
                }
            }
        }
        long replicas = (long) (shape.batch() / (m.byBatch() ? shape.batch() : 1)) * (shape.heads() / heads);
        return (double) (attending * replicas) / shape.elements();
    }

    /** The picture of {@link CompiledMask#render(int, int)} for one slice. */
    static String render(CompiledMask m, int s) {
        int queryBlocks = m.queryBlocks();
        int keyBlocks = m.keyBlocks();
        int gq = CompiledMask.ceilDiv(queryBlocks, 64);
        int gk = CompiledMask.ceilDiv(keyBlocks, 64);
        StringBuilder out = new StringBuilder();
        out.append(m.mask().spec()).append(' ').append(m.shape()).append(", blocks ").append(m.blockQ()).append('×')
                .append(m.blockK()).append(" → ").append(queryBlocks).append('×').append(keyBlocks)
                .append(" (F full, p partial, . empty");
        if (gq > 1 || gk > 1) out.append("; each character is ").append(gq).append('×').append(gk).append(" blocks");
        out.append("), density ").append(String.format(Locale.ROOT, "%.4f", m.density())).append('\n');
        byte[] cls = new byte[keyBlocks]; // 0 empty, 1 partial, 2 full
        for (int q0 = 0; q0 < queryBlocks; q0 += gq) {
            int[] fullIn = new int[CompiledMask.ceilDiv(keyBlocks, gk)];
            int[] nonEmpty = new int[fullIn.length];
            int rowsInGroup = Math.min(gq, queryBlocks - q0);
            for (int qb = q0; qb < q0 + rowsInGroup; qb++) {
                Arrays.fill(cls, (byte) 0);
                for (int e = m.rowStart(s, qb); e < m.rowEnd(s, qb); e++) cls[m.keyBlockAt(e)] = (byte) (m.fullAt(e) ? 2 : 1);
                for (int kb = 0; kb < keyBlocks; kb++) {
                    if (cls[kb] == 2) fullIn[kb / gk]++;
                    if (cls[kb] != 0) nonEmpty[kb / gk]++;
                }
            }
            for (int g = 0; g < fullIn.length; g++) {
                int size = rowsInGroup * Math.min(gk, keyBlocks - g * gk);
                out.append(fullIn[g] == size ? 'F' : nonEmpty[g] == 0 ? '.' : 'p');
            }
            out.append('\n');
        }
        return out.toString();
    }
}
