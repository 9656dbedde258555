package dev.visor.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.visor.tensor.GradCheck;
import dev.visor.tensor.Rng;
import dev.visor.tensor.Tensor;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The attention kernels' laws on random shapes, block sizes and masks. */
class FlashAttentionProperties {

    @Provide
    Arbitrary<AttentionCase> cases() {
        return AttentionCase.arbitrary(40, true);
    }

    @Provide
    Arbitrary<AttentionCase> casesWithoutDropout() {
        return AttentionCase.arbitrary(40, false);
    }

    @Property
    void flashEqualsReferenceInValuesAndGradients(@ForAll("cases") AttentionCase c) {
        checkFlashEqualsReference(c);
    }

    static void checkFlashEqualsReference(AttentionCase c) {
        AttentionCase.Data d = c.data();
        ReferenceAttention.Result ref = ReferenceAttention.forward(d.q(), d.k(), d.v(), c.mask(), c.config());
        ReferenceAttention.Gradients g = ReferenceAttention.backward(d.q(), d.k(), d.v(), c.mask(), c.config(), d.dOut());
        AttentionCase.Flash f = c.flash(d);
        Fixtures.assertClose("output", ref.output(), f.out(), 3e-5, 1e-4);
        Fixtures.assertClose("lse", ref.logSumExp(), f.lse(), 3e-5, 1e-5);
        Fixtures.assertClose("dq", g.dq(), f.dq(), 2e-4, 1e-3);
        Fixtures.assertClose("dk", g.dk(), f.dk(), 2e-4, 1e-3);
        Fixtures.assertClose("dv", g.dv(), f.dv(), 2e-4, 1e-3);
    }

    /** Changing the keys and values a query may not attend changes no bit of that query's output. */
    @Property
    void maskedKeysAndValuesDoNotReachTheOutput(@ForAll("cases") AttentionCase c) {
        checkMaskedKeysDoNotReachTheOutput(c);
    }

    static void checkMaskedKeysDoNotReachTheOutput(AttentionCase c) {
        AttentionCase.Data d = c.data();
        AttentionCase.Flash before = c.flash(d);
        Rng rng = new Rng(c.seed() ^ 0x5EEDL);
        for (int b = 0; b < c.batch(); b++) {
            for (int h = 0; h < c.heads(); h++) {
                for (int i = 0; i < c.lq(); i++) {
                    // perturb every key/value head entry this row may not attend, then compare this row
                    AttentionCase.Data p = copy(d);
                    int kh = h / (c.heads() / c.kvHeads());
                    for (int j = 0; j < c.lk(); j++) {
                        if (!c.mask().attends(b, h, i, j)) {
                            perturb(p.k(), b, kh, j, rng);
                            perturb(p.v(), b, kh, j, rng);
                        }
                    }
                    AttentionCase.Flash after = c.flash(p);
                    int row = ((b * c.heads() + h) * c.lq() + i) * c.dv();
                    for (int x = 0; x < c.dv(); x++) {
                        assertEquals(Float.floatToRawIntBits(before.out()[row + x]),
                                Float.floatToRawIntBits(after.out()[row + x]),
                                "output (" + b + ", " + h + ", " + i + ", " + x + ") changed under " + c.mask());
                    }
                    if (c.lq() * c.batch() * c.heads() > 24) {
                        i += 3; // sample rows on larger cases to keep the property fast
                    }
                }
            }
        }
    }

