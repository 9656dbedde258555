package dev.visor.tensor.nn;

import dev.visor.tensor.Shape;
import dev.visor.tensor.Tensor;

/** {@code out = mask ? value : x} with the mask broadcast to x's shape; gradient flows where not filled. */
final class MaskedFillOp {
    private MaskedFillOp() {}

    static Tensor forward(Tensor x, boolean[] mask, int[] maskShape, float value) {
        int[] shape = x.shape();
        int[] mStrides = broadcastStrides(maskShape, shape);
        int n = x.numel();
        long[] filled = new long[(n + 63) >>> 6];
        float[] out = Dense.of(x).clone();
        int rank = shape.length;
        if (n > 0) {
            int last = rank == 0 ? 1 : shape[rank - 1];
            int lastStride = rank == 0 ? 0 : mStrides[rank - 1];
            int[] idx = new int[rank];
            int mBase = 0;
            for (int o = 0; o < n; o += last) {
                for (int j = 0, m = mBase; j < last; j++, m += lastStride) {
                    if (mask[m]) {
                        int e = o + j;
                        out[e] = value;
                        filled[e >>> 6] |= 1L << e;
                    }
                }
                for (int d = rank - 2; d >= 0; d--) { // odometer over the outer dimensions
                    idx[d]++;
                    mBase += mStrides[d];
                    if (idx[d] < shape[d]) {
                        break;
                    }
                    mBase -= idx[d] * mStrides[d];
                    idx[d] = 0;
                }
            }
        }
        return Tensor.fromOp("maskedFill", out, shape, g -> {
            float[] dx = Dense.of(g).clone();
            for (int e = 0; e < n; e++) {
                if ((filled[e >>> 6] & (1L << e)) != 0) {
                    dx[e] = 0f;
                }
            }
            return new Tensor[] {Tensor.wrap(dx, shape)};
        }, x);
    }

    /** Strides (in mask elements) that read the mask broadcast to {@code target}; 0 on broadcast dims. */
    private static int[] broadcastStrides(int[] maskShape, int[] target) {
        if (maskShape.length > target.length) {
            throw new IllegalArgumentException("mask of shape " + Shape.str(maskShape) + " has more dimensions than the input "
                    + Shape.str(target) + "; it must broadcast to the input's shape");
        }
        int[] own = Shape.contiguousStrides(maskShape);
        int[] strides = new int[target.length];
        int shift = target.length - maskShape.length;
        for (int d = 0; d < maskShape.length; d++) {
            int md = maskShape[d];
            int td = target[d + shift];
            if (md == td) {
                strides[d + shift] = own[d];
            } else if (md == 1) {
                strides[d + shift] = 0;
            } else {
                throw new IllegalArgumentException("mask of shape " + Shape.str(maskShape) + " cannot be broadcast to the input's shape "
                        + Shape.str(target) + ": mask dimension " + d + " is " + md + " but the input has " + td
                        + " (expected " + td + " or 1)");
            }
        }
        return strides;
    }

    /** Reads a 0/1 tensor as booleans, rejecting any other value. */
    static boolean[] booleans(Tensor mask) {
        float[] v = mask.toArray();
        boolean[] b = new boolean[v.length];
        for (int i = 0; i < v.length; i++) {
            if (v[i] == 1f) {
                b[i] = true;
            } else if (v[i] != 0f) {
                throw new IllegalArgumentException("a mask tensor must hold only 0 (keep) and 1 (fill) but element " + i
                        + " is " + v[i] + "; additive masks (0/-inf) are not masks: use 0/1");
            }
        }
        return b;
    }
}
