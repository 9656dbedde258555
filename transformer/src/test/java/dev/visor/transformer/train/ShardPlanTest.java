package dev.visor.transformer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.Rng;
import dev.visor.transformer.TokenBatch;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ShardPlanTest {
    private static final int CASES = Integer.getInteger("visor.test.shardPlanCases", 300);

    private static int[] lengths(Rng rng, int n, int min, int max) {
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = min + rng.nextInt(max - min + 1);
        }
        return out;
    }

    private static final int WIDTH = 64;

    /** The largest shard's work in a plan, by the plan's own measure ({@link ShardPlan#cost}). */
    private static long worst(int[][] plan, int[] s, int[] t) {
        long worst = 0;
        for (int[] group : plan) {
            int[] gs = Arrays.stream(group).map(r -> s[r]).toArray();
            int[] gt = Arrays.stream(group).map(r -> t[r]).toArray();
            worst = Math.max(worst, ShardPlan.cost(gs, gt, 0, group.length, WIDTH));
        }
        return worst;
    }

    /** The least largest cost over every way of cutting the sorted rows into k = 2 or 3 non-empty runs. */
    private static long bruteForce(int[] s, int[] t, int k) {
        int n = t.length;
        int[] order = ShardPlan.order(s, t);
        int[] ss = new int[n];
        int[] tt = new int[n];
        for (int i = 0; i < n; i++) {
            ss[i] = s[order[i]];
            tt[i] = t[order[i]];
        }
        long best = Long.MAX_VALUE;
        for (int a = 1; a < n; a++) {
            if (k == 2) {
                best = Math.min(best, Math.max(ShardPlan.cost(ss, tt, 0, a, WIDTH), ShardPlan.cost(ss, tt, a, n, WIDTH)));
                continue;
            }
            for (int b = a + 1; b < n; b++) {
                long m = Math.max(ShardPlan.cost(ss, tt, 0, a, WIDTH), Math.max(ShardPlan.cost(ss, tt, a, b, WIDTH), ShardPlan.cost(ss, tt, b, n, WIDTH)));
                best = Math.min(best, m);
            }
        }
        return best;
    }

    @Test
    void assignmentIsADeterministicPartitionIntoNonEmptyGroupsOfAscendingLength() {
        Rng rng = new Rng(11);
        for (int c = 0; c < CASES; c++) {
            int n = 1 + rng.nextInt(40);
            int k = 1 + rng.nextInt(4);
            int[] s = c % 3 == 0 ? new int[n] : lengths(rng, n, 1, 12);
            int[] t = lengths(rng, n, 1, 13);
            int[][] plan = ShardPlan.assign(s, t, k, WIDTH);
            String where = "n=" + n + " k=" + k + " s=" + Arrays.toString(s) + " t=" + Arrays.toString(t);
            assertEquals(Math.min(n, k), plan.length, where);
            boolean[] seen = new boolean[n];
            int previous = -1;
            for (int[] group : plan) {
                assertTrue(group.length > 0, "an empty group: " + where);
                for (int r : group) {
                    assertTrue(!seen[r], "row " + r + " twice: " + where);
                    seen[r] = true;
                    assertTrue(s[r] + t[r] >= previous, "rows out of length order: " + where);
                    previous = s[r] + t[r];
                }
            }
            for (int r = 0; r < n; r++) {
                assertTrue(seen[r], "row " + r + " in no group: " + where);
            }
            assertArrayEquals(plan, ShardPlan.assign(s.clone(), t.clone(), k, WIDTH), "the same lengths give the same plan: " + where);
        }
    }

    @Test
    void theLargestShardIsAsSmallAsContiguousRunsOfTheSortedRowsAllow() {
        Rng rng = new Rng(12);
        for (int c = 0; c < CASES; c++) {
            int n = 2 + rng.nextInt(c % 2 == 0 ? 30 : 12);
            int k = c % 2 == 0 ? 2 : 3;
            if (n < k) {
                continue;
            }
            int[] s = lengths(rng, n, 1, 12);
            int[] t = lengths(rng, n, 1, 13);
            assertEquals(bruteForce(s, t, k), worst(ShardPlan.assign(s, t, k, WIDTH), s, t),
                    "n=" + n + " k=" + k + " s=" + Arrays.toString(s) + " t=" + Arrays.toString(t));
        }
    }

    @Test
    void aGroupsCostByRowIndicesIsTheCostOfItsRowsGathered() {
        Rng rng = new Rng(13);
        for (int c = 0; c < CASES; c++) {
            int n = 2 + rng.nextInt(30);
            int[] s = c % 3 == 0 ? new int[n] : lengths(rng, n, 1, 12);
            int[] t = lengths(rng, n, 1, 13);
            for (int[] group : ShardPlan.assign(s, t, 1 + c % 3, WIDTH)) {
                int[] gs = Arrays.stream(group).map(r -> s[r]).toArray();
                int[] gt = Arrays.stream(group).map(r -> t[r]).toArray();
                assertEquals(ShardPlan.cost(gs, gt, 0, group.length, WIDTH), ShardPlan.cost(s, t, group, WIDTH),
                        "group " + Arrays.toString(group) + " of s=" + Arrays.toString(s) + " t=" + Arrays.toString(t));
            }
        }
    }

    @Test
    void noShardCarriesMoreWorkThanAnEqualRowSplitAtTheBatchsPaddedLength() {
        Rng rng = new Rng(13);
        for (int c = 0; c < CASES; c++) {
            int n = 1 + rng.nextInt(70);
            int k = 1 + rng.nextInt(4);
            int[] s = lengths(rng, n, 3, 10);
            int[] t = lengths(rng, n, 4, 11);
            int rowsPerShard = (n + Math.min(n, k) - 1) / Math.min(n, k);
            long rowSplit = ShardPlan.cost(s, t, 0, n, WIDTH) / n * rowsPerShard;   // every shard at the batch's lengths
            assertTrue(worst(ShardPlan.assign(s, t, k, WIDTH), s, t) <= rowSplit, "n=" + n + " k=" + k);
        }
        // the demo's batches: 64 rows of lengths 3-10 (input one longer); the larger of two shards well below half
        // the batch at its padded lengths (an equal row split's shards, which almost surely each hold a row of 10)
        Rng demo = new Rng(14);
        int[] s = lengths(demo, 64, 3, 10);
        int[] t = Arrays.stream(s).map(v -> v + 1).toArray();
        long worst = worst(ShardPlan.assign(s, t, 2, WIDTH), s, t);
        long half = ShardPlan.cost(s, t, 0, 64, WIDTH) / 2;
        assertTrue(worst < 0.92 * half, "largest shard " + worst + " of half the padded batch " + half);
    }

    @Test
    void badArgumentsAreNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ShardPlan.assign(new int[2], new int[3], 2, WIDTH));
        assertTrue(e.getMessage().contains("(2)") && e.getMessage().contains("(3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ShardPlan.assign(new int[0], new int[0], 2, WIDTH));
        e = assertThrows(IllegalArgumentException.class, () -> ShardPlan.assign(new int[1], new int[1], 0, WIDTH));
        assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ShardPlan.assign(new int[1], new int[1], 1, 0));
        assertTrue(e.getMessage().contains("width of at least 1 (got 0)"), e.getMessage());
    }

    @Test
    void pickTakesRowsInTheGivenOrderAndTrimmedCutsOnlyPadding() {
        Batch b = Batch.seq2seq(new int[][] {{5, 6, 7, 8}, {9}, {5, 6}}, new int[][] {{8, 7, 6, 5}, {9}, {6, 5}}, 1, 2, 0);
        Batch p = b.pick(new int[] {2, 1});
        assertEquals(b.input().length(), p.input().length(), "pick keeps the padded lengths");
        assertArrayEquals(new int[] {2, 1}, p.source().validLengths());
        assertArrayEquals(new int[] {3, 2}, p.input().validLengths());
        int l = b.input().length();
        int[] expected = new int[2 * l];
        System.arraycopy(b.targets(), 2 * l, expected, 0, l);
        System.arraycopy(b.targets(), l, expected, l, l);
        assertArrayEquals(expected, p.targets());
        Batch cut = p.trimmed(0);
        assertEquals(2, cut.source().length());
        assertEquals(3, cut.input().length());
        assertArrayEquals(new int[] {5, 6, 9, 0}, cut.source().ids());
        assertArrayEquals(new int[] {1, 6, 5, 1, 9, 0}, cut.input().ids());
        assertArrayEquals(new int[] {6, 5, 2, 9, 2, 0}, cut.targets());
        assertEquals(p.targetCount(0), cut.targetCount(0));
        assertSame(cut, cut.trimmed(0), "nothing left to cut");
        assertSame(b, b.trimmed(0), "a batch padded to its longest row");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.pick(new int[] {0, 0}));
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.pick(new int[] {3}));
        assertTrue(e.getMessage().contains("row 3") && e.getMessage().contains("[0, 3)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.pick(new int[0]));
    }

    @Test
    void trimmedKeepsTargetsPastTheValidLengthAndCutsSegments() {
        // a single-stream batch whose row 0 has a target after its valid tokens: that column stays
        TokenBatch in = new TokenBatch(new int[] {4, 5, 0, 0, 0, 6, 0, 0, 0, 0}, 2, 5, new int[] {2, 2}, new int[][] {{1, 1, 2, 2, 2}, {3, 3, 4, 4, 4}});
        Batch b = new Batch(null, in, new int[] {5, 0, 7, 0, 0, 0, 0, 0, 0, 0});
        assertArrayEquals(new int[] {3, 2}, b.inputSpans(0));
        Batch cut = b.trimmed(0);
        assertEquals(3, cut.input().length());
        assertArrayEquals(new int[] {5, 0, 7, 0, 0, 0}, cut.targets());
        assertArrayEquals(new int[][] {{1, 1, 2}, {3, 3, 4}}, cut.input().segmentIds());
        assertArrayEquals(new int[] {4, 5, 0, 6, 0, 0}, cut.input().ids());
    }

    /** Every way of cutting the sorted rows into k non-empty runs: the least summed cost. */
    private static long leastTotal(int[] s, int[] t, int[] order, int from, int k, int width) {
        int n = order.length;
        if (k == 1) {
            return runCost(s, t, order, from, n, width);
        }
        long best = Long.MAX_VALUE;
        for (int to = from + 1; to <= n - (k - 1); to++) {
            best = Math.min(best, runCost(s, t, order, from, to, width) + leastTotal(s, t, order, to, k - 1, width));
        }
        return best;
    }

    private static long runCost(int[] s, int[] t, int[] order, int from, int to, int width) {
        return ShardPlan.cost(s, t, Arrays.copyOfRange(order, from, to), width);
    }

    @Test
    void sequentialGroupsHaveTheLeastSummedWorkOfAnyCutOfTheSortedRows() {
        Rng rng = new Rng(11);
        for (int c = 0; c < CASES / 3; c++) {
            int n = 1 + rng.nextInt(9);
            int[] s = c % 4 == 0 ? new int[n] : lengths(rng, n, 1, 40);
            int[] t = lengths(rng, n, 1, 40);
            int k = 1 + rng.nextInt(4);
            int width = c % 2 == 0 ? WIDTH : 512;
            int[][] plan = ShardPlan.sequential(s, t, k, width);
            assertEquals(Math.min(k, n), plan.length);
            int[] seen = new int[n];
            int last = -1;
            for (int[] group : plan) {
                assertTrue(group.length > 0, "no group empty");
                for (int r : group) {
                    seen[r]++;
                    assertTrue(s[r] + t[r] >= last, "groups in ascending length");
                    last = s[r] + t[r];
                }
            }
            for (int v : seen) {
                assertEquals(1, v, "every row in exactly one group");
            }
            assertEquals(leastTotal(s, t, ShardPlan.order(s, t), 0, Math.min(k, n), width), ShardPlan.total(s, t, plan, width),
                    Arrays.toString(s) + " " + Arrays.toString(t) + " k " + k);
        }
        assertThrows(IllegalArgumentException.class, () -> ShardPlan.sequential(new int[2], new int[3], 2, 64));
        assertThrows(IllegalArgumentException.class, () -> ShardPlan.sequential(new int[0], new int[0], 2, 64));
        assertThrows(IllegalArgumentException.class, () -> ShardPlan.sequential(new int[1], new int[1], 0, 64));
    }

    @Test
    void sequentialPlansALargeBatchWithoutATableOfEveryRun() {
        // a micro-batch of 4 096 rows plans in well under a second (running maxima, O(groups · n) memory)
        int n = 4096;
        int[] s = new int[n];
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            s[i] = 1 + (i * 37) % 128;
            t[i] = 1 + (i * 61) % 128;
        }
        int[][] plan = ShardPlan.sequential(s, t, 4, 512);
        assertEquals(4, plan.length);
        int rows = 0;
        for (int[] group : plan) {
            assertTrue(group.length > 0, "no group empty");
            rows += group.length;
        }
        assertEquals(n, rows, "every row in a group");
        assertTrue(ShardPlan.total(s, t, plan, 512) < ShardPlan.cost(n, 128, 128, 512), "the groups cut padded work");
    }
}