    /** Under the built-in causal mask, the output at position i does not depend on queries, keys or values after i. */
    @Property
    void causalOutputsIgnoreTheFuture(@ForAll("casesWithoutDropout") AttentionCase raw) {
        int l = Math.max(1, raw.lq());
        AttentionCase c = BuiltinMaskCases.withBuiltin(raw, "causal",
                dev.visor.mask.MaskContext.builder(raw.batch(), raw.heads(), l, l).build());
        AttentionCase.Data d = c.data();
        AttentionCase.Flash before = c.flash(d);
        int cut = (int) Math.floorMod(raw.seed(), l);
        AttentionCase.Data p = copy(d);
        Rng rng = new Rng(raw.seed() + 1);
        for (int b = 0; b < c.batch(); b++) {
            for (int j = cut + 1; j < l; j++) {
                for (int h = 0; h < c.heads(); h++) {
                    perturb(p.q(), b, h, j, rng);
                }
                for (int kh = 0; kh < c.kvHeads(); kh++) {
                    perturb(p.k(), b, kh, j, rng);
                    perturb(p.v(), b, kh, j, rng);
                }
            }
        }
        AttentionCase.Flash after = c.flash(p);
        for (int b = 0; b < c.batch(); b++) {
            for (int h = 0; h < c.heads(); h++) {
                int from = ((b * c.heads() + h) * l) * c.dv();
                int to = from + (cut + 1) * c.dv();
                assertArrayEquals(java.util.Arrays.copyOfRange(before.out(), from, to),
                        java.util.Arrays.copyOfRange(after.out(), from, to));
            }
        }
    }

    /** Under the built-in key and query padding, outputs at valid positions do not depend on what the pads hold. */
    @Property
    void validOutputsIgnorePadContents(@ForAll("casesWithoutDropout") AttentionCase raw) {
        if (raw.lq() == 0 || raw.lk() == 0) {
            return;   // the mask module needs at least one query and one key
        }
        int[] validK = new int[raw.batch()];
        int[] validQ = new int[raw.batch()];
        for (int b = 0; b < raw.batch(); b++) {
            validK[b] = (int) Math.floorMod(raw.seed() >>> (8 * b), raw.lk() + 1);
            validQ[b] = (int) Math.floorMod(raw.seed() >>> (8 * b + 4), raw.lq() + 1);
        }
        AttentionCase c = BuiltinMaskCases.withBuiltin(raw, "padding & query_padding",
                dev.visor.mask.MaskContext.builder(raw.batch(), raw.heads(), raw.lq(), raw.lk())
                        .queryValidLengths(validQ).keyValidLengths(validK).build());
        AttentionCase.Data d = c.data();
        AttentionCase.Flash before = c.flash(d);
        AttentionCase.Data p = copy(d);
        Rng rng = new Rng(raw.seed() + 2);
        for (int b = 0; b < c.batch(); b++) {
            for (int j = validK[b]; j < c.lk(); j++) {
                for (int kh = 0; kh < c.kvHeads(); kh++) {
                    perturb(p.k(), b, kh, j, rng);
                    perturb(p.v(), b, kh, j, rng);
                }
            }
            for (int i = validQ[b]; i < c.lq(); i++) {
                for (int h = 0; h < c.heads(); h++) {
                    perturb(p.q(), b, h, i, rng);
                }
            }
        }
        AttentionCase.Flash after = c.flash(p);
        for (int b = 0; b < c.batch(); b++) {
            for (int h = 0; h < c.heads(); h++) {
                for (int i = 0; i < validQ[b]; i++) {
                    int from = ((b * c.heads() + h) * c.lq() + i) * c.dv();
                    assertArrayEquals(java.util.Arrays.copyOfRange(before.out(), from, from + c.dv()),
                            java.util.Arrays.copyOfRange(after.out(), from, from + c.dv()));
                }
                for (int i = validQ[b]; i < c.lq(); i++) {   // padded queries attend nothing: zero, lse −∞
                    int row = (b * c.heads() + h) * c.lq() + i;
                    assertEquals(Float.NEGATIVE_INFINITY, after.lse()[row]);
                    for (int x = 0; x < c.dv(); x++) {
                        assertEquals(0f, after.out()[row * c.dv() + x]);
                    }
                    for (int x = 0; x < c.dk(); x++) {
                        assertEquals(0f, after.dq()[row * c.dk() + x]);
                    }
                }
            }
        }
    }

