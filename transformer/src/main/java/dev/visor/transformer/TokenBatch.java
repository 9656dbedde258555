package dev.visor.transformer;

import java.util.Arrays;
import java.util.Objects;

/**
 * A batch of token sequences padded on the right to one length: the ids, how many of each row are
 * real tokens, and optionally a segment (document) id per position for packed sequences. The valid
 * lengths are what the {@code padding} mask reads; the ids are what {@code token(ids=...)} reads; the
 * segments are what {@code document} reads.
 *
 * <pre>{@code
 * TokenBatch src = TokenBatch.of(new int[][] {{5, 6, 7, 2}, {8, 2}}, PAD);   // (2, 4), lengths [4, 2]
 * src.id(1, 3);          // PAD
 * }</pre>
 *
 * @param ids          row-major {@code (batch, length)} token ids, pads after each row's valid part
 * @param batch        number of rows
 * @param length       padded length
 * @param validLengths real tokens per row, each in {@code [0, length]}
 * @param segmentIds   {@code (batch, length)} document ids, or {@code null}
 */
public record TokenBatch(int[] ids, int batch, int length, int[] validLengths, int[][] segmentIds) {

    /**
     * Checks the shapes and copies every array.
     *
     * @param ids the token ids
     * @param batch the batch size
     * @param length the length
     * @param validLengths the valid length of every sequence
     * @param segmentIds the segment id of every position
     */
    public TokenBatch {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(validLengths, "validLengths");
        if (batch < 1 || length < 1) {
            throw new IllegalArgumentException("a token batch needs batch >= 1 and length >= 1 but got batch=" + batch
                    + ", length=" + length);
        }
        if (ids.length != batch * length) {
            throw new IllegalArgumentException(ids.length + " ids do not fill (batch=" + batch + ", length=" + length + ")");
        }
        if (validLengths.length != batch) {
            throw new IllegalArgumentException(validLengths.length + " valid lengths given for a batch of " + batch);
        }
        for (int b = 0; b < batch; b++) {
            if (validLengths[b] < 0 || validLengths[b] > length) {
                throw new IllegalArgumentException("row " + b + " has valid length " + validLengths[b] + " outside [0, "
                        + length + "]");
            }
        }
        ids = ids.clone();
        validLengths = validLengths.clone();
        if (segmentIds != null) {
            if (segmentIds.length != batch) {
                throw new IllegalArgumentException("segment ids have " + segmentIds.length + " rows for a batch of " + batch);
            }
            int[][] s = new int[batch][];
            for (int b = 0; b < batch; b++) {
                if (segmentIds[b] == null || segmentIds[b].length != length) {
                    throw new IllegalArgumentException("segment ids row " + b + " has "
                            + (segmentIds[b] == null ? "no values" : segmentIds[b].length + " values") + " but the length is "
                            + length);
                }
                s[b] = segmentIds[b].clone();
            }
            segmentIds = s;
        }
    }

    /**
     * Right-pads ragged rows with {@code padId}; each row's valid length is its own length.
     *
     * @param rows the number of rows
     * @param padId the padding token id
     * @return right-pads ragged rows with {@code padId}; each row's valid length is its own length
     * @throws IllegalArgumentException for no rows, or when every row is empty
     */
    public static TokenBatch of(int[][] rows, int padId) {
        Objects.requireNonNull(rows, "rows");
        if (rows.length == 0) {
            throw new IllegalArgumentException("a token batch needs at least one row");
        }
        int length = 0;
        for (int[] r : rows) {
            length = Math.max(length, Objects.requireNonNull(r, "row").length);
        }
        if (length == 0) {
            throw new IllegalArgumentException("every row of the batch is empty");
        }
        int[] ids = new int[rows.length * length];
        Arrays.fill(ids, padId);
        int[] valid = new int[rows.length];
        for (int b = 0; b < rows.length; b++) {
            System.arraycopy(rows[b], 0, ids, b * length, rows[b].length);
            valid[b] = rows[b].length;
        }
        return new TokenBatch(ids, rows.length, length, valid, null);
    }

