package dev.visor.attention;

import dev.visor.mask.BlockClass;
import dev.visor.mask.CompiledMask;
import java.util.function.IntFunction;

/**
 * The kernel's block size per compiled mask: {@value FlashAttention#DEFAULT_BLOCK} unless the mask's
 * blocks at that size are mostly PARTIAL, in which case 32 and then 16 are tried and the size with the
 * lowest modelled cost wins. Narrow windows (e.g. {@code sliding_window(left=15)}) pay for whole
 * 64-wide PARTIAL diagonal blocks; smaller tiles cut that waste, at a cost per block.
 *
 * <p>The model, fitted to single-thread CPU times of the flash kernel at N = 4096, 4 × 64 (see
 * docs/DESIGN.md): a FULL element costs 1, a PARTIAL element 2 (the predicate tile is applied too),
 * and every visited block {@value #BLOCK_OVERHEAD} (loading its tiles, the softmax rescaling). Dense,
 * causal and wide-window masks, whose blocks are mostly FULL, keep 64 without compiling anything else.
 */
final class KernelBlocks {
    /** A mask is tried at smaller blocks when at least this share of its non-empty blocks is PARTIAL. */
    static final double PARTIAL_SHARE = 0.5;
    /** Modelled cost of visiting one block, in FULL-element units. */
    static final double BLOCK_OVERHEAD = 900;
    /** The smallest block size tried. */
    static final int SMALLEST = 16;

    private KernelBlocks() {}

    /**
     * The cheapest of the mask compiled at {@value FlashAttention#DEFAULT_BLOCK} ({@code first}) and,
     * when {@code first} is mostly PARTIAL, at halved block sizes down to {@value #SMALLEST}, as long
     * as halving lowers the modelled cost and the smaller blocks still split the longer side.
     *
     * @param first the mask compiled at the default block size
     * @param compileAt compiles the same mask at a square block size
     * @return the compiled mask to run the kernel on
     */
    static CompiledMask choose(CompiledMask first, IntFunction<CompiledMask> compileAt) {
        long partial = first.count(BlockClass.PARTIAL);
        long visited = partial + first.count(BlockClass.FULL);
        if (visited == 0 || partial < PARTIAL_SHARE * visited) {
            return first;
        }
        CompiledMask best = first;
        double bestCost = cost(first);
        int longest = Math.max(first.shape().queryLength(), first.shape().keyLength());
        for (int b = first.blockQ() / 2; b >= SMALLEST; b /= 2) {
            if (b >= longest) {
                continue;   // a size that splits nothing changes nothing
            }
            CompiledMask next = compileAt.apply(b);
            double c = cost(next);
            if (c >= bestCost) {
                break;
            }
            best = next;
            bestCost = c;
        }
        return best;
    }

    /** The modelled cost of running the kernel on {@code cm}. */
    static double cost(CompiledMask cm) {
        double area = (double) Math.min(cm.blockQ(), cm.shape().queryLength()) * Math.min(cm.blockK(), cm.shape().keyLength());
        long full = cm.count(BlockClass.FULL);
        long partial = cm.count(BlockClass.PARTIAL);
        return (full + 2.0 * partial) * area + BLOCK_OVERHEAD * (full + partial);
    }
}
