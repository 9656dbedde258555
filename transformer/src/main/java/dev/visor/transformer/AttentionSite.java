package dev.visor.transformer;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The three places a Transformer attends, each with its own mask spec (see {@link MaskPlan}):
 * the encoder's self-attention, the decoder's (masked) self-attention and the decoder's attention
 * over the encoder output ("encoder-decoder attention" in Vaswani et al., 2017, §3.2.3).
 *
 * <pre>{@code
 * AttentionSite site = AttentionSite.fromKey("decoder_self");   // DECODER_SELF
 * String spec = config.masks().spec(site, 0);                   // "causal & padding"
 * }</pre>
 */
public enum AttentionSite {
    /** Encoder self-attention; the default mask is {@code padding}. */
    ENCODER_SELF("encoder_self", "padding"),
    /** Decoder self-attention; the default mask is {@code causal & padding}. */
    DECODER_SELF("decoder_self", "causal & padding"),
    /** Decoder attention over the encoder output (memory); the default mask is {@code padding}. */
    CROSS("cross", "padding");

    private final String key;
    private final String defaultSpec;

    AttentionSite(String key, String defaultSpec) {
        this.key = key;
        this.defaultSpec = defaultSpec;
    }

    /**
     * The lower-snake name used in JSON configs and messages, e.g. {@code decoder_self}.
     *
     * @return the lower-snake name used in JSON configs and messages
     */
    public String key() {
        return key;
    }

    /**
     * The mask spec this site uses unless a config says otherwise.
     *
     * @return the mask spec this site uses unless a config says otherwise
     */
    public String defaultSpec() {
        return defaultSpec;
    }

    /**
     * The site with JSON key {@code key}.
     *
     * @param key the keys
     * @return the site with JSON key {@code key}
     * @throws IllegalArgumentException naming the key and the valid ones
     */
    public static AttentionSite fromKey(String key) {
        for (AttentionSite s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown attention site '" + key + "'; expected one of "
                + Arrays.stream(values()).map(AttentionSite::key).collect(Collectors.joining(", ", "[", "]")));
    }
}
