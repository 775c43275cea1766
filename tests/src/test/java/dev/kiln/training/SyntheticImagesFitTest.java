package dev.kiln.training;

import dev.kiln.block.HybridSequential;
import dev.kiln.data.DataLoader;
import dev.kiln.estimator.Estimator;
import dev.kiln.estimator.TrainingHistory;
import dev.kiln.init.Xavier;
import dev.kiln.loss.SoftmaxCrossEntropyLoss;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.conv.MaxPool2D;
import dev.kiln.symbol.NameManager;
import dev.kiln.testing.FreshNames;
import dev.kiln.trainer.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue #9's end-to-end check: a small CNN learns the generated stripes-and-blobs images through
 * {@code Estimator.fit}, eager and hybridized, and with the same seed both runs follow the same loss curve.
 */
@ExtendWith(FreshNames.class)
class SyntheticImagesFitTest {
    private static final long SEED = 20261121L;
    private static final int EPOCHS = 4;

    /**
     * Conv(8, 3x3, relu), 2x2 max pooling, dense to the classes; named in a fresh scope, as in a new process, so that
     * a trainer-state file saved from one instance loads into another.
     */
    static HybridSequential cnn() {
        try (var ignored = NameManager.fresh()) {
            HybridSequential net = new HybridSequential();
            net.add(new Conv2D(8, 3, "relu"), new MaxPool2D(2), new Flatten(), new Dense(StripesAndBlobs.CLASSES));
            return net;
        }
    }

    /** Trains a fresh CNN; deferred parameters are drawn at the first batch, after the estimator seeded. */
    private static TrainingHistory train(boolean hybridize) {
        HybridSequential net = cnn();
        net.initialize(new Xavier());
        if (hybridize) {
            net.hybridize();
        }
        Trainer trainer = new Trainer(net.collectParams(), "adam", Map.of("learning_rate", 0.01));
        Estimator est = Estimator.builder(net, new SoftmaxCrossEntropyLoss()).trainer(trainer).seed(SEED).build();
        DataLoader train = DataLoader.builder(StripesAndBlobs.dataset(240, 1)).batchSize(16).shuffle(true)
                .seed(SEED).build();
        DataLoader val = DataLoader.builder(StripesAndBlobs.dataset(90, 2)).batchSize(45).build();
        return est.fit(train, val, EPOCHS);
    }

    @Test
    void smallCnnReachesNinetyFivePercentValidationAccuracyEagerAndHybridizedOnTheSameCurve() {
        TrainingHistory eager = train(false);
        TrainingHistory hybrid = train(true);

        assertThat(eager.names()).contains("training loss", "training accuracy", "validation loss",
                "validation accuracy");
        double[] eagerAcc = eager.series("validation accuracy");
        double[] hybridAcc = hybrid.series("validation accuracy");
        assertThat(eagerAcc[EPOCHS - 1]).isGreaterThanOrEqualTo(0.95);
        assertThat(hybridAcc[EPOCHS - 1]).isGreaterThanOrEqualTo(0.95);

        double[] eagerLoss = eager.series("training loss");
        double[] hybridLoss = hybrid.series("training loss");
        assertThat(eagerLoss[EPOCHS - 1]).isLessThan(eagerLoss[0]);
        for (int e = 0; e < EPOCHS; e++) {
            assertThat(hybridLoss[e]).as("training loss, epoch %d", e).isCloseTo(eagerLoss[e], within(1e-4));
            assertThat(hybrid.series("validation loss")[e]).as("validation loss, epoch %d", e)
                    .isCloseTo(eager.series("validation loss")[e], within(1e-4));
        }
    }
}
