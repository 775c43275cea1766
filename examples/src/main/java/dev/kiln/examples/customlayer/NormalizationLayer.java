package dev.kiln.examples.customlayer;

import dev.kiln.block.Block;
import dev.kiln.ndarray.NDArray;

import static dev.kiln.op.surface.ND.nd;

/**
 * The Gluon custom-layer tutorial's first layer, as a plain (eager-only) {@link Block}: it scales its input to
 * [0, 1] by the input's own minimum and maximum. It has no parameters.
 */
public class NormalizationLayer extends Block {
    @Override
    public NDArray forward(NDArray x) {
        NDArray min = nd.min(x);
        return nd.broadcastDiv(nd.broadcastSub(x, min), nd.broadcastSub(nd.max(x), min));
    }
}
