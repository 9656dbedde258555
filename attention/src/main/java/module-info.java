/**
 * Visor's attention: {@link dev.visor.attention.Attention#flash flash attention} over compiled block
 * masks, the reference attention, multi-head attention and its KV cache. The tile loops and their
 * scalar and vector tile operations are package-private. The Vector API is optional, as in
 * {@code dev.visor.tensor}.
 */
module dev.visor.attention {
    requires static jdk.incubator.vector;
    requires transitive dev.visor.tensor;
    requires transitive dev.visor.mask;

    exports dev.visor.attention;
}