    /** The reference weights of a non-empty row sum to 1 and are exactly 0 at masked keys; empty rows are all 0. */
    @Property
    void weightsSumToOneAndVanishAtMaskedKeys(@ForAll("cases") AttentionCase c) {
        AttentionCase.Data d = c.data();
        ReferenceAttention.Result r = ReferenceAttention.forward(d.q(), d.k(), d.v(), c.mask(), c.config());
        for (int b = 0; b < c.batch(); b++) {
            for (int h = 0; h < c.heads(); h++) {
                for (int i = 0; i < c.lq(); i++) {
                    int row = (b * c.heads() + h) * c.lq() + i;
                    double sum = 0;
                    boolean any = false;
                    for (int j = 0; j < c.lk(); j++) {
                        float w = r.weights()[row * c.lk() + j];
                        if (c.mask().attends(b, h, i, j)) {
                            any = true;
                            assertTrue(w >= 0f && w <= 1f, "weight " + w);
                        } else {
                            assertEquals(0f, w, "weight at masked key " + j);
                        }
                        sum += w;
                    }
                    if (any) {
                        assertEquals(1.0, sum, 1e-5);
                        assertTrue(Float.isFinite(r.logSumExp()[row]));
                    } else {
                        assertEquals(0.0, sum);
                        assertEquals(Float.NEGATIVE_INFINITY, r.logSumExp()[row]);
                    }
                }
            }
        }
    }

    /** Without a mask, permuting key/value positions together leaves the output unchanged. */
    @Property
    void unmaskedAttentionIsEquivariantToPermutingKeysAndValues(@ForAll("casesWithoutDropout") AttentionCase raw) {
        AttentionCase c = raw.with(raw.lq(), raw.lk(), TestMasks.full(), 0f);
        AttentionCase.Data d = c.data();
        int[] perm = permutation(c.lk(), new Rng(raw.seed() + 3));
        AttentionCase.Data p = copy(d);
        for (int b = 0; b < c.batch(); b++) {
            for (int kh = 0; kh < c.kvHeads(); kh++) {
                for (int j = 0; j < c.lk(); j++) {
                    for (int x = 0; x < c.dk(); x++) {
                        p.k().data()[p.k().index(b, kh, j, x)] = d.k().get(b, kh, perm[j], x);
                    }
                    for (int x = 0; x < c.dv(); x++) {
                        p.v().data()[p.v().index(b, kh, j, x)] = d.v().get(b, kh, perm[j], x);
                    }
                }
            }
        }
        Fixtures.assertClose("permuted output", c.flash(d).out(), c.flash(p).out(), 2e-5, 1e-4);
    }

    /** The autograd wrapper's gradients agree with central finite differences. */
    @Property(tries = 30)
    void flashGradientsMatchFiniteDifferences(@ForAll("casesWithoutDropout") AttentionCase raw) {
        AttentionCase c = new AttentionCase(raw.batch(), raw.heads(), raw.kvHeads(), Math.min(raw.lq(), 9),
                Math.min(raw.lk(), 9), Math.min(raw.dk(), 5), Math.min(raw.dv(), 5), Math.min(raw.bq(), 4),
                Math.min(raw.bk(), 4), (TestMasks.Mask) raw.mask(), raw.scale(), 0f, raw.seed(), raw.chunks(), raw.vector());
        BlockSparsity sp = c.sparsity();
        Rng rng = new Rng(c.seed());
        Tensor q = Tensor.randn(rng, c.batch(), c.heads(), c.lq(), c.dk()).requiresGrad(true);
        Tensor k = Tensor.randn(rng, c.batch(), c.kvHeads(), c.lk(), c.dk()).requiresGrad(true);
        Tensor v = Tensor.randn(rng, c.batch(), c.kvHeads(), c.lk(), c.dv()).requiresGrad(true);
        GradCheck.check(xs -> Attention.flash(xs[0], xs[1], xs[2], sp, c.config()), 1e-2, new Rng(1), q, k, v)
                .assertWithin(2e-2, 2e-3);
    }

    static AttentionCase.Data copy(AttentionCase.Data d) {
        return new AttentionCase.Data(copy(d.q()), copy(d.k()), copy(d.v()), d.dOut());
    }

    static HeadsView copy(HeadsView v) {
        return new HeadsView(v.data().clone(), v.offset(), v.batch(), v.heads(), v.seq(), v.dim(), v.batchStride(),
                v.headStride(), v.seqStride(), v.dimStride());
    }

    static void perturb(HeadsView v, int b, int h, int l, Rng rng) {
        for (int x = 0; x < v.dim(); x++) {
            v.data()[v.index(b, h, l, x)] = (float) (10 * rng.nextGaussian());
        }
    }

    static int[] permutation(int n, Rng rng) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
