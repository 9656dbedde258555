package dev.visor.plot;

import dev.visor.mask.CompiledMask;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskShape;

/**
 * A compiled mask of one (sequence, head) summarised on a grid of cells, each covering
 * {@code rowGroup} queries × {@code colGroup} keys: how many of its elements attend, how many are
 * masked inside PARTIAL blocks (the kernel computes them and then drops them) and how many lie in
 * EMPTY blocks (skipped). Counting walks the compiled block lists and evaluates the element predicate
 * only inside PARTIAL blocks, so a 65 536-long causal mask is summarised without touching 4·10⁹
 * elements.
 *
 * <pre>{@code
 * MaskCells cells = MaskCells.of(compiled, 0, 0, 4, 4);   // 4×4 elements per cell
 * long attending = cells.attending(r, c);
 * }</pre>
 */
public final class MaskCells {
    private final int rows;
    private final int cols;
    private final int rowGroup;
    private final int colGroup;
    private final long[] attend;
    private final long[] computed;
    private final long[] area;

    private MaskCells(int rows, int cols, int rowGroup, int colGroup) {
        this.rows = rows;
        this.cols = cols;
        this.rowGroup = rowGroup;
        this.colGroup = colGroup;
        this.attend = new long[rows * cols];
        this.computed = new long[rows * cols];
        this.area = new long[rows * cols];
    }

    /**
     * Summarises one (sequence, head) of a compiled mask.
     *
     * @param cm the compiled mask
     * @param batch the sequence
     * @param head the head
     * @param rowGroup queries per cell, at least 1
     * @param colGroup keys per cell, at least 1
     * @return the counts
     */
    public static MaskCells of(CompiledMask cm, int batch, int head, int rowGroup, int colGroup) {
        MaskShape shape = cm.shape();
        if (batch < 0 || batch >= shape.batch() || head < 0 || head >= shape.heads()) {
            throw new IllegalArgumentException("sequence " + batch + ", head " + head + " is outside the mask's "
                    + shape.batch() + " sequences × " + shape.heads() + " heads");
        }
        if (rowGroup < 1 || colGroup < 1) {
            throw new IllegalArgumentException("cell groups must be at least 1 but are " + rowGroup + " × " + colGroup);
        }
        int lq = shape.queryLength();
        int lk = shape.keyLength();
        int offset = shape.queryOffset();
        MaskCells cells = new MaskCells((lq + rowGroup - 1) / rowGroup, (lk + colGroup - 1) / colGroup, rowGroup, colGroup);
        for (int r = 0; r < cells.rows; r++) {
            long h = Math.min(lq, (r + 1) * rowGroup) - (long) r * rowGroup;
            for (int c = 0; c < cells.cols; c++) {
                cells.area[r * cells.cols + c] = h * (Math.min(lk, (c + 1) * colGroup) - (long) c * colGroup);
            }
        }
        Mask mask = cm.mask();
        int slice = cm.slice(batch, head);
        for (int qb = 0; qb < cm.queryBlocks(); qb++) {
            int i0 = cm.queryFrom(qb) - offset;
            int i1 = cm.queryTo(qb) - offset;
            for (int e = cm.rowStart(slice, qb); e < cm.rowEnd(slice, qb); e++) {
                int kb = cm.keyBlockAt(e);
                int k0 = cm.keyFrom(kb);
                int k1 = cm.keyTo(kb);
                if (cm.fullAt(e)) {
                    cells.addRectangle(i0, i1, k0, k1);
                } else {
                    for (int i = i0; i < i1; i++) {
                        int rowBase = (i / rowGroup) * cells.cols;
                        for (int k = k0; k < k1; k++) {
                            int idx = rowBase + k / colGroup;
                            if (mask.attends(batch, head, offset + i, k)) cells.attend[idx]++;
                            else cells.computed[idx]++;
                        }
                    }
                }
            }
        }
        return cells;
    }

    /** Adds a FULL block's elements to the cells it overlaps. */
    private void addRectangle(int i0, int i1, int k0, int k1) {
        for (int r = i0 / rowGroup; r <= (i1 - 1) / rowGroup; r++) {
            long h = Math.min(i1, (r + 1) * rowGroup) - Math.max(i0, r * rowGroup);
            for (int c = k0 / colGroup; c <= (k1 - 1) / colGroup; c++) {
                long w = Math.min(k1, (c + 1) * colGroup) - Math.max(k0, c * colGroup);
                attend[r * cols + c] += h * w;
            }
        }
    }

    /** @return the number of cell rows */
    public int rows() {
        return rows;
    }

    /** @return the number of cell columns */
    public int cols() {
        return cols;
    }

    /** @return queries per cell */
    public int rowGroup() {
        return rowGroup;
    }

    /** @return keys per cell */
    public int colGroup() {
        return colGroup;
    }

    /** @param r a cell row @param c a cell column @return elements of the cell that attend */
    public long attending(int r, int c) {
        return attend[r * cols + c];
    }

    /** @param r a cell row @param c a cell column @return masked elements of the cell inside PARTIAL blocks */
    public long maskedComputed(int r, int c) {
        return computed[r * cols + c];
    }

    /** @param r a cell row @param c a cell column @return elements of the cell inside EMPTY blocks */
    public long maskedSkipped(int r, int c) {
        int i = r * cols + c;
        return area[i] - attend[i] - computed[i];
    }

    /** @param r a cell row @param c a cell column @return the number of elements the cell covers */
    public long area(int r, int c) {
        return area[r * cols + c];
    }
}
