package example.anomaly;

import dev.kiln.anomaly.Anomaly;
import dev.kiln.anomaly.NumericAnomalyException;
import dev.kiln.autograd.Autograd;
import dev.kiln.block.HybridBlock;
import dev.kiln.block.HybridSequential;
import dev.kiln.block.ParameterValues;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.init.Constant;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Dense;
import dev.kiln.op.Ops;
import dev.kiln.op.surface.F;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Anomaly mode seen from user code: this package is outside Kiln, as an application's would be, so the call sites
 * reported are this file's lines.
 */
@ExtendWith(dev.kiln.testing.FreshNames.class)
class AnomalyModeTest {
    private static final String FILE = "AnomalyModeTest.java";
    /** The line of the op call in {@link Unary}, taken from a stack trace of its own. */
    private static int opLine;
    private static int backwardLine;

    private static int here() {
        return new Throwable().getStackTrace()[1].getLineNumber();
    }

    @AfterEach
    void globalModeIsOff() {
        Anomaly.setEnabled(false);
        assertThat(Anomaly.isEnabled()).isFalse();
    }

    /** {@code log(x)} (NaN for negative x) or {@code sqrt(x)} (whose gradient at 0 is +inf), applied on one line. */
    static final class Unary extends HybridBlock {
        private final String op;

        Unary(String op) {
            super(null, null, op + "block");
            this.op = op;
        }

