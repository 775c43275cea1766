package dev.kiln.examples.customop;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradientChecker;
import dev.kiln.autograd.GradientReport;
import dev.kiln.examples.Examples;
import dev.kiln.examples.data.GaussianBlobs;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.Ops;
import dev.kiln.random.Random;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The custom operator of docs/AUTOGRAD-custom.md as a program (issue #3): registers {@link LabelScaledFullyConnected},
 * checks its hand-written backward against central differences in training and predict mode, then trains a linear
 * classifier through it on three Gaussian blobs with plain SGD on NDArrays. Writes the trained {@code weight} and
 * {@code bias} as {@code label-scaled-fc.params}.
 */
public final class CustomOpExample {
    /** The operator's label scale. */
    public static final double K = 0.5;
    /** The number of classes (blobs). */
    public static final int CLASSES = 3;

    private CustomOpExample() {
    }

    /** Runs the example, writing under {@code args[0]} (default {@code ./kiln-examples/customop}). */
    public static void main(String[] args) {
        Path dir = Examples.outputDirectory(args, "customop");
        LabelScaledFullyConnected.register();

        Random.seed(3);
        NDArray x = Random.uniform(-1, 1, 5, 4).astype(DType.FLOAT64);
        NDArray w = Random.uniform(-1, 1, CLASSES, 4).astype(DType.FLOAT64);
        NDArray b = Random.uniform(-0.5, 0.5, CLASSES).astype(DType.FLOAT64);
        NDArray label = Random.randint(0, CLASSES, 5).astype(DType.FLOAT64);
        for (boolean training : new boolean[] {true, false}) {
            GradientReport report = GradientChecker.forFunction("label_scaled_fc",
                            a -> List.of(LabelScaledFullyConnected.apply(a.get(0), a.get(1), a.get(2), a.get(3),
                                    CLASSES, K)))
                    .training(training).wrt(0, 1, 2).verify(x, w, b, label);
            System.out.printf("gradient check (%s mode): %d values, relative error %.2e%n",
                    training ? "training" : "predict", report.checked(), report.relativeError());
        }

        GaussianBlobs data = GaussianBlobs.make(90, CLASSES, 5);
        Map<String, NDArray> trained = train(data, 60, 0.5);
        Path file = dir.resolve("label-scaled-fc.params");
        NDArrayFile.save(file, trained);
        System.out.println("wrote " + file);
    }

    /**
     * Trains {@code weight} (classes, 2) and {@code bias} from zeros for {@code steps} full-batch SGD steps on the
     * softmax cross-entropy of the custom layer's (training-mode) output; prints loss and accuracy before and after.
     */
    static Map<String, NDArray> train(GaussianBlobs data, int steps, double lr) {
        int n = data.size();
        NDArray w = NDArray.zeros(CLASSES, 2).attachGrad(); // zeros predict class 0 everywhere: a third right
        NDArray b = NDArray.zeros(CLASSES).attachGrad();
        double before = accuracy(data, w, b);
        double firstLoss = Double.NaN;
        double lastLoss = Double.NaN;
        for (int step = 0; step < steps; step++) {
            NDArray loss;
            try (var rec = Autograd.record()) {
                NDArray out = LabelScaledFullyConnected.apply(data.x(), w, b, data.label(), CLASSES, K);
                loss = Ops.call("softmax_cross_entropy", out, data.label()); // summed over the batch
            }
            loss.backward();
            lastLoss = loss.getDouble(0) / n;
            firstLoss = step == 0 ? lastLoss : firstLoss;
            w.subInPlace(Ops.call("_mul_scalar", Map.of("scalar", lr / n), w.grad()));
            b.subInPlace(Ops.call("_mul_scalar", Map.of("scalar", lr / n), b.grad()));
        }
        System.out.printf("training: mean loss %.4f -> %.4f, accuracy %.3f -> %.3f%n", firstLoss, lastLoss, before,
                accuracy(data, w, b));
        Map<String, NDArray> trained = new LinkedHashMap<>();
        trained.put("weight", w.detach());
        trained.put("bias", b.detach());
        return trained;
    }

    /** Fraction of points whose largest predicted (plain layer) score is at their label. */
    public static double accuracy(GaussianBlobs data, NDArray w, NDArray b) {
        NDArray out = LabelScaledFullyConnected.apply(data.x(), w.detach(), b.detach(), data.label(), CLASSES, K);
        NDArray predicted = Ops.call("argmax", Map.of("axis", 1), out);
        int right = 0;
        for (int i = 0; i < data.size(); i++) {
            right += predicted.getDouble(i) == data.label().getDouble(i) ? 1 : 0;
        }
        return (double) right / data.size();
    }
}
