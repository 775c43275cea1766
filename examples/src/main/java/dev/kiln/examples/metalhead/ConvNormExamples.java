package dev.kiln.examples.metalhead;

import dev.kiln.block.HybridSequential;
import dev.kiln.examples.EagerVsHybridized;
import dev.kiln.examples.Examples;
import dev.kiln.init.Xavier;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import dev.kiln.nn.metalhead.ConvNorm;
import dev.kiln.nn.metalhead.NormLayerFactory;
import dev.kiln.random.Random;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Worked example 4 of issue #6: Metalhead's {@code conv_norm((3, 3), 32, 64)} in a sequence, with sigmoid, with a
 * GroupNorm of 4 groups and with a BatchNorm of eps 1e-3; each built, run eagerly and hybridized on the same input,
 * and compared. Writes each sequence's eager output as {@code conv-norm.params}.
 */
public final class ConvNormExamples {
    static final int[] K = {3, 3};

    private ConvNormExamples() {
    }

    static HybridSequential sequence(ConvNorm convNorm) {
        HybridSequential seq = new HybridSequential();
        convNorm.build().forEach(seq::add);
        return seq;
    }

    /** {@code conv_norm((3, 3), 32, 64)}: convolution, BatchNorm, relu. */
    public static HybridSequential plain() {
        return sequence(ConvNorm.of(K, 32, 64));
    }

    /** The same with a sigmoid activation. */
    public static HybridSequential withSigmoid() {
        return sequence(ConvNorm.of(K, 32, 64).activation("sigmoid"));
    }

    /** The same with a GroupNorm of 4 groups. */
    public static HybridSequential withGroupNorm() {
        return sequence(ConvNorm.of(K, 32, 64).normLayer(NormLayerFactory.groupNorm(4)));
    }

    /** The same with a BatchNorm of eps 1e-3. */
    public static HybridSequential withBatchNormEps() {
        return sequence(ConvNorm.of(K, 32, 64).normLayer(NormLayerFactory.batchNorm(1e-3)));
    }

    /** Runs the example, writing under {@code args[0]} (default {@code ./kiln-examples/metalhead}). */
    public static void main(String[] args) {
        Path dir = Examples.outputDirectory(args, "metalhead");
        Random.seed(4);
        NDArray x = Random.uniform(-1, 1, 2, 32, 6, 6);
        Map<String, HybridSequential> sequences = new LinkedHashMap<>();
        sequences.put("plain", plain());
        sequences.put("sigmoid", withSigmoid());
        sequences.put("groupnorm", withGroupNorm());
        sequences.put("batchnorm-eps", withBatchNormEps());
        Map<String, NDArray> outputs = new LinkedHashMap<>();
        sequences.forEach((name, seq) -> {
            seq.initialize(new Xavier());
            EagerVsHybridized run = EagerVsHybridized.run(seq, x);
            System.out.printf("%s: %s -> output %s, eager vs hybridized max difference %.2e%n", name,
                    seq.toString().replace('\n', ' ').replaceAll(" +", " "), run.eager().shape(), run.maxDifference());
            outputs.put(name, run.eager());
        });
        Path file = dir.resolve("conv-norm.params");
        NDArrayFile.save(file, outputs);
        System.out.println("wrote " + file);
    }
}
