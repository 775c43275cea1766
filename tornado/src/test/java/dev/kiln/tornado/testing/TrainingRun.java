package dev.kiln.tornado.testing;

import dev.kiln.autograd.Autograd;
import dev.kiln.block.HybridSequential;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.init.Uniform;
import dev.kiln.loss.L2Loss;
import dev.kiln.ndarray.NDArray;
import dev.kiln.random.Random;
import dev.kiln.trainer.Trainer;

import java.util.function.Supplier;

/**
 * The training loop the tornado training tests share: a network built, initialised from a fixed seed and completed on
 * the batch, hybridized on a backend or left eager, then trained with an L2 loss on a fixed batch.
 */
public final class TrainingRun {
    private TrainingRun() {
    }

    /** The network {@code make} builds, initialised (seed 21) on {@code x}, hybridized on {@code backend} unless null. */
    public static HybridSequential prepare(Supplier<HybridSequential> make, NDArray x, String backend) {
        HybridSequential net = make.get();
        Random.seed(21);
        net.initialize(new Uniform(0.3));
        net.call(x);
        if (backend != null) {
            net.hybridize(HybridizeOptions.builder().backend(backend).inlineLimit(0).build());
        }
        return net;
    }

    /** One step: forward and L2 loss recorded, backward, then {@code trainer} steps with the batch size. */
    public static void step(HybridSequential net, Trainer trainer, NDArray x, NDArray y) {
        NDArray l;
        try (var ignored = Autograd.record()) {
            l = new L2Loss().forward(net.call(x), y);
        }
        l.backward();
        trainer.step(x.shape().get(0));
    }
}
