package dev.visor.bench;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import dev.visor.tensor.kernel.Gemm;
import org.ejml.data.FMatrixRMaj;

/**
 * Checks that the peer benchmarks compare like with like: each function runs the benchmarks' own
 * set-up code and returns how far the libraries' results lie apart on the same inputs. The report
 * runs them before timing anything and prints the figures; the parity tests hold them to bounds.
 */
final class PeerParity {
    private PeerParity() {}

    /** Which library computed a product. */
    enum Library { VISOR, DJL, EJML }

    /**
     * The largest error of {@code library}'s product for {@code shape} against {@link #product} of the
     * same stored operands, relative to {@code 1 + |exact|}.
     */
    static double matmul(String shape, int threads, Library library) {
        PeerMatmulBench.Operands o = new PeerMatmulBench.Operands();
        o.shape = shape;
        o.threads = threads;
        o.setUp();
        float[] got = switch (library) {
            case VISOR -> {
                PeerMatmulBench.VisorOperands v = new PeerMatmulBench.VisorOperands();
                v.setUp(o);
                yield new PeerMatmulBench().visor(v).toArray();
            }
            case EJML -> {
                PeerMatmulBench.EjmlOperands e = new PeerMatmulBench.EjmlOperands();
                e.setUp(o);
                FMatrixRMaj[] c = new PeerMatmulBench().ejml(e);
                int size = o.s.m() * o.s.n();
                float[] all = new float[c.length * size];
                for (int i = 0; i < c.length; i++) {
                    System.arraycopy(c[i].data, 0, all, i * size, size);
                }
                yield all;
            }
            case DJL -> {
                PeerMatmulBench.DjlOperands d = new PeerMatmulBench.DjlOperands();
                d.setUp(o);
                try (NDScope ignored = new NDScope()) {
                    yield d.a.matMul(d.b).toFloatArray();
                } finally {
                    d.tearDown();
                }
            }
        };
        float[] exact = product(o);
        if (got.length != exact.length) {
            throw new IllegalStateException(library + " returned " + got.length + " elements for " + shape + " but "
                    + exact.length + " were expected");
        }
        double worst = 0;
        for (int i = 0; i < exact.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - exact[i]) / (1 + Math.abs(exact[i])));
        }
        return worst;
    }

    /** The product of the stored operands by the project's oracle, {@link Gemm#reference} (sums in double). */
    static float[] product(PeerMatmulBench.Operands o) {
        Shape s = o.s;
        float[] c = new float[s.batch() * s.m() * s.n()];
        for (int b = 0; b < s.batch(); b++) {
            Gemm.reference(s.transA(), s.transB(), s.m(), s.n(), s.k(), 1f,
                    o.a, b * s.m() * s.k(), s.transA() ? s.m() : s.k(),
                    o.b, b * s.k() * s.n(), s.transB() ? s.k() : s.n(), 0f, c, b * s.m() * s.n(), s.n());
        }
        return c;
    }

    /** The largest absolute difference between Visor's and DJL's attention outputs under {@code mask}. */
    static double attention(String mask, int n, int threads) {
        PeerAttentionBench.Inputs in = new PeerAttentionBench.Inputs();
        in.n = n;
        in.mask = mask;
        in.threads = threads;
        in.setUp();
        PeerAttentionBench.VisorInputs v = new PeerAttentionBench.VisorInputs();
        v.setUp(in);
        float[] visor = new PeerAttentionBench().visor(v).toArray();
        PeerAttentionBench.DjlInputs d = new PeerAttentionBench.DjlInputs();
        d.setUp(in);
        try (NDScope ignored = new NDScope()) {
            return maxAbsDiff(visor, DjlAttention.attend(d.q, d.k, d.v, d.mask).toFloatArray());
        } finally {
            d.tearDown();
        }
    }

    /**
     * The largest absolute difference between the Visor and the DJL encoder layer on the
     * benchmark's input; {@code perturbNorms} first gives the Visor layer's norms random gains and
     * biases (the default ones and zeros would hide swapped parameters).
     */
    static double layer(int threads, boolean perturbNorms) {
        PeerLayerBench.Layer layer = new PeerLayerBench.Layer();
        layer.threads = threads;
        layer.setUp();
        if (perturbNorms) {
            dev.visor.tensor.Rng rng = new dev.visor.tensor.Rng(9);
            layer.visor.namedParameters().forEach((name, p) -> {
                if (name.startsWith("norm")) {
                    float[] w = p.storage();
                    for (int i = p.offset(); i < w.length; i++) {
                        w[i] = (float) (name.endsWith("weight") ? 1 + 0.5 * rng.nextGaussian() : rng.nextGaussian());
                    }
                }
            });
        }
        PeerLayerBench.VisorInput v = new PeerLayerBench.VisorInput();
        v.setUp(layer);
        float[] visor = new PeerLayerBench().visor(layer, v).toArray();
        PeerLayerBench.DjlLayer d = new PeerLayerBench.DjlLayer();
        d.setUp(layer);
        try (NDScope ignored = new NDScope()) {
            return maxAbsDiff(visor, d.block.forward(d.store, new NDList(d.x), false).head().toFloatArray());
        } finally {
            d.tearDown();
        }
    }

    private static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalStateException("outputs have " + a.length + " and " + b.length + " elements");
        }
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
