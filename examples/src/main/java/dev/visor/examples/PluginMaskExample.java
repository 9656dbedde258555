package dev.visor.examples;

import dev.visor.mask.CompiledMask;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.tensor.GradMode;
import dev.visor.tensor.Tensor;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.TokenBatch;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.Transformers;
import java.io.PrintWriter;
import java.util.Arrays;

/**
 * A third-party mask used by name: {@code axial(width)} from the {@code examples/mask-plugin} jar.
 * Nothing here refers to the plugin's classes; {@link MaskRegistry#load()} finds it through
 * {@code META-INF/services} when the jar is on the class path (or in a {@code --plugins} folder for
 * the command line), and a spec string puts it into a model's config like any built-in.
 *
 * <pre>{@code
 * java --add-modules jdk.incubator.vector \
 *      -cp examples/target/visor.jar:examples/mask-plugin/target/visor-mask-plugin-example-0.1.0-SNAPSHOT.jar \
 *      dev.visor.examples.PluginMaskExample
 * }</pre>
 */
public final class PluginMaskExample {
    private PluginMaskExample() {}

    /**
     * Shows the plugin mask and runs a model that uses it.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        run(MaskRegistry.load(), out);
        out.flush();
    }

    /**
     * Shows {@code axial(width=4) & causal} over a 4×4 grid and runs a decoder whose self-attention uses it.
     *
     * @param registry the registry to find {@code axial} in
     * @param out where to print
     * @return whether the plugin was found
     */
    public static boolean run(MaskRegistry registry, PrintWriter out) {
        if (registry.find("axial").isEmpty()) {
            out.println("The axial mask plugin is not on the class path. Build it with");
            out.println("  mvn -B -q package -DskipTests -pl examples/mask-plugin -am");
            out.println("and add examples/mask-plugin/target/*.jar to the class path, or use the command line:");
            out.println("  bin/visor masks show \"axial(width=4) & causal\" --query-len 16 --plugins examples/mask-plugin/target");
            return false;
        }
        // 1) the mask by name, combined with a built-in
        String spec = "axial(width=4) & causal";
        MaskContext ctx = MaskContext.builder(1, 1, 16, 16).build();
        Mask mask = registry.create(spec, ctx);
        out.println(spec + " over a 4×4 grid flattened row by row (row = query, column = key):");
        for (int q = 0; q < 16; q++) {
            StringBuilder row = new StringBuilder("  ");
            for (int k = 0; k < 16; k++) row.append(mask.attends(0, 0, q, k) ? '#' : '.');
            out.println(row);
        }
        CompiledMask blocks = CompiledMask.compile(mask, ctx.shape(), 4, 4);
        out.printf("4×4 blocks: %s%n", blocks.render().lines().skip(1).toList());
        // 2) the same spec in a model's config: a decoder over image-like sequences
        TransformerConfig config = TransformerConfig.tiny(16).toBuilder().mask(AttentionSite.DECODER_SELF, spec + " & padding")
                .build().decoderOnly();
        DecoderOnlyTransformer model = Transformers.decoderOnly(config);
        int[] pixels = new int[16];
        Arrays.setAll(pixels, i -> 3 + i % 13);
        try (GradMode.Scope ignored = GradMode.disable()) {
            Tensor logits = model.forward(TokenBatch.of(new int[][] {pixels}, config.padId()));   // (1, 16, 16)
            out.println("a decoder with self-attention mask '" + config.masks().spec(AttentionSite.DECODER_SELF)
                    + "' gives logits of shape " + Arrays.toString(logits.shape()));
        }
        return true;
    }
}
