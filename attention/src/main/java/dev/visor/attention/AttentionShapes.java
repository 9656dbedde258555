package dev.visor.attention;

/**
 * The validated geometry of one attention call: q {@code (B, H, Lq, dk)}, k {@code (B, Hkv, Lk, dk)},
 * v {@code (B, Hkv, Lk, dv)}, with {@code H} a multiple of {@code Hkv} (grouped key/value heads:
 * query head {@code h} reads key/value head {@code h / (H/Hkv)}).
 */
record AttentionShapes(int batch, int heads, int kvHeads, int queryLength, int keyLength, int keyDim, int valueDim) {

    int group() {
        return heads / kvHeads;
    }

    static AttentionShapes of(HeadsView q, HeadsView k, HeadsView v) {
        if (q == null || k == null || v == null) {
            throw new IllegalArgumentException("query, key and value views must not be null");
        }
        if (k.batch() != q.batch() || v.batch() != q.batch()) {
            throw new IllegalArgumentException("batch sizes differ: query " + q.shapeString() + ", key "
                    + k.shapeString() + ", value " + v.shapeString());
        }
        if (k.heads() != v.heads() || k.seq() != v.seq()) {
            throw new IllegalArgumentException("key " + k.shapeString() + " and value " + v.shapeString()
                    + " must have the same heads and sequence length");
        }
        if (k.heads() < 1 || q.heads() % k.heads() != 0) {
            throw new IllegalArgumentException("query heads (" + q.heads() + ") must be a positive multiple of key/value heads ("
                    + k.heads() + ")");
        }
        if (k.dim() != q.dim()) {
            throw new IllegalArgumentException("query has head dim " + q.dim() + " but key has " + k.dim());
        }
        if (q.dim() < 1 || v.dim() < 1) {
            throw new IllegalArgumentException("head dims must be positive but got query " + q.shapeString()
                    + ", value " + v.shapeString());
        }
        return new AttentionShapes(q.batch(), q.heads(), k.heads(), q.seq(), k.seq(), q.dim(), v.dim());
    }

    void checkOutput(String what, HeadsView o, int dim) {
        if (o == null || o.batch() != batch || o.heads() != heads || o.seq() != queryLength || o.dim() != dim) {
            throw new IllegalArgumentException(what + " must be (" + batch + ", " + heads + ", " + queryLength + ", " + dim
                    + ") but got " + (o == null ? "null" : o.shapeString()));
        }
    }

    void checkKeySide(String what, HeadsView o, int dim) {
        if (o == null || o.batch() != batch || o.heads() != kvHeads || o.seq() != keyLength || o.dim() != dim) {
            throw new IllegalArgumentException(what + " must be (" + batch + ", " + kvHeads + ", " + keyLength + ", " + dim
                    + ") but got " + (o == null ? "null" : o.shapeString()));
        }
    }

    /** The output, its gradient, the log-sum-exp and the three input gradients of a backward call. */
    void checkBackward(HeadsView out, float[] lse, HeadsView dOut, HeadsView dq, HeadsView dk, HeadsView dv) {
        checkOutput("output", out, valueDim);
        checkOutput("output gradient", dOut, valueDim);
        checkOutput("query gradient", dq, keyDim);
        checkKeySide("key gradient", dk, keyDim);
        checkKeySide("value gradient", dv, valueDim);
        int rows = batch * heads * queryLength;
        if (lse == null || lse.length != rows) {
            throw new IllegalArgumentException("log-sum-exp must hold " + rows + " values (batch·heads·Lq) but got "
                    + (lse == null ? "null" : lse.length));
        }
    }

    void checkMask(BlockSparsity m) {
        if (m.batch() != batch || m.heads() != heads || m.queryLength() != queryLength || m.keyLength() != keyLength) {
            throw new IllegalArgumentException("mask was compiled for (batch, heads, Lq, Lk) = (" + m.batch() + ", " + m.heads()
                    + ", " + m.queryLength() + ", " + m.keyLength() + ") but the call has (" + batch + ", " + heads + ", "
                    + queryLength + ", " + keyLength + ")");
        }
    }
}
