package dev.kiln.tornado.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * 1-D/2-D {@code Deconvolution} (transposed convolution) in NCHW and {@code _backward_Deconvolution}, through the
 * convolution kernels with the roles of data and output swapped: the forward pass is the data gradient of the
 * convolution that maps the deconvolution's output back to its input (bias added per output channel); the data
 * gradient is that convolution itself over the output gradient, the weight gradient its weight gradient with the
 * deconvolution's data as the output gradient. {@code target_shape} sets the padding as MXNet derives it; {@code adj}
 * only extends the output, which the shapes already say.
 */
final class DeconvKernels {
    private DeconvKernels() {
    }

    static void register(Map<String, Family> families) {
        families.put("Deconvolution", Family.of(Window2d::check, DeconvKernels::forward));
        families.put("_backward_Deconvolution", Family.of(Window2d::check, DeconvKernels::backward));
    }

    /**
     * The convolution from the deconvolution's output (data {@code big}) to its input (output {@code small}): its
     * weight (in channels, filters / groups, kh, kw) is the convolution's (oc, c / groups, kh, kw).
     */
    private static Window2d transposed(NodeCall c, dev.kiln.ndarray.Shape small, dev.kiln.ndarray.Shape big) {
        Window2d d = Window2d.of(c, small, big, false);
        int[] target = c.tupleAttr("target_shape");
        int ph = d.ph();
        int pw = d.pw();
        if (target.length > 0 && java.util.Arrays.stream(target).anyMatch(t -> t != 0)) {
            boolean oneD = target.length == 1;
            pw = pad(d.w(), d.sw(), d.kw(), d.dw(), target[target.length - 1]);
            ph = oneD ? 0 : pad(d.h(), d.sh(), d.kh(), d.dh(), target[0]);
        }
        return new Window2d(d.n(), d.oc(), d.oh(), d.ow(), d.c(), d.h(), d.w(), d.kh(), d.kw(), d.sh(), d.sw(), ph,
                pw, d.dh(), d.dw());
    }

    /** MXNet's padding for a target size: half the excess of the full output, rounded up. */
    private static int pad(int in, int stride, int kernel, int dilate, int target) {
        int full = stride * (in - 1) + dilate * (kernel - 1) + 1;
        return (full - target + 1) / 2;
    }

    /** Inputs (data, weight[, bias]). */
    private static List<KernelLaunch> forward(NodeCall c) {
        Window2d g = transposed(c, c.in(0), c.out(0));
        int groups = c.intAttr("num_group");
        BufferTable t = c.buffers();
        return List.of(c.boolAttr("no_bias")
                ? ConvKernels.dataGrad(c, g, groups, false, t.input(0), t.input(1), t.output(0))
                : ConvKernels.dataGrad(c, g, groups, true, t.input(0), t.input(1), t.input(2), t.output(0)));
    }

    /** Inputs (ograd, data, weight[, bias]); outputs (data grad, weight grad[, bias grad]). */
    private static List<KernelLaunch> backward(NodeCall c) {
        Window2d g = transposed(c, c.in(1), c.in(0));
        int groups = c.intAttr("num_group");
        BufferTable t = c.buffers();
        List<KernelLaunch> launches = new ArrayList<>();
        launches.add(ConvKernels.convolve(c, g, groups, false, t.input(0), t.input(2), t.output(0)));
        launches.add(ConvKernels.weightGrad(c, g, groups, t.input(1), t.input(0), t.output(1)));
        if (!c.boolAttr("no_bias")) {
            launches.add(c.launch(ConvKernels.biasGrad(c, g.n(), g.c(), g.h() * g.w()), t.input(0), t.output(2)));
        }
        return launches;
    }
}
