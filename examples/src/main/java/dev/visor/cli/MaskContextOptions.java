package dev.visor.cli;

import dev.visor.mask.ContextKey;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskSpec;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options that describe one attention call to a mask: batch and heads, the query offset, and the
 * optional per-sequence data strategies may need (valid lengths, token ids, segment ids). Per-sequence
 * lists take one value per sequence ({@code --valid-lengths 16,11}); per-position ids take one option
 * per sequence ({@code --segment-ids 0,0,0,1,1 --segment-ids 0,0,1,1,1}). The batch size defaults to
 * the number of sequences those options describe.
 */
final class MaskContextOptions {

    @Option(names = "--batch", paramLabel = "B", description = "Sequences in the batch (default: as many as the per-sequence options describe, else 1).")
    Integer batch;

    @Option(names = "--heads", paramLabel = "H", defaultValue = "1", description = "Attention heads (default: ${DEFAULT-VALUE}).")
    int heads;

    @Option(names = "--offset", paramLabel = "O", defaultValue = "0",
            description = "Absolute position of the first query, e.g. the number of cached tokens (default: ${DEFAULT-VALUE}).")
    int offset;

    @Option(names = "--valid-lengths", paramLabel = "N", split = ",",
            description = "Self-attention: valid positions per sequence (queries and keys), e.g. 16,11.")
    List<Integer> validLengths;

    @Option(names = "--query-valid-lengths", paramLabel = "N", split = ",",
            description = "Cross-attention: valid queries per sequence.")
    List<Integer> queryValidLengths;

    @Option(names = "--key-valid-lengths", paramLabel = "N", split = ",",
            description = "Cross-attention: valid keys per sequence.")
    List<Integer> keyValidLengths;

    @Option(names = "--token-ids", paramLabel = "IDS",
            description = "Token id of every key, one option per sequence, e.g. --token-ids 5,7,9,7.")
    List<String> tokenIds;

    @Option(names = "--segment-ids", paramLabel = "IDS",
            description = "Segment (document) id of every key, one option per sequence; in self-attention the queries share them.")
    List<String> segmentIds;

    @Option(names = "--query-segment-ids", paramLabel = "IDS",
            description = "Cross-attention: segment id of every query, one option per sequence (--segment-ids then gives the keys').")
    List<String> querySegmentIds;

    /**
     * The command-line options that set a context field, for messages.
     *
     * @param field the field
     * @return e.g. "--valid-lengths or --key-valid-lengths"
     */
    static String optionFor(ContextKey<?> field) {
        if (field.equals(ContextKey.QUERY_VALID_LENGTHS)) return "--valid-lengths or --query-valid-lengths";
        if (field.equals(ContextKey.KEY_VALID_LENGTHS)) return "--valid-lengths or --key-valid-lengths";
        if (field.equals(ContextKey.TOKEN_IDS)) return "--token-ids";
        if (field.equals(ContextKey.SEGMENT_IDS)) return "--segment-ids";
        return "no option: '" + field.name() + "' is a plugin's context key, supplied from code";
    }

    /**
     * Builds the context, checking every value against the lengths and naming the option at fault.
     *
     * @param queryLength number of queries
     * @param keyLength number of keys
     * @return the context
     * @throws CliException (usage) for values that do not fit
     */
    MaskContext build(int queryLength, int keyLength) {
        if (queryLength < 1) throw CliException.usage("--query-len must be at least 1 but is " + queryLength);
        if (keyLength < 1) throw CliException.usage("--key-len must be at least 1 but is " + keyLength);
        if (heads < 1) throw CliException.usage("--heads must be at least 1 but is " + heads);
        if (offset < 0) throw CliException.usage("--offset must be at least 0 but is " + offset);
        if (validLengths != null && (queryValidLengths != null || keyValidLengths != null)) {
            throw CliException.usage("give either --valid-lengths (self-attention) or --query-valid-lengths/--key-valid-lengths (cross-attention), not both");
        }
        int[][] tokens = rows("--token-ids", tokenIds, keyLength);
        int[][] segments = rows("--segment-ids", segmentIds, keyLength);
        int[][] querySegments = rows("--query-segment-ids", querySegmentIds, queryLength);
        if (querySegments != null && segments == null) {
            throw CliException.usage("--query-segment-ids needs --segment-ids for the keys");
        }
        int b = batchSize(tokens, segments, querySegments);
        MaskContext.Builder builder = MaskContext.builder(b, heads, queryLength, keyLength).queryOffset(offset);
        int queryEnd = offset + queryLength;
        if (validLengths != null) builder.validLengths(lengths("--valid-lengths", validLengths, b, keyLength));
        if (queryValidLengths != null) builder.queryValidLengths(lengths("--query-valid-lengths", queryValidLengths, b, queryEnd));
        if (keyValidLengths != null) builder.keyValidLengths(lengths("--key-valid-lengths", keyValidLengths, b, keyLength));
        if (tokens != null) builder.tokenIds(count("--token-ids", tokens, b));
        if (querySegments != null) {
            builder.segmentIds(count("--query-segment-ids", querySegments, b), count("--segment-ids", segments, b));
        } else if (segments != null) {
            if (queryEnd > keyLength) {
                throw CliException.usage("--segment-ids without --query-segment-ids is self-attention, where queries "
                        + offset + ".." + (queryEnd - 1) + " must be key positions, but there are only " + keyLength
                        + " keys; give --query-segment-ids for cross-attention");
            }
            builder.segmentIds(count("--segment-ids", segments, b));
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw CliException.usage(Errors.oneLine(e), e);
        }
    }