    /**
     * A batch of already padded rows whose valid length is found from {@code padId}: each row is
     * real up to its last non-pad token.
     *
     * @param ids the token ids
     * @param batch the batch size
     * @param length the length
     * @param padId the padding token id
     * @return a batch of already padded rows whose valid length is found from {@code padId}: each row is real up to its last non-pad token
     * @throws IllegalArgumentException when a pad occurs before a row's last real token
     */
    public static TokenBatch padded(int[] ids, int batch, int length, int padId) {
        Objects.requireNonNull(ids, "ids");
        if (batch < 1 || length < 1 || ids.length != batch * length) {
            throw new IllegalArgumentException(ids.length + " ids do not fill (batch=" + batch + ", length=" + length + ")");
        }
        int[] valid = new int[batch];
        for (int b = 0; b < batch; b++) {
            int n = length;
            while (n > 0 && ids[b * length + n - 1] == padId) {
                n--;
            }
            for (int i = 0; i < n; i++) {
                if (ids[b * length + i] == padId) {
                    throw new IllegalArgumentException("row " + b + " has the pad id " + padId + " at position " + i
                            + " before its last real token at " + (n - 1) + "; padding must come after the tokens");
                }
            }
            valid[b] = n;
        }
        return new TokenBatch(ids, batch, length, valid, null);
    }

    /**
     * The same tokens with segment ids {@code (batch, length)} for the {@code document} mask.
     *
     * @param segments the segment id of every position
     * @return the same tokens with segment ids {@code (batch, length)} for the {@code document} mask
     */
    public TokenBatch withSegments(int[][] segments) {
        return new TokenBatch(ids, batch, length, validLengths, Objects.requireNonNull(segments, "segments"));
    }

    /**
     * The token at row {@code b}, position {@code i}.
     *
     * @param b the row
     * @param i the position
     * @return the token at row {@code b}, position {@code i}
     */
    public int id(int b, int i) {
        return ids[b * length + i];
    }

    /**
     * The ids as rows {@code (batch, length)} (a copy).
     *
     * @return the ids as rows {@code (batch, length)} (a copy)
     */
    public int[][] rows() {
        int[][] out = new int[batch][];
        for (int b = 0; b < batch; b++) {
            out[b] = Arrays.copyOfRange(ids, b * length, (b + 1) * length);
        }
        return out;
    }

    /**
     * The ids (a copy).
     *
     * @return the ids (a copy)
     */
    @Override
    public int[] ids() {
        return ids.clone();
    }

    /**
     * The valid lengths (a copy).
     *
     * @return the valid lengths (a copy)
     */
    @Override
    public int[] validLengths() {
        return validLengths.clone();
    }

    /**
     * The segment ids (a deep copy), or {@code null}.
     *
     * @return the segment ids (a deep copy), or {@code null}
     */
    @Override
    public int[][] segmentIds() {
        if (segmentIds == null) {
            return null;
        }
        int[][] out = new int[batch][];
        for (int b = 0; b < batch; b++) {
            out[b] = segmentIds[b].clone();
        }
        return out;
    }

    /**
     * Number of real tokens over all rows.
     *
     * @return number of real tokens over all rows
     */
    public int tokenCount() {
        int n = 0;
        for (int v : validLengths) {
            n += v;
        }
        return n;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenBatch t && batch == t.batch && length == t.length && Arrays.equals(ids, t.ids)
                && Arrays.equals(validLengths, t.validLengths) && Arrays.deepEquals(segmentIds, t.segmentIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(batch, length, Arrays.hashCode(ids), Arrays.hashCode(validLengths), Arrays.deepHashCode(segmentIds));
    }

    @Override
    public String toString() {
        return "TokenBatch(batch=" + batch + ", length=" + length + ", valid=" + Arrays.toString(validLengths)
                + (segmentIds != null ? ", segments" : "") + ")";
    }
}
