package dev.visor.mask;

import java.util.Arrays;
import java.util.Map;

/**
 * {@link MaskContext.Builder#build()}: resolves the self-attention conveniences (one valid range or
 * one segment row for both sides) into query- and key-side data and checks every field against the
 * shape, naming the offending field, index and values.
 */
final class ContextBuild {
    private ContextBuild() {}

    static MaskContext build(MaskShape shape, int[] validLengths, int[] validStarts, int[] queryValid, int[] queryStarts,
                             int[] keyValid, int[] keyStarts, int[][] tokenIds, int[][] selfSegments, int[][] querySegments,
                             int[][] keySegments, Map<ContextKey<?>, Object> plugins) {
        int batch = shape.batch();
        int queryLength = shape.queryLength();
        int keyLength = shape.keyLength();
        int queryOffset = shape.queryOffset();
        int queryEnd = shape.queryEnd();
        int[] qv = queryValid;
        int[] kv = keyValid;
        if (validLengths != null) {
            if (qv != null || kv != null) {
                throw new IllegalArgumentException("set either validLengths (self-attention) or "
                        + "queryValidLengths/keyValidLengths (cross-attention), not both");
            }
            checkLengths(batch, "validLengths", validLengths, keyLength, "keyLength");
            kv = validLengths;
            qv = new int[batch];
            for (int b = 0; b < batch; b++) qv[b] = Math.min(validLengths[b], queryEnd);
            if (validStarts != null) {
                checkStarts(batch, "validRanges", validStarts, validLengths);
                keyStarts = validStarts;
                queryStarts = new int[batch];
                for (int b = 0; b < batch; b++) queryStarts[b] = Math.min(validStarts[b], qv[b]);
            }
        } else {
            if (qv != null) checkLengths(batch, "queryValidLengths", qv, queryEnd, "queryOffset + queryLength");
            if (kv != null) checkLengths(batch, "keyValidLengths", kv, keyLength, "keyLength");
            if (queryStarts != null) checkStarts(batch, "queryValidRanges", queryStarts, qv);
            if (keyStarts != null) checkStarts(batch, "keyValidRanges", keyStarts, kv);
        }
        if (tokenIds != null) checkRows(batch, "tokenIds", tokenIds, keyLength, "keyLength");
        int[][] qs = querySegments;
        int[][] ks = keySegments;
        if (selfSegments != null) {
            if (qs != null) {
                throw new IllegalArgumentException("set either segmentIds(ids) (self-attention) or "
                        + "segmentIds(queryIds, keyIds) (cross-attention), not both");
            }
            checkRows(batch, "segmentIds", selfSegments, keyLength, "keyLength");
            if (queryEnd > keyLength) {
                throw new IllegalArgumentException("self-attention segmentIds cover positions 0.."
                        + (keyLength - 1) + " but the queries are positions " + queryOffset + ".." + (queryEnd - 1)
                        + " (queryOffset " + queryOffset + " + queryLength " + queryLength + " > keyLength "
                        + keyLength + "); use segmentIds(queryIds, keyIds) for cross-attention");
            }
            ks = selfSegments;
            qs = new int[batch][];
            for (int b = 0; b < batch; b++) qs[b] = Arrays.copyOfRange(selfSegments[b], queryOffset, queryEnd);
        } else if (qs != null) {
            checkRows(batch, "query segmentIds", qs, queryLength, "queryLength");
            checkRows(batch, "key segmentIds", ks, keyLength, "keyLength");
        }
        return new MaskContext(shape, qv == null ? null : qv.clone(), kv == null ? null : kv.clone(),
                tokenIds, qs, ks, queryStarts == null ? null : queryStarts.clone(), keyStarts == null ? null : keyStarts.clone(),
                ContextArrays.of(plugins, shape));
    }

    private static void checkStarts(int batch, String name, int[] starts, int[] ends) {
        if (starts.length != batch) {
            throw new IllegalArgumentException(name + " has " + starts.length + " starts but batch is " + batch);
        }
        for (int b = 0; b < batch; b++) {
            if (starts[b] < 0 || starts[b] > ends[b]) {
                throw new IllegalArgumentException(name + " start[" + b + "] = " + starts[b] + " is outside [0, end = " + ends[b] + "]");
            }
        }
    }

    private static void checkLengths(int batch, String name, int[] lengths, int max, String maxName) {
        if (lengths.length != batch) {
            throw new IllegalArgumentException(name + " has " + lengths.length + " entries but batch is " + batch);
        }
        for (int b = 0; b < batch; b++) {
            if (lengths[b] < 0 || lengths[b] > max) {
                throw new IllegalArgumentException(name + "[" + b + "] = " + lengths[b] + " is outside [0, "
                        + maxName + " = " + max + "]");
            }
        }
    }

    private static void checkRows(int batch, String name, int[][] rows, int length, String lengthName) {
        if (rows.length != batch) {
            throw new IllegalArgumentException(name + " has " + rows.length + " rows but batch is " + batch);
        }
        for (int b = 0; b < batch; b++) {
            if (rows[b] == null || rows[b].length != length) {
                throw new IllegalArgumentException(name + "[" + b + "] has "
                        + (rows[b] == null ? "no" : String.valueOf(rows[b].length)) + " entries but "
                        + lengthName + " is " + length);
            }
        }
    }
}