    /**
     * Checks that the context holds every field the spec's strategies need, naming the option to add.
     *
     * @param registry the registry the spec was parsed with
     * @param spec the parsed spec
     * @param context the context
     * @throws CliException (usage) naming the strategy, the field and the option
     */
    static void checkNeeds(MaskRegistry registry, MaskSpec spec, MaskContext context) {
        if (spec instanceof MaskSpec.Not n) {
            checkNeeds(registry, n.operand(), context);
        } else if (spec instanceof MaskSpec.Chain c) {
            for (MaskSpec operand : c.operands()) checkNeeds(registry, operand, context);
        } else if (spec instanceof MaskSpec.Call call) {
            for (ContextKey<?> field : registry.strategy(call.name()).needs()) {
                if (!context.has(field)) {
                    throw CliException.usage("mask '" + call.name() + "' needs " + field.description() + "; give them with "
                            + optionFor(field));
                }
            }
        }
    }

    private int batchSize(int[][] tokens, int[][] segments, int[][] querySegments) {
        if (batch != null) {
            if (batch < 1) throw CliException.usage("--batch must be at least 1 but is " + batch);
            return batch;
        }
        if (validLengths != null) return validLengths.size();
        if (queryValidLengths != null) return queryValidLengths.size();
        if (keyValidLengths != null) return keyValidLengths.size();
        if (tokens != null) return tokens.length;
        if (segments != null) return segments.length;
        if (querySegments != null) return querySegments.length;
        return 1;
    }

    private static int[] lengths(String option, List<Integer> values, int batch, int max) {
        if (values.size() != batch) {
            throw CliException.usage(option + " has " + values.size() + " values but the batch has " + batch
                    + " sequences; give one per sequence");
        }
        int[] out = new int[batch];
        for (int i = 0; i < batch; i++) {
            int v = values.get(i);
            if (v < 0 || v > max) throw CliException.usage(option + " value " + v + " (sequence " + i + ") is outside [0, " + max + "]");
            out[i] = v;
        }
        return out;
    }

    private static int[][] count(String option, int[][] rows, int batch) {
        if (rows.length != batch) {
            throw CliException.usage(option + " is given for " + rows.length + " sequences but the batch has " + batch
                    + "; give the option once per sequence");
        }
        return rows;
    }

    private static int[][] rows(String option, List<String> texts, int length) {
        if (texts == null) return null;
        List<int[]> rows = new ArrayList<>();
        for (int s = 0; s < texts.size(); s++) {
            String[] parts = texts.get(s).split(",", -1);
            if (parts.length != length) {
                throw CliException.usage(option + " for sequence " + s + " has " + parts.length + " ids but there are "
                        + length + " positions; give one id per position");
            }
            int[] row = new int[length];
            for (int i = 0; i < length; i++) {
                try {
                    row[i] = Integer.parseInt(parts[i].strip());
                } catch (NumberFormatException e) {
                    throw CliException.usage(option + " for sequence " + s + ": '" + parts[i] + "' at position " + i
                            + " is not an integer");
                }
            }
            rows.add(row);
        }
        return rows.toArray(new int[0][]);
    }
}
