package dev.visor.cli;

import dev.visor.mask.BlockClass;
import dev.visor.mask.CompiledMask;
import dev.visor.mask.Mask;
import dev.visor.mask.MaskContext;
import dev.visor.mask.MaskRegistry;
import dev.visor.mask.MaskShape;
import dev.visor.mask.MaskSpec;
import dev.visor.mask.MaskSpecException;
import dev.visor.plot.MaskPlot;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code visor masks show SPEC --query-len N [--key-len M] [--block 16] [--png FILE]}: parses a mask
 * spec, creates it for the described attention call, compiles it into blocks and prints its density,
 * block statistics, an element view and a block view; optionally writes it as a PNG.
 */
@Command(name = "show",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        sortOptions = false,
        description = {"Show a mask: density, EMPTY/FULL/PARTIAL block counts, the elements and the blocks, as text and as a picture.",
            "Example: visor masks show \"causal & sliding_window(left=3)\" --query-len 16 --block 4 --png mask.png"})
final class MasksShowCommand implements Runnable {
    private final Session session;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The mask spec, e.g. \"causal & sliding_window(left=128)\".")
    private String spec;

    @Option(names = {"-q", "--query-len"}, paramLabel = "N", required = true, description = "Number of queries.")
    private int queryLength;

    @Option(names = {"-k", "--key-len"}, paramLabel = "M", description = "Number of keys (default: offset + query length).")
    private Integer keyLength;

    @Option(names = "--block", paramLabel = "B", defaultValue = "16", description = "Block size for queries and keys (default: ${DEFAULT-VALUE}).")
    private int block;

    @Option(names = "--block-q", paramLabel = "BQ", description = "Queries per block (default: --block).")
    private Integer blockQ;

    @Option(names = "--block-k", paramLabel = "BK", description = "Keys per block (default: --block).")
    private Integer blockK;

    @Option(names = "--sequence", paramLabel = "S", defaultValue = "0", description = "Sequence to draw (default: ${DEFAULT-VALUE}).")
    private int sequence;

    @Option(names = "--head", paramLabel = "H", defaultValue = "0", description = "Head to draw (default: ${DEFAULT-VALUE}).")
    private int head;

    @Option(names = "--png", paramLabel = "FILE", description = "Also write the mask as a PNG picture.")
    private Path png;

    @Option(names = "--width", paramLabel = "CHARS", defaultValue = "96", description = "Widest text grid (default: ${DEFAULT-VALUE}).")
    private int width;

    @Option(names = "--height", paramLabel = "LINES", defaultValue = "64", description = "Tallest text grid (default: ${DEFAULT-VALUE}).")
    private int height;

    @Mixin
    private MaskContextOptions context;

    /** The most blocks (over all distinct sequence × head slices) that masks show compiles. */
    static final long MAX_BLOCKS = 1L << 24;

    MasksShowCommand(Session session) {
        this.session = session;
    }

    @Override
    public void run() {
        MaskRegistry registry = session.registry();
        MaskSpec parsed;
        try {
            parsed = registry.parse(spec);
        } catch (MaskSpecException e) {
            throw CliException.usage("bad mask spec: " + e.reason(), e);
        }
        long defaultKeys = (long) context.offset + queryLength;
        if (keyLength == null && defaultKeys > Integer.MAX_VALUE) {
            throw CliException.usage("--offset " + context.offset + " + --query-len " + queryLength + " = " + defaultKeys
                    + " keys is more than " + Integer.MAX_VALUE);
        }
        int keys = keyLength != null ? keyLength : (int) defaultKeys;
        MaskContext ctx = context.build(queryLength, keys);
        MaskContextOptions.checkNeeds(registry, parsed, ctx);
        int bq = blockQ != null ? blockQ : block;
        int bk = blockK != null ? blockK : block;
        if (bq < 1 || bk < 1) throw CliException.usage("block sizes must be at least 1 but are " + bq + " × " + bk);
        if (width < 8 || height < 4) throw CliException.usage("--width must be at least 8 and --height at least 4");
        MaskShape shape = ctx.shape();
        if (sequence < 0 || sequence >= shape.batch()) {
            throw CliException.usage("--sequence " + sequence + " is outside [0, " + (shape.batch() - 1) + "]");
        }
        if (head < 0 || head >= shape.heads()) throw CliException.usage("--head " + head + " is outside [0, " + (shape.heads() - 1) + "]");
        Mask mask;
        try {
            mask = registry.create(parsed, ctx);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(Errors.oneLine(e), e);
        }
        checkSize(mask, shape, bq, bk);
        CompiledMask cm = CompiledMask.compile(mask, shape, bq, bk);
        print(cm);
        if (png != null) {
            BufferedImage image;
            try {
                image = MaskPlot.figure(cm, sequence, head).writePng(png);
            } catch (IOException e) {
                throw CliException.failure("cannot write " + png + ": " + Errors.oneLine(e), e);
            }
            session.out().printf("wrote %s (%d×%d px)%n", png, image.getWidth(), image.getHeight());
        }
        session.out().flush();
    }

    /**
     * Refuses, before anything is allocated, a mask whose compiled form would have more than
     * {@link #MAX_BLOCKS} blocks: compiling costs time and memory per block.
     */
    static void checkSize(Mask mask, MaskShape shape, int bq, int bk) {
        long slices = (mask.dependsOnBatch() ? shape.batch() : 1L) * (mask.dependsOnHead() ? shape.heads() : 1L);
        long queryBlocks = (shape.queryLength() + (long) bq - 1) / bq;
        long keyBlocks = (shape.keyLength() + (long) bk - 1) / bk;
        long blocks = slices * queryBlocks * keyBlocks;
        if (blocks > MAX_BLOCKS) {
            throw CliException.usage(String.format(java.util.Locale.ROOT, "a %d × %d mask (%d sequence × head slices) "
                    + "in %d×%d blocks has %,d blocks, more than the %,d that masks show handles; use a larger --block "
                    + "or shorter --query-len/--key-len", shape.queryLength(), shape.keyLength(), slices, bq, bk, blocks,
                    MAX_BLOCKS));
        }
    }

    private void print(CompiledMask cm) {
        PrintWriter out = session.out();
        MaskShape s = cm.shape();
        long total = (long) s.batch() * s.heads() * cm.queryBlocks() * cm.keyBlocks();
        out.println("mask     " + MaskSpec.print(cm.mask()));
        out.printf("shape    %d %s × %d %s; queries %d..%d, keys 0..%d%n", s.batch(), s.batch() == 1 ? "sequence" : "sequences",
                s.heads(), s.heads() == 1 ? "head" : "heads", s.queryOffset(), s.queryEnd() - 1, s.keyLength() - 1);
        out.printf("blocks   %d×%d elements, %d × %d per (sequence, head); sequence %d, head %d: EMPTY %d, FULL %d, PARTIAL %d%n",
                cm.blockQ(), cm.blockK(), cm.queryBlocks(), cm.keyBlocks(), sequence, head, cm.count(BlockClass.EMPTY, sequence, head),
                cm.count(BlockClass.FULL, sequence, head), cm.count(BlockClass.PARTIAL, sequence, head));
        if (s.batch() * s.heads() > 1) {
            out.printf("         all %d (sequence, head) pairs: EMPTY %d, FULL %d, PARTIAL %d (of %d)%n", s.batch() * s.heads(),
                    cm.count(BlockClass.EMPTY), cm.count(BlockClass.FULL), cm.count(BlockClass.PARTIAL), total);
        }
        double attend = cm.elementDensity();
        out.printf(java.util.Locale.ROOT, "density  %.1f %% of the %d scores attend; the kernel computes %.1f %% (the non-empty blocks)%n",
                100 * attend, s.elements(), 100 * cm.density());
        String varies = cm.byBatch() && cm.byHead() ? "sequence and head" : cm.byBatch() ? "sequence" : cm.byHead() ? "head" : null;
        if (varies != null && s.batch() * s.heads() > 1) out.println("varies   by " + varies + " (--sequence, --head choose the one drawn)");
        out.println();
        out.println("elements of sequence " + sequence + ", head " + head + ": "
                + MaskTextView.render(cm, sequence, head, height, width).stripTrailing());
        out.println();
        String blocks = cm.render(sequence, head);
        String grid = blocks.substring(blocks.indexOf('\n') + 1);
        String header = blocks.substring(0, blocks.indexOf('\n'));
        int groupNote = header.indexOf("; each character is ");
        out.println("blocks of sequence " + sequence + ", head " + head + ": 'F' full, 'p' partial, '.' empty"
                + (groupNote < 0 ? "" : header.substring(groupNote, header.indexOf(')', groupNote))));
        out.print(grid);
    }
}
