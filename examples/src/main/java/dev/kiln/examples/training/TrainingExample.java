package dev.kiln.examples.training;

import dev.kiln.block.HybridSequential;
import dev.kiln.data.ArrayDataset;
import dev.kiln.data.DataLoader;
import dev.kiln.estimator.Estimator;
import dev.kiln.estimator.HistoryHandler;
import dev.kiln.estimator.TrainingHistory;
import dev.kiln.examples.Examples;
import dev.kiln.examples.data.GaussianBlobs;
import dev.kiln.init.Xavier;
import dev.kiln.loss.SoftmaxCrossEntropyLoss;
import dev.kiln.metric.Accuracy;
import dev.kiln.nn.Dense;
import dev.kiln.random.Random;
import dev.kiln.trainer.Trainer;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Training with Gluon's kit (issue #9): a small hybridized MLP learns to tell three Gaussian blobs apart with
 * {@link Estimator#fit}, an Adam {@link Trainer}, softmax cross-entropy, accuracy on a validation set, seeded
 * shuffling and initialisation. Writes the training curves ({@code training.csv}, {@code .json}, {@code .png},
 * {@code .svg}) and the trained parameters ({@code training.params}).
 */
public final class TrainingExample {
    /** Epochs trained. */
    public static final int EPOCHS = 5;

    private TrainingExample() {
    }

    /** Runs the example, writing under {@code args[0]} (default {@code ./kiln-examples/training}). */
    public static void main(String[] args) {
        Path dir = Examples.outputDirectory(args, "training");
        GaussianBlobs train = GaussianBlobs.make(300, 3, 1);
        GaussianBlobs val = GaussianBlobs.make(90, 3, 2);
        DataLoader trainData = DataLoader.builder(new ArrayDataset(train.x(), train.label())).batchSize(30)
                .shuffle(true).seed(42).build();
        DataLoader valData = DataLoader.builder(new ArrayDataset(val.x(), val.label())).batchSize(90).build();

        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new Dense(16, "relu"), new Dense(3));
        }
        Random.seed(42);     // the initial weights repeat; the loader's seed fixes the shuffling
        net.initialize(new Xavier());
        net.hybridize();
        Estimator estimator = Estimator.builder(net, new SoftmaxCrossEntropyLoss())
                .trainMetrics(new Accuracy())
                .trainer(new Trainer(net.collectParams(), "adam", Map.of("learning_rate", 0.05)))
                .build();
        TrainingHistory history = estimator.fit(trainData, valData, EPOCHS,
                List.of(new HistoryHandler(dir, "training")));

        for (TrainingHistory.Epoch e : history.epochs()) {
            Map<String, Double> v = e.values();
            System.out.printf("epoch %d: training loss %.4f, training accuracy %.3f, validation loss %.4f, "
                    + "validation accuracy %.3f%n", e.epoch(), v.get("training loss"), v.get("training accuracy"),
                    v.get("validation loss"), v.get("validation accuracy"));
        }
        net.saveParameters(dir.resolve("training.params"));
        System.out.println("wrote training.csv, training.json, training.png, training.svg and training.params to "
                + dir);
    }
}
