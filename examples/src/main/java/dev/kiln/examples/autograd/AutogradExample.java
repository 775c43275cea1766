package dev.kiln.examples.autograd;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.Function;
import dev.kiln.autograd.GradientChecker;
import dev.kiln.autograd.GradientReport;
import dev.kiln.examples.Examples;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.kiln.op.surface.ND.nd;

/**
 * Autograd by hand (issue #3): a custom {@link Function}, softplus computed in its overflow-free form with its
 * gradient written by hand and checked against central differences, then a second derivative of {@code tanh} taken
 * with {@code Autograd.grad(..., createGraph = true)} and compared with the closed form
 * {@code -2 tanh(x) (1 - tanh(x)^2)}. Writes {@code x}, the first and the second derivative as
 * {@code tanh-derivatives.params}.
 */
public final class AutogradExample {
    private AutogradExample() {
    }

    /**
     * {@code softplus(x) = log(1 + e^x)}, computed as {@code relu(x) + log1p(exp(-|x|))} so large inputs do not
     * overflow; its gradient is {@code sigmoid(x)}, computed in backward from the saved input.
     */
    public static final class Softplus extends Function {
        @Override
        protected List<NDArray> forward(NDArray... in) {
            NDArray x = in[0];
            saveForBackward(x);
            return List.of(nd.elemwiseAdd(nd.relu(x), nd.log1p(nd.exp(nd.negative(nd.abs(x))))));
        }

        @Override
        protected List<NDArray> backward(NDArray... dy) {
            return List.of(nd.elemwiseMul(dy[0], nd.sigmoid(saved().get(0))));
        }
    }

    /** Runs the example, writing under {@code args[0]} (default {@code ./kiln-examples/autograd}). */
    public static void main(String[] args) {
        Path dir = Examples.outputDirectory(args, "autograd");
        NDArray big = NDArray.of(Shape.of(3), -100f, 0f, 100f);
        System.out.println("naive log(1 + exp(x)) at -100, 0, 100: "
                + java.util.Arrays.toString(nd.log1p(nd.exp(big)).toDoubleArray()));
        System.out.println("Softplus at -100, 0, 100:              "
                + java.util.Arrays.toString(new Softplus().call(big).toDoubleArray()));

        NDArray x = nd.linspace(-3.0, 3.0, 7, Map.of("dtype", "float64"));
        GradientReport report = GradientChecker.forFunction("softplus", a -> List.of(new Softplus().call(a.get(0))))
                .verify(x);
        System.out.printf("Softplus gradient vs central differences: %d values, relative error %.2e%n",
                report.checked(), report.relativeError());

        NDArray v = x.copy().attachGrad();
        NDArray y;
        try (var rec = Autograd.record()) {
            y = nd.tanh(v);
        }
        NDArray first = Autograd.grad(List.of(y), List.of(v), null, false, true).get(0); // recorded: differentiable
        first.backward();                                                                // v.grad() = d2 tanh / dx2
        NDArray t = nd.tanh(x);
        NDArray expected = nd.mulScalar(nd.elemwiseMul(t, nd.rminusScalar(nd.square(t), 1.0)), -2.0);
        double error = nd.max(nd.abs(nd.elemwiseSub(v.grad(), expected))).getDouble(0);
        System.out.printf("second derivative of tanh by autograd vs closed form: max difference %.2e%n", error);

        Map<String, NDArray> out = new LinkedHashMap<>();
        out.put("x", x);
        out.put("first", first.detach());
        out.put("second", v.grad());
        Path file = dir.resolve("tanh-derivatives.params");
        NDArrayFile.save(file, out);
        System.out.println("wrote " + file);
    }
}
