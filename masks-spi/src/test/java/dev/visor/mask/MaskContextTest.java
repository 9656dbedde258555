package dev.visor.mask;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class MaskContextTest {

    private static void assertMessage(String expected, Executable e) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, e).getMessage());
    }

    @Test
    void shapeIsValidatedWithTheValues() {
        assertMessage("batch must be at least 1 but was 0", () -> new MaskShape(0, 1, 1, 1, 0));
        assertMessage("heads must be at least 1 but was -2", () -> new MaskShape(1, -2, 1, 1, 0));
        assertMessage("queryLength must be at least 1 but was 0", () -> new MaskShape(1, 1, 0, 1, 0));
        assertMessage("keyLength must be at least 1 but was 0", () -> new MaskShape(1, 1, 1, 0, 0));
        assertMessage("queryOffset must be at least 0 but was -1", () -> new MaskShape(1, 1, 1, 1, -1));
        assertMessage("queryOffset + queryLength = 2147483647 + 1 overflows an int",
                () -> new MaskShape(1, 1, 1, 1, Integer.MAX_VALUE));
        MaskShape s = new MaskShape(2, 3, 4, 10, 6);
        assertEquals(10, s.queryEnd());
        assertEquals(240, s.elements());
    }

    @Test
    void selfAttentionValidLengthsApplyToKeysAndAbsoluteQueries() {
        MaskContext ctx = MaskContext.builder(2, 1, 2, 10).queryOffset(8).validLengths(10, 9).build();
        assertEquals(10, ctx.keyValidLength(0));
        assertEquals(9, ctx.keyValidLength(1));
        assertEquals(10, ctx.queryValidLength(0));
        assertEquals(9, ctx.queryValidLength(1));
        MaskContext capped = MaskContext.builder(1, 1, 2, 10).queryOffset(3).validLengths(10).build();
        assertEquals(5, capped.queryValidLength(0)); // capped at queryOffset + queryLength
        assertEquals(Set.of(ContextKey.QUERY_VALID_LENGTHS, ContextKey.KEY_VALID_LENGTHS), ctx.keys());
    }

    @Test
    void crossAttentionValidLengthsAreSeparate() {
        MaskContext ctx = MaskContext.builder(2, 1, 3, 7).queryValidLengths(3, 1).keyValidLengths(7, 2).build();
        assertArrayEquals(new int[] {3, 1}, ctx.queryValidLengths());
        assertArrayEquals(new int[] {7, 2}, ctx.keyValidLengths());
        assertTrue(ctx.has(ContextKey.QUERY_VALID_LENGTHS));
        MaskContext keysOnly = MaskContext.builder(1, 1, 3, 7).keyValidLengths(5).build();
        assertFalse(keysOnly.has(ContextKey.QUERY_VALID_LENGTHS));
    }

    @Test
    void lengthsAreCheckedAgainstTheShape() {
        assertMessage("validLengths has 1 entries but batch is 2",
                () -> MaskContext.builder(2, 1, 4, 4).validLengths(4).build());
        assertMessage("validLengths[1] = 5 is outside [0, keyLength = 4]",
                () -> MaskContext.builder(2, 1, 4, 4).validLengths(4, 5).build());
        assertMessage("queryValidLengths[0] = 7 is outside [0, queryOffset + queryLength = 6]",
                () -> MaskContext.builder(1, 1, 4, 4).queryOffset(2).queryValidLengths(7).build());
        assertMessage("keyValidLengths[0] = -1 is outside [0, keyLength = 4]",
                () -> MaskContext.builder(1, 1, 4, 4).keyValidLengths(-1).build());
        assertMessage("set either validLengths (self-attention) or queryValidLengths/keyValidLengths (cross-attention), "
                + "not both", () -> MaskContext.builder(1, 1, 4, 4).validLengths(4).keyValidLengths(4).build());
    }

    @Test
    void tokenAndSegmentRowsAreChecked() {
        assertMessage("tokenIds has 1 rows but batch is 2",
                () -> MaskContext.builder(2, 1, 2, 2).tokenIds(new int[][] {{1, 2}}).build());
        assertMessage("tokenIds[0] has 3 entries but keyLength is 2",
                () -> MaskContext.builder(1, 1, 2, 2).tokenIds(new int[][] {{1, 2, 3}}).build());
        assertMessage("tokenIds[0] has no entries but keyLength is 2",
                () -> MaskContext.builder(1, 1, 2, 2).tokenIds(new int[][] {null}).build());
        assertMessage("self-attention segmentIds cover positions 0..3 but the queries are positions 3..4 "
                + "(queryOffset 3 + queryLength 2 > keyLength 4); use segmentIds(queryIds, keyIds) for cross-attention",
                () -> MaskContext.builder(1, 1, 2, 4).queryOffset(3).segmentIds(new int[][] {{0, 0, 1, 1}}).build());
        assertMessage("query segmentIds[0] has 3 entries but queryLength is 2",
                () -> MaskContext.builder(1, 1, 2, 4).segmentIds(new int[][] {{0, 0, 1}}, new int[][] {{0, 0, 1, 1}})
                        .build());
        assertMessage("set either segmentIds(ids) (self-attention) or segmentIds(queryIds, keyIds) (cross-attention), "
                + "not both", () -> MaskContext.builder(1, 1, 2, 2).segmentIds(new int[][] {{0, 0}})
                        .segmentIds(new int[][] {{0, 0}}, new int[][] {{0, 0}}).build());
    }

    @Test
    void selfAttentionSegmentsGiveQueriesTheIdsOfTheirPositions() {
        int[][] ids = {{0, 0, 1, 1, 2}};
        MaskContext ctx = MaskContext.builder(1, 1, 2, 5).queryOffset(2).segmentIds(ids).build();
        assertEquals(1, ctx.querySegment(0, 2));
        assertEquals(1, ctx.querySegment(0, 3));
        assertEquals(2, ctx.keySegment(0, 4));
        assertArrayEquals(new int[][] {{1, 1}}, ctx.querySegmentIds());
        MaskContext cross = MaskContext.builder(1, 1, 2, 3).queryOffset(5)
                .segmentIds(new int[][] {{7, 8}}, new int[][] {{8, 8, 7}}).build();
        assertEquals(7, cross.querySegment(0, 5));
        assertEquals(8, cross.querySegment(0, 6));
    }

    @Test
    void arraysAreCopiedInAndOut() {
        int[][] tokens = {{1, 2}};
        int[] lengths = {2};
        MaskContext.Builder builder = MaskContext.builder(1, 1, 2, 2).tokenIds(tokens).validLengths(lengths);
        tokens[0][0] = 99;
        lengths[0] = 0;
        MaskContext ctx = builder.build();
        assertEquals(1, ctx.tokenId(0, 0));
        assertEquals(2, ctx.keyValidLength(0));
        ctx.tokenIds()[0][0] = 42;
        ctx.keyValidLengths()[0] = 0;
        assertEquals(1, ctx.tokenId(0, 0));
        assertEquals(2, ctx.keyValidLength(0));
    }

    @Test
    void missingFieldsFailClearly() {
        MaskContext ctx = MaskContext.of(new MaskShape(1, 1, 2, 2, 0));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ctx.tokenId(0, 0));
        assertEquals("this context has no token ids of the keys; a strategy that reads them must declare "
                + "ContextKey.TOKEN_IDS in needs()", e.getMessage());
        assertThrows(IllegalStateException.class, () -> ctx.keySegment(0, 0));
        assertThrows(IllegalStateException.class, () -> ctx.queryValidLength(0));
        assertMessage("mask 'document' needs the context key 'segment_ids' (segment (document) ids of queries and keys) "
                + "but the context does not provide it; set it with MaskContext.Builder.segmentIds(...)",
                () -> ctx.require("document", ContextKey.SEGMENT_IDS));
    }

    @Test
    void withoutAndRetainOnlyDropFieldsButKeepTheShape() {
        MaskContext full = MaskContext.builder(1, 2, 2, 2).validLengths(2).tokenIds(new int[][] {{3, 4}})
                .segmentIds(new int[][] {{0, 1}}).build();
        assertEquals(Set.of(ContextKey.QUERY_VALID_LENGTHS, ContextKey.KEY_VALID_LENGTHS, ContextKey.TOKEN_IDS, ContextKey.SEGMENT_IDS), full.keys());
        MaskContext noTokens = full.without(ContextKey.TOKEN_IDS);
        assertFalse(noTokens.has(ContextKey.TOKEN_IDS));
        assertEquals(full.shape(), noTokens.shape());
        assertEquals(Set.of(ContextKey.SEGMENT_IDS), full.retainOnly(Set.of(ContextKey.SEGMENT_IDS)).keys());
        assertNotEquals(full, noTokens);
        assertEquals(full, full.without());
        assertEquals(full.hashCode(), full.without().hashCode());
        assertTrue(full.toString().contains("tokenIds=[[3, 4]]"), full.toString());
    }
}
