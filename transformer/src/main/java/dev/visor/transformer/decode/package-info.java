/**
 * Decoding algorithms over a {@link dev.visor.transformer.decode.DecodingSession}: greedy, beam search
 * (width, length penalty, early stopping, n-best) and sampling (temperature, top-k, top-p). The models'
 * sessions run on the KV cache; {@link dev.visor.transformer.decode.UncachedSession} is the oracle.
 */
package dev.visor.transformer.decode;
