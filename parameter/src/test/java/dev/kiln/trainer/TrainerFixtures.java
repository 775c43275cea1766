package dev.kiln.trainer;

import dev.kiln.autograd.Autograd;
import dev.kiln.init.Constant;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;

import java.util.List;

/** Small helpers the Trainer tests share: parameters with given values, and a backward that sets a gradient. */
final class TrainerFixtures {
    static final Device CPU1 = new Device(Device.Kind.CPU, 1);

    private TrainerFixtures() {
    }

    /** A float32 parameter of the given values on {@code devices}. */
    static Parameter param(String name, ParameterSpec spec, List<Device> devices, float... values) {
        Parameter p = new Parameter(name, spec.shape(values.length));
        p.initialize(new Constant(0), devices, false, false);
        p.setData(NDArray.of(Shape.of(values.length), values));
        return p;
    }

    static Parameter param(String name, float... values) {
        return param(name, ParameterSpec.of(), List.of(Device.cpu()), values);
    }

    /** Runs backward of {@code sum(w * x)} for the copy of {@code p} on device {@code k}, so its gradient is x. */
    static void backward(Parameter p, int k, float... x) {
        NDArray w = p.listData().get(k);
        NDArray coefficient = NDArray.of(w.shape(), x).copyTo(w.device());
        NDArray y;
        try (var rec = Autograd.record()) {
            y = Ops.call("sum", Ops.call("elemwise_mul", w, coefficient));
        }
        y.backward();
    }

    static void backward(Parameter p, float... x) {
        backward(p, 0, x);
    }

    /** The float32 result of {@code w - lr * (x / batch + wd * w)}, element by element. */
    static float[] sgd(float[] w, float[] x, double lr, double wd, int batch) {
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = (float) (w[i] - lr * ((1.0 / batch) * x[i] + wd * w[i]));
        }
        return out;
    }
}
