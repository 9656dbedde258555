package dev.visor.cli;

import dev.visor.mask.MaskSpecException;
import dev.visor.mask.MaskVerificationException;
import dev.visor.tasks.Example;
import dev.visor.tasks.SyntheticTask;
import dev.visor.tasks.Vocabulary;
import dev.visor.tensor.Rng;
import dev.visor.transformer.AttentionKernel;
import dev.visor.transformer.AttentionSite;
import dev.visor.transformer.DecoderOnlyTransformer;
import dev.visor.transformer.EncoderDecoderTransformer;
import dev.visor.transformer.TokenBatch;
import dev.visor.transformer.TransformerConfig;
import dev.visor.transformer.TransformerModel;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code visor audit --checkpoint DIR [--spec SPEC --site SITE]}: perturbs the inputs a model's masks
 * hide and checks that its outputs do not move ({@link MaskAudit}), then compares the flash kernel with
 * the reference kernel on inputs spanning several kernel blocks ({@link KernelAudit}); exits 1 when
 * either fails, or when compiling a mask finds a plugin whose block classes contradict its predicate.
 */
@Command(name = "audit",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Check that a trained model's outputs do not depend on inputs its masks hide.",
            "Perturbs hidden positions (padding, the future, outside a window...) and compares the outputs.",
            "With --spec, check a claim instead: that attention at --site obeys SPEC.",
            "Then compares the block-sparse flash kernel with the reference kernel on long inputs (the model's whole context).",
            "Exit code 0 when nothing hidden moved an output and the kernels agree, 1 otherwise."})
final class AuditCommand implements Runnable {
    /** Longest decoder-only input of the kernel comparison: several 64-blocks, and at least 256 positions when the model allows. */
    static final int KERNEL_CONTEXT = 512;

    private final Session session;

    @Mixin
    private CheckpointOption checkpoint;

    @Option(names = "--spec", paramLabel = "SPEC", description = "The mask claimed for --site (default: the model's own masks).")
    private String spec;

