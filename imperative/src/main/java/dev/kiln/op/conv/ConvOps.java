package dev.kiln.op.conv;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/** The spatial ops: Convolution, Deconvolution, Pooling, UpSampling and BilinearResize2D. */
public final class ConvOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of(new ConvolutionOp(), new DeconvolutionOp(), new PoolingOp(), new UpSamplingOp(),
                new BilinearResize2DOp());
    }
}
