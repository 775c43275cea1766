package dev.kiln.examples.unet;

import dev.kiln.block.ExportedFiles;
import dev.kiln.examples.EagerVsHybridized;
import dev.kiln.examples.Examples;
import dev.kiln.init.Xavier;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;

import java.nio.file.Path;

import static dev.kiln.op.surface.ND.nd;

/**
 * Worked example 3 of issue #6: the Flux model-zoo {@link UNet} at base width 2 on a 1-channel 64x64 image: its
 * output shape inferred without running, one eager forward, the same forward hybridized, and the model exported
 * ({@code unet-symbol.json}, {@code unet-0000.params}).
 */
public final class UNetExample {
    private UNetExample() {
    }

    /** Runs the example, writing under {@code args[0]} (default {@code ./kiln-examples/unet}). */
    public static void main(String[] args) {
        Path dir = Examples.outputDirectory(args, "unet");
        UNet net = new UNet(2);
        System.out.println("UNet(2) output shape for (1, 1, 64, 64): " + net.inferShape(Shape.of(1, 1, 64, 64)));
        Random.seed(3);
        net.initialize(new Xavier());
        NDArray x = Random.uniform(-1, 1, 1, 1, 64, 64);
        EagerVsHybridized run = EagerVsHybridized.run(net, x);
        System.out.printf("output range [%.4f, %.4f] (tanh); eager vs hybridized max difference %.2e%n",
                nd.min(run.eager()).getDouble(0), nd.max(run.eager()).getDouble(0), run.maxDifference());
        long count = net.collectParams().asMap().values().stream().mapToLong(p -> p.shape().size()).sum();
        ExportedFiles files = net.export(dir.resolve("unet"), 0);
        System.out.println(count + " parameters; exported " + files.symbolFile() + " and " + files.paramsFile());
    }
}