        @Override
        protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
            opLine = here() + 1;
            return op.equals("log") ? F.log(x, Map.of("name", op)) : F.sqrt(x, Map.of("name", op));
        }
    }

    /** Dense(2 -> 2) with every weight {@code w} and zero bias, then {@code last}. */
    private static HybridSequential denseThen(double w, HybridBlock last) {
        HybridSequential net = new HybridSequential();
        net.add(Dense.builder(2).inUnits(2).weightInitializer(new Constant(w)).build(), last);
        net.initialize();
        return net;
    }

    /** A root block holding {@code net} as its child {@code body}: paths read {@code outer0.body...}. */
    static final class Outer extends HybridBlock {
        final HybridBlock body;

        Outer(HybridBlock inner) {
            super(null, null, "outer");
            body = registerChild(inner, "body");
        }

        @Override
        protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
            return body.call(F, x);
        }
    }

    private static NDArray ones() {
        return NDArray.of(Shape.of(1, 2), 1f, 1f);
    }

    @Test
    void logOfANegativeDenseOutputIsReportedWithOpBlockPathAndLine() {
        HybridSequential net = denseThen(-1, new Unary("log"));
        NumericAnomalyException e;
        try (var scope = Anomaly.detect()) {
            e = catchThrowableOfType(NumericAnomalyException.class, () -> net.call(ones()));
        }
        assertThat(e).isNotNull();
        assertThat(e.opName()).isEqualTo("log");
        assertThat(e.phase()).isEqualTo("forward");
        assertThat(e.isBackward()).isFalse();
        assertThat(e.blockPath()).isEqualTo("hybridsequential0.1");
        assertThat(e.nodeName()).isNull();
        assertThat(e.inputsFinite()).isTrue();
        assertThat(e.callSite()).isEqualTo(Unary.class.getName() + ".hybridForward(" + FILE + ":" + opLine + ")");
        assertThat(e.getMessage()).startsWith("numeric anomaly: op 'log' produced NaN in the forward pass, from "
                + "finite inputs").contains("block: hybridsequential0.1").contains("2 NaN, 0 +inf, 0 -inf of 2 "
                + "values, the first at flat index 0").contains("inputs: data float32 (1, 2)");
    }

    @Test
    void divisionByZeroNamesTheLineThatCalledTheOp() {
        NDArray x = NDArray.of(Shape.of(3), 1f, -2f, 0f);
        NDArray zero = NDArray.zeros(3);
        NumericAnomalyException e;
        int line;
        try (var scope = Anomaly.detect()) {
            line = here() + 1;
            e = catchThrowableOfType(NumericAnomalyException.class, () -> Ops.call("elemwise_div", x, zero));
        }
        assertThat(e.opName()).isEqualTo("elemwise_div");
        assertThat(e.blockPath()).isNull();
        assertThat(e.callSite()).contains("(" + FILE + ":" + line + ")");
        assertThat(e.getMessage()).contains("produced NaN and +inf and -inf")
                .contains("1 NaN, 1 +inf, 1 -inf of 3 values, the first at flat index 0")
                .contains("inputs: lhs float32 (3,); rhs float32 (3,)");
    }

    @Test
    void overflowInAKilnLayerNamesTheLayerAndTheUsersLineWithAttributes() {
        HybridSequential net = new HybridSequential();
        net.add(Dense.builder(3).inUnits(2).weightInitializer(new Constant(1e30)).build());
        net.initialize();
        NDArray x = NDArray.of(Shape.of(1, 2), 1e30f, 1e30f);
        NumericAnomalyException e;
        int line;
        try (var scope = Anomaly.detect()) {
            line = here() + 1;
            e = catchThrowableOfType(NumericAnomalyException.class, () -> net.call(x));
        }
        assertThat(e.opName()).isEqualTo("FullyConnected");
        assertThat(e.attributes()).containsEntry("num_hidden", "3");
        assertThat(e.blockPath()).isEqualTo("hybridsequential0.0");
        assertThat(e.callSite()).startsWith("dev.kiln.nn.Dense.hybridForward(Dense.java:")
                .contains(", called from " + getClass().getName() + ".").endsWith("(" + FILE + ":" + line + ")");
        assertThat(e.getMessage()).contains("produced +inf").contains("attributes: {num_hidden=3");
    }

    @Test
    void expOverflowIsInfinityFromFiniteInputs() {
        NumericAnomalyException e;
        try (var scope = Anomaly.detect()) {
            e = catchThrowableOfType(NumericAnomalyException.class,
                    () -> Ops.call("exp", NDArray.of(Shape.of(2), 1f, 100f)));
        }
        assertThat(e.opName()).isEqualTo("exp");
        assertThat(e.inputsFinite()).isTrue();
        assertThat(e.getMessage()).contains("0 NaN, 1 +inf, 0 -inf of 2 values, the first at flat index 1");
    }

    @Test
    void aNonFiniteInputIsReportedAsComingFromOutside() {
        NumericAnomalyException e;
        try (var scope = Anomaly.detect()) {
            e = catchThrowableOfType(NumericAnomalyException.class,
                    () -> Ops.call("relu", NDArray.of(Shape.of(2), Float.NaN, 1f)));
        }
        assertThat(e.opName()).isEqualTo("relu");
        assertThat(e.inputsFinite()).isFalse();
        assertThat(e.getMessage()).contains("an input already held non-finite values")
                .contains("data float32 (2,) (1 NaN, 0 +inf, 0 -inf of 2 values, the first at flat index 0)");
    }

    @Test
    void infiniteGradientOfSqrtAtZeroIsReportedInBackwardWithTheForwardLine() {
        HybridSequential net = new HybridSequential();
        net.add(new Unary("sqrt"));
        net.initialize();
        NumericAnomalyException e = backwardAnomaly(net);
        assertThat(e.isBackward()).isTrue();
        assertThat(e.backwardOf()).isEqualTo("sqrt");
        assertThat(e.phase()).isEqualTo("backward of 'sqrt'");
        assertThat(e.blockPath()).isEqualTo("hybridsequential0.0");
        assertThat(e.callSite()).isEqualTo(Unary.class.getName() + ".hybridForward(" + FILE + ":" + opLine + ")");
        assertThat(e.getMessage()).contains("in the backward pass of 'sqrt', from finite inputs")
                .contains("forward applied at: " + e.callSite())
                .containsPattern("backward called from: example\\.anomaly\\.AnomalyModeTest\\.lambda\\$\\w+\\$\\d+\\("
                        + FILE + ":" + backwardLine + "\\)");
    }

    private static NumericAnomalyException backwardAnomaly(HybridBlock net) {
        NDArray x = NDArray.of(Shape.of(1, 2), 0f, 4f).attachGrad();
        try (var scope = Anomaly.detect()) {
            NDArray y;
            try (var rec = Autograd.record()) {
                y = net.call(x);
            }
            backwardLine = here() + 1;
            return catchThrowableOfType(NumericAnomalyException.class, () -> y.backward());
        }
    }

    @Test
    void finiteModelsTrainWithoutReportsAndWithTheSameValues() {
        HybridSequential net = new HybridSequential();
        net.add(new Dense(4, "relu"), new Dense(3, "tanh"), new Dense(1));
        net.initialize();
        NDArray x = NDArray.of(Shape.of(2, 3), 0.5f, -1f, 2f, 0f, 3f, -0.25f);
        float[] plain = gradOfFirstWeight(net, x);
        float[] checked;
        try (var scope = Anomaly.detect()) {
            checked = gradOfFirstWeight(net, x);
            net.hybridize();
            assertThat(gradOfFirstWeight(net, x)).containsExactly(checked);
        }
        assertThat(checked).containsExactly(plain);
    }

    private static float[] gradOfFirstWeight(HybridSequential net, NDArray x) {
        try (var rec = Autograd.record()) {
            net.call(x).backward();
        }
        return net.collectParams().values().iterator().next().grad().toFloatArray();
    }

    @Test
    void nestedBlocksReportTheFullPath() {
        Outer net = new Outer(new Outer(denseThen(-1, new Unary("log"))));
        net.initialize();
        NumericAnomalyException e;
        try (var scope = Anomaly.detect()) {
            e = catchThrowableOfType(NumericAnomalyException.class, () -> net.call(ones()));
        }
        assertThat(e.blockPath()).isEqualTo(net.name() + ".body.body.1");
        assertThat(e.opName()).isEqualTo("log");
    }

    @Test
    void hybridizedForwardReportsTheSameOpBlockAndLineAsEagerWithItsNode() {
        HybridSequential eager = denseThen(-1, new Unary("log"));
        Unary log = new Unary("log");
        HybridSequential hybrid = denseThen(-1, log);
        hybrid.hybridize();
        try (var scope = Anomaly.detect()) {
            NumericAnomalyException a = catchThrowableOfType(NumericAnomalyException.class,
                    () -> eager.call(ones()));
            NumericAnomalyException b = catchThrowableOfType(NumericAnomalyException.class,
                    () -> hybrid.call(ones()));
            assertThat(b.opName()).isEqualTo(a.opName());
            assertThat(b.callSite()).isEqualTo(a.callSite());
            assertThat(b.blockPath()).isEqualTo("hybridsequential1.1");
            assertThat(a.blockPath()).isEqualTo("hybridsequential0.1");
            assertThat(b.nodeName()).isEqualTo(log.name() + "_log");
            assertThat(b.getMessage()).contains("graph node: " + log.name() + "_log")
                    .contains("traced at: " + a.callSite());
        }
    }

    @Test
    void hybridizedBackwardReportsTheSameForwardOpBlockAndLineAsEager() {
        for (int inline : new int[] {2, 0}) { // op by op on the tape, and one compiled-graph step
            HybridSequential eager = new HybridSequential();
            eager.add(new Unary("sqrt"));
            HybridSequential hybrid = new HybridSequential();
            Unary sqrt = new Unary("sqrt");
            hybrid.add(sqrt);
            hybrid.hybridize(HybridizeOptions.builder().inlineLimit(inline).build());
            NumericAnomalyException a = backwardAnomaly(eager);
            NumericAnomalyException b = backwardAnomaly(hybrid);
            assertThat(b.backwardOf()).isEqualTo("sqrt");
            assertThat(b.opName()).isEqualTo(a.opName());
            assertThat(b.callSite()).isEqualTo(a.callSite());
            assertThat(b.blockPath()).isEqualTo(hybrid.name() + ".0");
            assertThat(b.nodeName()).startsWith(sqrt.name() + "_sqrt");
        }
    }

    @Test
    void offModeLetsNaNFlowSilently() {
        HybridSequential net = denseThen(-1, new Unary("log"));
        NDArray y = net.call(ones());
        assertThat(Float.isNaN(y.toFloatArray()[0])).isTrue();
        try (var on = Anomaly.detect(); var off = Anomaly.detect(Anomaly.Mode.OFF)) {
            assertThat(Float.isNaN(net.call(ones()).toFloatArray()[1])).isTrue();
        }
    }

    @Test
    void aScopeChecksOnlyItsOwnThreadWhileTheGlobalSwitchChecksEveryThread() throws Exception {
        AtomicReference<Throwable> other = new AtomicReference<>();
        Runnable nan = () -> {
            try {
                Ops.call("log", NDArray.of(Shape.of(1), -1f));
            } catch (Throwable t) {
                other.set(t);
            }
        };
        try (var scope = Anomaly.detect()) {
            Thread t = new Thread(nan);
            t.start();
            t.join();
            assertThat(other.get()).isNull();
        }
        Anomaly.setEnabled(true);
        Thread t = new Thread(nan);
        t.start();
        t.join();
        assertThat(other.get()).isInstanceOf(NumericAnomalyException.class);
    }
}
