package dev.kiln.examples.quickstart;

import dev.kiln.autograd.Autograd;
import dev.kiln.block.ExportedFiles;
import dev.kiln.block.HybridBlock;
import dev.kiln.block.HybridSequential;
import dev.kiln.block.ParameterValues;
import dev.kiln.block.SymbolBlock;
import dev.kiln.examples.Examples;
import dev.kiln.init.Xavier;
import dev.kiln.io.NDArrayFile;
import dev.kiln.loss.L2Loss;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.ParameterSpec;
import dev.kiln.random.Random;
import dev.kiln.trainer.Trainer;

import java.nio.file.Path;
import java.util.Map;

import static dev.kiln.op.surface.ND.nd;

/**
 * The README's quick start: a custom {@link HybridBlock} with a deferred parameter and a constant, initialised,
 * hybridized, trained a few steps with a {@link Trainer}, exported, imported again with
 * {@link SymbolBlock#imports}, and checked. The region between the {@code quick-start} markers is copied verbatim
 * into README.md; {@code QuickStartReadmeTest} fails when the two differ.
 */
public final class QuickStart {
    private QuickStart() {
    }

    /** Runs the quick start, writing under {@code args[0]} (default {@code ./kiln-examples/quickstart}). */
    public static void main(String[] args) {
        run(Examples.outputDirectory(args, "quickstart"));
    }

    // quick-start:begin
    /** {@code scale * (x W^T + b)}: W's input width is found on the first call, scale is a constant. */
    static final class ScaledDense extends HybridBlock {
        private final int units;

        ScaledDense(int units, float scale) {
            this.units = units;
            try (var ignored = nameScope()) {
                param("weight", ParameterSpec.of().shape(units, 0).allowDeferredInit(true)); // 0: deferred
                param("bias", ParameterSpec.of().shape(units).init("zeros"));
                constant("scale", NDArray.of(Shape.of(1), scale));  // no gradient, never trained, but exported
            }
        }

        @Override
        protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
            T y = F.fullyConnected(x, p.get("weight"), p.get("bias"), units, Map.of("name", "fwd"));
            return F.broadcastMul(y, p.get("scale"));
        }
    }

    static void run(Path dir) {
        Random.seed(42);                                            // same data and weights on every run
        NDArray x = Random.uniform(-1, 1, 64, 3);                   // 64 samples, 3 features
        NDArray y = nd.sum(x, Map.of("axis", 1, "keepdims", true)); // target: the sum of the features
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new Dense(8, "tanh"), new ScaledDense(1, 2f));
        }
        net.initialize(new Xavier());
        net.hybridize();                                            // traced and compiled on the first call
        Trainer trainer = new Trainer(net.collectParams(), "adam", Map.of("learning_rate", 0.05));
        L2Loss loss = new L2Loss();
        for (int step = 1; step <= 40; step++) {
            NDArray l;
            try (var rec = Autograd.record()) {
                l = loss.forward(net.call(x), y);                   // per-sample loss
            }
            l.backward();
            trainer.step(64);                                       // the constant has no gradient: skipped
            if (step == 1 || step == 40) {
                System.out.printf("step %d: loss %.5f%n", step, nd.mean(l).getDouble(0));
            }
        }
        ExportedFiles files = net.export(dir.resolve("model"), 0);  // model-symbol.json, model-0000.params
        SymbolBlock back = SymbolBlock.imports(files.symbolFile(), files.paramsFile());
        NDArray before = net.call(x);
        NDArray after = back.call(x);
        double diff = nd.max(nd.abs(nd.broadcastSub(before, after))).getDouble(0);
        System.out.printf("exported %s; imported predictions differ by %.3g%n", files.symbolFile(), diff);
        NDArrayFile.save(dir.resolve("sample-input.params"), Map.of("data", x));  // for kiln predict or MXNet
        NDArrayFile.save(dir.resolve("sample-output.params"), Map.of("output", after));
    }
    // quick-start:end
}
