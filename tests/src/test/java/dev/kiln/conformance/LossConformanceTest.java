package dev.kiln.conformance;

import dev.kiln.loss.CTCLoss;
import dev.kiln.loss.CosineEmbeddingLoss;
import dev.kiln.loss.HingeLoss;
import dev.kiln.loss.HuberLoss;
import dev.kiln.loss.KLDivLoss;
import dev.kiln.loss.L1Loss;
import dev.kiln.loss.L2Loss;
import dev.kiln.loss.LogisticLoss;
import dev.kiln.loss.PoissonNLLLoss;
import dev.kiln.loss.SDMLLoss;
import dev.kiln.loss.SigmoidBinaryCrossEntropyLoss;
import dev.kiln.loss.SoftmaxCrossEntropyLoss;
import dev.kiln.loss.SquaredHingeLoss;
import dev.kiln.loss.TripletLoss;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Every Gluon loss against MXNet 1.9 running the same traced loss as a cached op. */
@ExtendWith(FreshNames.class)
class LossConformanceTest {
    private NDArray pred;
    private NDArray label;
    private NDArray signs;
    private NDArray sampleWeight;

    @BeforeAll
    static void needsMXNet() {
        assumeTrue(MXNet.isAvailable(), "MXNet's native library is not available");
    }

    @BeforeEach
    void inputs() {
        Random.seed(31);
        pred = Random.uniform(-2, 2, 3, 4);
        label = Random.uniform(-2, 2, 3, 4);
        signs = NDArray.of(Shape.of(3, 4), 1, -1, 1, 1, -1, -1, 1, -1, 1, 1, -1, 1);
        sampleWeight = Random.uniform(0, 2, 3, 1);
    }

    @Test
    void regressionLossesMatchMXNet() {
        LayerConformance.assertMatchesMXNet(new L2Loss(), pred, label);
        LayerConformance.assertMatchesMXNet(new L2Loss(3), pred, label.reshape(12), sampleWeight);
        LayerConformance.assertMatchesMXNet(L1Loss.builder().batchAxis(1).weight(0.5).build(), pred, label);
        LayerConformance.assertMatchesMXNet(new HuberLoss(0.7), pred, label, sampleWeight);
    }

    @Test
    void marginLossesMatchMXNet() {
        LayerConformance.assertMatchesMXNet(new HingeLoss(1.5), pred, signs, sampleWeight);
        LayerConformance.assertMatchesMXNet(new SquaredHingeLoss(), pred, signs);
        LayerConformance.assertMatchesMXNet(new LogisticLoss(), pred, signs);
        LayerConformance.assertMatchesMXNet(new LogisticLoss("binary"), pred,
                NDArray.of(Shape.of(3, 4), 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1), sampleWeight);
    }

    @Test
    void crossEntropyLossesMatchMXNet() {
        NDArray target = Random.uniform(0, 1, 3, 4);
        LayerConformance.assertMatchesMXNet(new SigmoidBinaryCrossEntropyLoss(), pred, target);
        LayerConformance.assertMatchesMXNet(new SigmoidBinaryCrossEntropyLoss(), pred, target, sampleWeight,
                Random.uniform(0.5, 2, 1, 4));
        NDArray prob = Random.uniform(0.05, 0.95, 3, 4);
        LayerConformance.assertMatchesMXNet(new SigmoidBinaryCrossEntropyLoss(true), prob, target, null,
                Random.uniform(0.5, 2, 1, 4));
        NDArray classes = NDArray.of(Shape.of(3), 2, 0, 3);
        LayerConformance.assertMatchesMXNet(new SoftmaxCrossEntropyLoss(), pred, classes, sampleWeight);
        LayerConformance.assertMatchesMXNet(SoftmaxCrossEntropyLoss.builder().axis(0).sparseLabel(false)
                .fromLogits(true).build(), pred, target);
        LayerConformance.assertMatchesMXNet(new KLDivLoss(), pred, target);
        LayerConformance.assertMatchesMXNet(KLDivLoss.builder().fromLogits(false).weight(2.0).build(), pred, target,
                sampleWeight);
    }

    @Test
    void poissonLossMatchesMXNet() {
        NDArray counts = NDArray.of(Shape.of(3, 4), 0.5f, 1, 2, 5, 3, 0.2f, 1, 4, 7, 2, 0.5f, 1);
        LayerConformance.assertMatchesMXNet(new PoissonNLLLoss(), pred, counts);
        LayerConformance.assertMatchesMXNet(PoissonNLLLoss.builder().fromLogits(false).computeFull(true).build(),
                Random.uniform(0.2, 3, 3, 4), counts, sampleWeight);
    }

    @Test
    void ctcLossMatchesMXNet() {
        NDArray scores = Random.uniform(-1, 1, 2, 5, 4);
        NDArray padded = NDArray.of(Shape.of(2, 3), 0, 1, -1, 2, 2, 1);
        LayerConformance.assertMatchesMXNet(new CTCLoss(), scores, padded);
        NDArray predLengths = NDArray.of(Shape.of(2), 4, 5);
        NDArray labelLengths = NDArray.of(Shape.of(2), 1, 3);
        LayerConformance.assertMatchesMXNet(CTCLoss.builder().weight(2.0).build(), scores, padded, predLengths,
                labelLengths, NDArray.of(Shape.of(2), 1, 3));
        NDArray tnc = Random.uniform(-1, 1, 5, 2, 4);
        LayerConformance.assertMatchesMXNet(new CTCLoss("TNC", "TN"), tnc, NDArray.of(Shape.of(3, 2), 0, 2, 1, 2,
                -1, -1), null, null);
    }

    @Test
    void embeddingLossesMatchMXNet() {
        NDArray b = Random.uniform(-1, 1, 3, 4);
        NDArray c = Random.uniform(-1, 1, 3, 4);
        LayerConformance.assertMatchesMXNet(new TripletLoss(0.5), pred, b, c);
        LayerConformance.assertMatchesMXNet(TripletLoss.builder().weight(2.0).build(), pred, b, c,
                NDArray.of(Shape.of(3), 1, 2, 3));
        LayerConformance.assertMatchesMXNet(new CosineEmbeddingLoss(0.1), pred, b, NDArray.of(Shape.of(3), 1, -1,
                -1));
        LayerConformance.assertMatchesMXNet(new SDMLLoss(), Random.uniform(-1, 1, 3, 4), b);
    }
}