    @Option(names = "--site", paramLabel = "SITE", defaultValue = "decoder_self",
            description = "The site --spec describes: encoder_self, decoder_self or cross (default: ${DEFAULT-VALUE}).")
    private String site;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "32", description = "Input sequences (default: ${DEFAULT-VALUE}).")
    private int samples;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "4",
            description = "Perturbation rounds; each perturbs every sequence at a hidden source, a hidden target and a visible position (default: ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "7", description = "Seed of the inputs and perturbations (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(names = "--kernel-rows", paramLabel = "N", defaultValue = "16",
            description = "Output rows per sequence compared between the flash and the reference kernel (default: ${DEFAULT-VALUE}).")
    private int kernelRows;

    AuditCommand(Session session) {
        this.session = session;
    }

    @Override
    public void run() {
        if (samples < 1) throw CliException.usage("--samples must be at least 1 but is " + samples);
        if (rounds < 1) throw CliException.usage("--rounds must be at least 1 but is " + rounds);
        if (kernelRows < 1) throw CliException.usage("--kernel-rows must be at least 1 but is " + kernelRows);
        try {
            audit();
        } catch (MaskVerificationException e) {
            session.out().println("FAIL: " + e.getMessage());
            session.out().flush();
            throw CliException.failure("audit failed: a mask's block classes contradict its predicate (" + e.getMessage() + ")", e);
        }
    }

    /** The perturbation audit and the kernel comparison. */
    private void audit() {
        Map<AttentionSite, String> claimed = new EnumMap<>(AttentionSite.class);
        if (spec != null) {
            AttentionSite s;
            try {
                s = AttentionSite.fromKey(site);
            } catch (IllegalArgumentException e) {
                throw CliException.usage("--site: " + Errors.oneLine(e), e);
            }
            try {
                claimed.put(s, session.registry().parse(spec).toString());
            } catch (MaskSpecException e) {
                throw CliException.usage("--spec: bad mask spec: " + e.reason(), e);
            }
        }
        RunCheckpoint.Loaded c = RunCheckpoint.load(checkpoint.dir, session.registry(), session.scoreRegistry(), AttentionKernel.FLASH);
        TransformerModel model = c.model();
        TransformerConfig cfg = model.config();
        Vocabulary vocab = c.info().vocabulary();
        if (cfg.architecture() == TransformerConfig.Architecture.DECODER_ONLY && claimed.keySet().stream().anyMatch(s -> s != AttentionSite.DECODER_SELF)) {
            throw CliException.usage("--site " + site + ": a decoder-only model has only decoder_self attention");
        }
        MaskAudit audit = new MaskAudit(model, session.registry(), claimed, 3, vocab.size());
        Rng rng = new Rng(seed);
        PrintWriter o = session.out();
        o.println("Audit of " + checkpoint.dir + ": do outputs depend on inputs the masks hide?");
        MaskAudit.Report report;
        TokenBatch kernelSrc = null;
        TokenBatch kernelTgt;
        if (model instanceof EncoderDecoderTransformer) {
            for (AttentionSite s : List.of(AttentionSite.ENCODER_SELF, AttentionSite.DECODER_SELF, AttentionSite.CROSS)) {
                describe(o, audit, s, s == AttentionSite.ENCODER_SELF ? cfg.encoderLayers() : cfg.decoderLayers(), claimed.containsKey(s));
            }
            SyntheticTask task = c.info().task();
            List<int[]> src = new ArrayList<>();
            List<int[]> tgt = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                Example e = task.sample(rng, c.info().minLength(), c.info().maxLength(), c.info().symbols());
                src.add(SourceTokens.withEos(vocab.encode(e.source()), vocab));
                int[] y = vocab.encode(e.target());
                int[] in = new int[y.length + 1];
                in[0] = vocab.bosId();
                System.arraycopy(y, 0, in, 1, y.length);
                tgt.add(in);
            }
            o.printf("  inputs   %d %s examples; decoder inputs are the correct answers (teacher forcing)%n", samples, task.key());
            kernelSrc = TokenBatch.of(src.toArray(new int[0][]), vocab.padId());
            kernelTgt = TokenBatch.of(tgt.toArray(new int[0][]), vocab.padId());
            report = audit.run(TokenBatch.of(src.toArray(new int[0][]), vocab.padId()), TokenBatch.of(tgt.toArray(new int[0][]), vocab.padId()),
                    rounds, rng);
        } else if (model instanceof DecoderOnlyTransformer) {
            describe(o, audit, AttentionSite.DECODER_SELF, cfg.decoderLayers(), claimed.containsKey(AttentionSite.DECODER_SELF));
            int max = Math.min(cfg.maxLength(), 64);
            List<int[]> rows = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                int n = Math.max(2, max / 2 + rng.nextInt(max / 2 + 1));
                int[] r = new int[n];
                for (int t = 0; t < n; t++) r[t] = 3 + rng.nextInt(vocab.size() - 3);
                rows.add(r);
            }
            o.printf("  inputs   %d random texts of %d–%d characters%n", samples, max / 2, max);
            report = audit.run(TokenBatch.of(rows.toArray(new int[0][]), vocab.padId()), rounds, rng);
            int context = Math.min(cfg.maxLength(), KERNEL_CONTEXT);
            List<int[]> longRows = new ArrayList<>();
            for (int i = 0; i < Math.min(samples, 4); i++) {          // the first one fills the context
                int n = i == 0 ? context : Math.max(2, context - rng.nextInt(context / 4 + 1));
                int[] r = new int[n];
                for (int t = 0; t < n; t++) r[t] = 3 + rng.nextInt(vocab.size() - 3);
                longRows.add(r);
            }
            kernelTgt = TokenBatch.of(longRows.toArray(new int[0][]), vocab.padId());
            o.printf("  kernel   flash vs reference kernel on %d random texts of up to %d characters (%d rows each)%n",
                    longRows.size(), context, kernelRows);
        } else {
            throw CliException.usage("checkpoint " + checkpoint.dir + " holds a model the audit does not support");
        }
        o.println("  hidden   for each output position, the inputs no chain of attention through the layers can reach");
        o.println();
        o.printf("  %-28s %7s %10s %15s  %s%n", "perturbed", "trials", "moved", "max |Δ logit|", "result");
        if (model instanceof EncoderDecoderTransformer) row(o, "hidden source positions", report.hiddenSource(), true);
        row(o, "hidden target positions", report.hiddenTarget(), true);
        row(o, "visible positions (control)", report.visible(), false);
        TransformerModel reference = RunCheckpoint.load(checkpoint.dir, session.registry(), session.scoreRegistry(), AttentionKernel.REFERENCE).model();
        KernelAudit.Report kernels = KernelAudit.compare(model, reference, kernelSrc, kernelTgt, kernelRows, rng);
        o.printf(Locale.ROOT, "  %-28s %7d %10s %15.3g  %s%n", "flash vs reference kernel", kernels.rows(), "rows",
                kernels.maxDelta(), kernels.passed() ? "pass" : "FAIL");
        o.println();
        MaskAudit.Tally v = report.visible();
        if (v.trials() > 0 && v.changed() < v.trials() / 2) {
            o.println("  note: outputs rarely moved when visible inputs changed either, so this audit has little power");
        }
        int hiddenTrials = report.hiddenSource().trials() + report.hiddenTarget().trials();
        if (!kernels.passed()) {
            o.println("FAIL: " + kernels.firstMismatch());
            o.flush();
            throw CliException.failure("audit failed: the block-sparse kernel disagrees with the reference kernel (" + kernels.firstMismatch()
                    + "); a mask's classify may call a block EMPTY or FULL wrongly");
        }
        if (report.passed()) {
            o.printf("PASS: %s%n", hiddenTrials == 0 ? "the masks hide no input from any output; nothing to check"
                    : "no output moved when only hidden inputs changed (" + hiddenTrials + " perturbations)");
            o.flush();
        } else {
            o.println("FAIL: " + report.firstLeak());
            o.flush();
            throw CliException.failure("audit failed: outputs depend on inputs the masks hide (" + report.firstLeak() + ")");
        }
    }

    private static void describe(PrintWriter o, MaskAudit audit, AttentionSite site, int layers, boolean claimedSpec) {
        List<String> specs = new ArrayList<>();
        for (int l = 0; l < layers; l++) specs.add(audit.spec(site, l));
        boolean same = specs.stream().distinct().count() == 1;
        o.printf("  %-12s %s%s%n", site.key(), same ? specs.get(0) + " (" + layers + (layers == 1 ? " layer)" : " layers)") : specs,
                claimedSpec ? "  ← claimed by --spec" : "");
    }

    private static void row(PrintWriter o, String what, MaskAudit.Tally t, boolean mustHold) {
        String result = t.trials() == 0 ? "nothing hidden" : mustHold ? (t.changed() == 0 ? "pass" : "FAIL")
                : String.format(Locale.ROOT, "outputs moved in %.0f %%", 100.0 * t.changed() / t.trials());
        o.printf(Locale.ROOT, "  %-28s %7d %10d %15.3g  %s%n", what, t.trials(), t.changed(), t.maxDelta(), result);
    }
}
