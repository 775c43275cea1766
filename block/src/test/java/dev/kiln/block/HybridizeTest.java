package dev.kiln.block;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.init.Constant;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import dev.kiln.nn.Dropout;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.op.Ops;
import dev.kiln.parameter.Parameter;
import dev.kiln.random.Random;
import dev.kiln.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(dev.kiln.testing.FreshNames.class)
class HybridizeTest {
    private static HybridSequential mlp() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new Dense(5, "relu"), new Dense(3));
        }
        net.initialize();
        return net;
    }

    private static NDArray input(int rows, int cols, long seed) {
        Random.seed(seed);
        return Ops.call("_random_uniform", Map.of("low", -1.0, "high", 1.0, "shape", Shape.of(rows, cols)));
    }

    @Test
    void hybridizedCallsComputeWhatEagerCallsCompute() {
        HybridSequential net = mlp();
        NDArray x = input(4, 6, 1);
        NDArray eager = net.call(x);
        net.hybridize();
        assertThat(net.isHybridized()).isTrue();
        NDArray hybrid = net.call(x);
        assertThat(hybrid).isCloseTo(eager, 1e-6, 1e-7);
        assertThat(net.cacheStats().misses()).isEqualTo(1);
        net.call(x);
        assertThat(net.cacheStats().hits()).isEqualTo(1);
        net.hybridize(false);
        assertThat(net.isHybridized()).isFalse();
        assertThat(net.call(x)).isCloseTo(eager, 1e-6, 1e-7);
        assertThat(net.cacheStats().misses()).isZero();
    }

    @Test
    void firstHybridizedCallCompletesDeferredParameters() {
        HybridSequential net = mlp();
        net.hybridize();
        Parameter w = net.collectParams().parameter(net.get(0).prefix() + "weight");
        assertThat(w.isDeferred()).isTrue();
        NDArray y = net.call(input(2, 7, 2));
        assertThat(y).hasShape(2, 3);
        assertThat(w.data()).hasShape(5, 7);
    }

    @Test
    void hybridizeReachesHybridChildrenOfPlainContainers() {
        Sequential outer = new Sequential();
        HybridSequential inner = mlp();
        outer.add(inner);
        outer.hybridize();
        assertThat(inner.isHybridized()).isTrue();
        assertThat(((HybridBlock) inner.get(0)).isHybridized()).isTrue();
        outer.call(input(2, 3, 3));
        assertThat(inner.cacheStats().misses()).isEqualTo(1);
        outer.hybridize(false);
        assertThat(inner.isHybridized()).isFalse();
    }

    @Test
    void shapesOfOneRankShareAGraphUnlessShapesAreStatic() {
        HybridSequential net = mlp();
        net.hybridize();
        net.call(input(2, 4, 1));
        net.call(input(5, 4, 1));
        assertThat(net.cacheStats().misses()).isEqualTo(1);
        assertThat(net.cacheStats().hits()).isEqualTo(1);

        net.hybridize(HybridizeOptions.builder().staticAlloc(true).staticShape(true).build());
        net.call(input(2, 4, 1));
        NDArray y = net.call(input(5, 4, 1));
        assertThat(y).hasShape(5, 3);
        assertThat(net.cacheStats().misses()).isEqualTo(2);
        assertThat(net.cacheStats().lastMiss()).contains("argument 'data' shape (5, 4), cached (2, 4)");
    }

    @Test
    void compiledGraphsListsTheGraphOfEachSignatureWithItsMemoryPlan() {
        HybridSequential net = mlp();
        NDArray x = input(4, 6, 1);
        net.call(x);
        assertThat(net.compiledGraphs()).isEmpty();
        net.hybridize(HybridizeOptions.builder().staticAlloc(true).staticShape(true).build());
        net.call(x);
        assertThat(net.compiledGraphs()).hasSize(1);
        assertThat(net.compiledGraphs().get(0).request().needsGradients()).isFalse();
        var plan = net.compiledGraphs().get(0).memoryPlan();
        assertThat(plan.unplannedBytes()).isPositive();
        assertThat(plan.plannedBytes()).isPositive().isLessThanOrEqualTo(plan.unplannedBytes());

        NDArray y;
        try (var ignored = Autograd.record()) {
            y = net.call(x);
        }
        Autograd.backward(List.of(y), null, false);
        assertThat(net.compiledGraphs()).hasSize(2);
        assertThat(net.compiledGraphs().get(1).request().needsGradients()).isTrue();
        net.hybridize(false);
        assertThat(net.compiledGraphs()).isEmpty();
    }

    @Test
    void modeAndDtypeSelectTheirOwnGraphs() {
        HybridSequential net = mlp();
        net.hybridize();
        NDArray x = input(2, 4, 1);
        net.call(x);
        try (var ignored = Autograd.trainMode()) {
            net.call(x);
        }
        assertThat(net.cacheStats().lastMiss()).contains("mode training, cached predict");
        net.cast(DType.FLOAT64);
        NDArray y = net.call(x.astype(DType.FLOAT64));
        assertThat(y).hasDType(DType.FLOAT64);
        assertThat(net.cacheStats().lastMiss()).contains("dtype float64, cached float32");
    }

    @Test
    void aFullCacheEvictsTheOldestGraphWithAWarning() {
        HybridSequential net = mlp();
        net.hybridize(HybridizeOptions.builder().staticAlloc(true).staticShape(true).cacheSize(2).build());
        List<LogRecord> records;
        try (var logs = LogCapture.of("dev.kiln.hybrid")) {
            for (int rows = 1; rows <= 3; rows++) {
                net.call(input(rows, 4, rows));
            }
            records = logs.records();
        }
        assertThat(net.cacheStats().evictions()).isEqualTo(1);
        assertThat(net.cacheStats().size()).isEqualTo(2);
        assertThat(records).anySatisfy(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.WARNING);
            assertThat(r.getMessage()).contains("cache is full (2 graphs)").contains("(1, 4)");
        });
    }

    @Test
    void aTracedGraphWithoutOpsReturnsItsInputsWithNothingCompiled() {
        Identity id = new Identity();
        id.hybridize();
        NDArray x = input(2, 3, 4);
        assertThat(id.call(x)).isSameAs(x);
        try (var ignored = Autograd.record()) {
            assertThat(id.call(x)).isSameAs(x);
        }
        assertThat(id.cacheStats().misses()).isZero();
    }

    @Test
    void optionsAreValidatedWhenBuilt() {
        assertThatThrownBy(() -> HybridizeOptions.builder().staticShape(true).build())
                .isInstanceOf(KilnException.class).hasMessageContaining("staticShape requires staticAlloc");
        assertThatThrownBy(() -> HybridizeOptions.builder().backend("tpu").build())
                .hasMessageContaining("unknown compiler backend 'tpu'").hasMessageContaining("interpreter");
        assertThatThrownBy(() -> HybridizeOptions.builder().cacheSize(0).build())
                .hasMessageContaining("cacheSize must be >= 1");
        assertThatThrownBy(() -> HybridizeOptions.builder().inlineLimit(-1).build())
                .hasMessageContaining("inlineLimit must be >= 0");
    }

    @Test
    void absentOptionalInputsGetTheirOwnGraph() {
        HybridBlock addMaybe = new HybridBlock() {
            @Override
            protected <T> List<T> hybridForward(dev.kiln.op.surface.F<T> F, List<T> in, ParameterValues<T> p) {
                T y = F.mulScalar(in.get(0), 2.0);
                return List.of(in.get(1) == null ? y : F.elemwiseAdd(y, in.get(1)));
            }
        };
        addMaybe.hybridize();
        NDArray x = NDArray.of(Shape.of(2), 1f, 2f);
        assertThat(addMaybe.callAll(Arrays.asList(x, null)).get(0)).isCloseTo(new double[] {2, 4}, 0, 0);
        assertThat(addMaybe.callAll(Arrays.asList(x, x)).get(0)).isCloseTo(new double[] {3, 6}, 0, 0);
        assertThat(addMaybe.cacheStats().misses()).isEqualTo(2);
        assertThat(addMaybe.cacheStats().lastMiss()).contains("optional inputs present [true, true], cached [true, "
                + "false]");
    }

    // ---- training ------------------------------------------------------------------------------------------

    /** Forward and backward of {@code loss(net(x))} under record; returns the gradients of the parameters. */
    private static Map<String, NDArray> gradients(Block net, NDArray x) {
        NDArray y;
        try (var ignored = Autograd.record()) {
            y = Ops.call("sum", Ops.call("square", net.call(x)));
        }
        y.backward();
        Map<String, NDArray> out = new java.util.LinkedHashMap<>();
        net.collectParams().asMap().forEach((k, p) -> {
            if (p.gradReq() != GradReq.NULL) {
                out.put(k, p.grad().copy());
            }
        });
        return out;
    }

    @Test
    void trainingThroughTheCompiledGraphGivesEagerGradients() {
        HybridSequential net = mlp();
        NDArray x = input(4, 6, 5);
        Map<String, NDArray> eager = gradients(net, x);
        net.hybridize(HybridizeOptions.builder().inlineLimit(0).build());
        try (var ignored = Autograd.trainMode()) {
            net.call(x);
        }
        Map<String, NDArray> hybrid = gradients(net, x);
        assertThat(hybrid.keySet()).isEqualTo(eager.keySet());
        eager.forEach((k, g) -> assertThat(hybrid.get(k)).as(k).isCloseTo(g, 1e-5, 1e-6));
        assertThat(net.cacheStats().lastMiss()).contains("needs gradient");
    }

    @Test
    void gradReqAddAccumulatesAndNullLeavesAParameterAlone() {
        HybridSequential net = mlp();
        net.hybridize(HybridizeOptions.builder().inlineLimit(0).build());
        NDArray x = input(3, 4, 6);
        net.call(x);
        Parameter w0 = net.collectParams().parameter(net.get(0).prefix() + "weight");
        Parameter b1 = net.collectParams().parameter(net.get(1).prefix() + "bias");
        w0.setGradReq(GradReq.ADD);
        b1.setGradReq(GradReq.NULL);
        NDArray once = gradients(net, x).get(w0.name());
        NDArray twice = gradients(net, x).get(w0.name());
        assertThat(twice).isCloseTo(Ops.call("_mul_scalar", Map.of("scalar", 2.0), once), 1e-5, 1e-6);
        assertThat(gradients(net, x)).doesNotContainKey(b1.name());
    }

    @Test
    void gradientsFlowIntoAndOutOfAHybridizedBlockInsideEagerCode() {
        HybridSequential net = mlp();
        NDArray x = input(2, 4, 7);
        net.call(x);
        NDArray[] grads = new NDArray[2];
        for (int pass = 0; pass < 2; pass++) {
            if (pass == 1) {
                net.hybridize(HybridizeOptions.builder().inlineLimit(0).build());
            }
            NDArray v = x.copy().attachGrad();
            NDArray loss;
            try (var ignored = Autograd.record()) {
                NDArray h = Ops.call("tanh", v);
                NDArray y = net.call(Ops.call("_mul_scalar", Map.of("scalar", 3.0), h));
                loss = Ops.call("sum", Ops.call("elemwise_mul", y, y));
            }
            loss.backward();
            grads[pass] = v.grad().copy();
        }
        assertThat(Ops.call("norm", grads[0]).getDouble(0)).isGreaterThan(0);
        assertThat(grads[1]).isCloseTo(grads[0], 1e-5, 1e-6);
    }

    @Test
    void smallGraphsWithinTheInlineLimitGoOnTheTapeOpByOp() {
        Dense d = new Dense(2);
        d.initialize(new Constant(0.25));
        d.hybridize(); // FullyConnected is one op, within MXNet's default limit of 2
        NDArray x = input(2, 3, 8);
        gradients(d, x);
        assertThat(d.cacheStats().misses()).isZero();
        assertThat(d.weight().grad()).hasShape(2, 3);
    }

    @Test
    void batchNormUpdatesRunningStatisticsHybridizedAsEagerly() {
        NDArray x = input(8, 3, 9);
        BatchNorm[] bns = new BatchNorm[2];
        Map<String, NDArray>[] grads = new Map[2];
        for (int pass = 0; pass < 2; pass++) {
            BatchNorm bn = BatchNorm.builder().momentum(0.8).build();
            bn.initialize();
            if (pass == 1) {
                bn.hybridize(HybridizeOptions.builder().inlineLimit(0).build());
            }
            grads[pass] = gradients(bn, x);
            gradients(bn, Ops.call("_mul_scalar", Map.of("scalar", 2.0), x));
            bns[pass] = bn;
        }
        assertThat(bns[1].runningMean().data()).isCloseTo(bns[0].runningMean().data(), 1e-6, 1e-7);
        assertThat(bns[1].runningVar().data()).isCloseTo(bns[0].runningVar().data(), 1e-6, 1e-7);
        assertThat(bns[0].runningMean().data().getDouble(0)).isNotEqualTo(0.0);
        grads[0].forEach((k, g) -> assertThat(grads[1].get(k.replace("batchnorm0", "batchnorm1"))).isCloseTo(g,
                1e-5, 1e-6));
        // predict mode reads the running statistics and leaves them alone
        NDArray before = bns[1].runningMean().data().copy();
        NDArray predicted = bns[1].call(x);
        assertThat(bns[1].runningMean().data()).isEqualTo(before);
        assertThat(predicted).isCloseTo(bns[0].call(x), 1e-6, 1e-7);
    }

    @Test
    void dropoutHybridizedDrawsTheMaskEagerDropoutDraws() {
        Dropout drop = new Dropout(0.5);
        NDArray x = NDArray.ones(4, 8);
        NDArray[] outs = new NDArray[2];
        NDArray[] grads = new NDArray[2];
        for (int pass = 0; pass < 2; pass++) {
            if (pass == 1) {
                drop.hybridize(HybridizeOptions.builder().inlineLimit(0).build());
            }
            Random.seed(42);
            NDArray v = x.copy().attachGrad();
            NDArray loss;
            try (var ignored = Autograd.record()) {
                outs[pass] = drop.call(v);
                loss = Ops.call("sum", outs[pass]);
            }
            loss.backward();
            grads[pass] = v.grad().copy();
        }
        assertThat(outs[1]).isEqualTo(outs[0]);
        assertThat(grads[1]).isEqualTo(grads[0]);
        assertThat(drop.cacheStats().misses()).isEqualTo(1);
        assertThat(drop.call(x)).isEqualTo(x); // predict mode: identity
    }
}
