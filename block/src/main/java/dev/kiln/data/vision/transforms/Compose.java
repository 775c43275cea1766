package dev.kiln.data.vision.transforms;

import dev.kiln.block.Block;
import dev.kiln.block.HybridBlock;
import dev.kiln.block.HybridSequential;
import dev.kiln.block.Sequential;

import java.util.ArrayList;
import java.util.List;

/**
 * Gluon's {@code transforms.Compose}: runs transforms one after another. As in Gluon, each run of two or more
 * consecutive hybrid transforms is gathered into one hybridized {@link HybridSequential}, so it runs as one compiled
 * graph; a lone hybrid transform and the plain ones ({@link CenterCrop}, {@link RandomResizedCrop}) are added as they
 * are.
 */
public class Compose extends Sequential {

    public Compose(Block... transforms) {
        this(List.of(transforms));
    }

    public Compose(List<? extends Block> transforms) {
        List<HybridBlock> run = new ArrayList<>();
        for (Block t : transforms) {
            if (t instanceof HybridBlock h) {
                run.add(h);
                continue;
            }
            flush(run);
            add(t);
        }
        flush(run);
    }

    private void flush(List<HybridBlock> run) {
        if (run.size() == 1) {
            add(run.get(0));
        } else if (run.size() > 1) {
            HybridSequential chain = new HybridSequential();
            chain.add(run.toArray(HybridBlock[]::new));
            chain.hybridize();
            add(chain);
        }
        run.clear();
    }
}
