package dev.kiln.cli;

import dev.kiln.block.ExportedFiles;
import dev.kiln.block.HybridBlock;
import dev.kiln.block.HybridSequential;
import dev.kiln.block.ParameterValues;
import dev.kiln.init.Uniform;
import dev.kiln.init.Xavier;
import dev.kiln.ndarray.NDArray;
import dev.kiln.nn.Activation;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Flatten;
import dev.kiln.nn.conv.Conv2D;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterSpec;
import dev.kiln.random.Random;

import java.nio.file.Path;
import java.util.List;

/** Small models exported by Kiln in the tests, with inputs and the outputs the original block computed. */
final class ExportedModels {
    private ExportedModels() {
    }

    record Exported(ExportedFiles files, List<NDArray> inputs, List<NDArray> expected, HybridBlock block) {
        Path symbol() {
            return files.symbolFile();
        }

        Path params() {
            return files.paramsFile();
        }
    }

    /** conv (2 channels, 3x3) -> batch norm -> relu -> flatten -> dense (3), on a (2, 1, 5, 5) batch. */
    static Exported cnn(Path dir) {
        Random.seed(7);
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new Conv2D(2, 3), new BatchNorm(), new Activation("relu"), new Flatten(), new Dense(3));
        }
        net.initialize(new Xavier());
        NDArray x = Random.uniform(-1, 1, 2, 1, 5, 5);
        NDArray y = net.call(x);
        return new Exported(net.export(dir.resolve("cnn"), 0), List.of(x), List.of(y), net);
    }

    /** Two inputs of 3 columns and two outputs: {@code x * scale + y} and {@code tanh(x)}. */
    static Exported scaleAdd(Path dir) {
        Random.seed(11);
        ScaleAdd block = new ScaleAdd();
        block.initialize(new Uniform(2));
        NDArray x = Random.uniform(-1, 1, 2, 3);
        NDArray y = Random.uniform(-1, 1, 2, 3);
        List<NDArray> out = block.callAll(List.of(x, y));
        return new Exported(block.export(dir.resolve("scaleadd"), 1), List.of(x, y), out, block);
    }

    static final class ScaleAdd extends HybridBlock {
        ScaleAdd() {
            param("scale", ParameterSpec.of().shape(3));
        }

        NDArray scale() {
            return collectParams().asMap().values().iterator().next().data();
        }

        @Override
        protected <T> List<T> hybridForward(F<T> F, List<T> in, ParameterValues<T> p) {
            return List.of(F.elemwiseAdd(F.broadcastMul(in.get(0), p.get("scale")), in.get(1)), F.tanh(in.get(0)));
        }
    }
}
