package dev.kiln.op.conv;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/**
 * The spatial ops: Convolution, Deconvolution, Pooling, adaptive pooling, UpSampling and BilinearResize2D, and their
 * gradient ops.
 */
public final class ConvOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        ConvolutionOp conv = new ConvolutionOp();
        DeconvolutionOp deconv = new DeconvolutionOp();
        PoolingOp pool = new PoolingOp();
        UpSamplingOp up = new UpSamplingOp();
        BilinearResize2DOp resize = new BilinearResize2DOp();
        AdaptivePoolingOp adaptive2d = AdaptivePoolingOp.mxnetAverage2d();
        AdaptivePoolingOp adaptiveAvg = AdaptivePoolingOp.kiln(false);
        AdaptivePoolingOp adaptiveMax = AdaptivePoolingOp.kiln(true);
        return List.of(conv, deconv, pool, up, resize, adaptive2d, adaptiveAvg, adaptiveMax, new ConvBackwardOp(conv),
                new ConvBackwardOp(deconv), new PoolingBackwardOp(pool), new UpSamplingBackwardOp(up),
                new BilinearResize2DBackwardOp(resize), new AdaptivePoolingBackwardOp(adaptive2d),
                new AdaptivePoolingBackwardOp(adaptiveAvg), new AdaptivePoolingBackwardOp(adaptiveMax));
    }
}
