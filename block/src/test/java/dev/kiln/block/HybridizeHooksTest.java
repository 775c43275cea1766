package dev.kiln.block;

import dev.kiln.autograd.Autograd;
import dev.kiln.compiler.Backends;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.nn.Activation;
import dev.kiln.nn.Dense;
import dev.kiln.nn.norm.BatchNorm;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(dev.kiln.testing.FreshNames.class)
class HybridizeHooksTest {
    private static HybridSequential net() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new Dense(4), new Activation("relu"), new Dense(2));
        }
        net.initialize();
        return net;
    }

    private static NDArray input() {
        return NDArray.of(Shape.of(2, 3), 1f, -2f, 3f, -4f, 5f, -6f);
    }

    /** Records what a hook on the middle child sees: its input and output values. */
    private static List<NDArray[]> hookMiddle(HybridSequential net) {
        List<NDArray[]> seen = new ArrayList<>();
        net.get(1).registerForwardPreHook((b, in) -> seen.add(new NDArray[] {(NDArray) in.get(0)}));
        net.get(1).registerForwardHook((b, in, out) -> seen.add(new NDArray[] {(NDArray) in.get(0),
                (NDArray) out.get(0)}));
        return seen;
    }

    @Test
    void forwardHooksOfChildrenSeeTheSameArraysHybridizedAsEagerly() {
        HybridSequential net = net();
        List<NDArray[]> seen = hookMiddle(net);
        NDArray x = input();
        NDArray eager = net.call(x);
        net.hybridize();
        NDArray hybrid = net.call(x);
        assertThat(hybrid).isCloseTo(eager, 1e-6, 1e-7);
        assertThat(seen).hasSize(4);
        assertThat(seen.get(2)[0]).isCloseTo(seen.get(0)[0], 1e-6, 1e-7); // pre-hook input
        assertThat(seen.get(3)[0]).isCloseTo(seen.get(1)[0], 1e-6, 1e-7); // hook input
        assertThat(seen.get(3)[1]).isCloseTo(seen.get(1)[1], 1e-6, 1e-7); // hook output
        assertThat(seen.get(3)[1]).isCloseTo(Ops.call("relu", seen.get(3)[0]), 0, 0);
    }

    @Test
    void hooksRegisteredAfterTheFirstHybridizedCallAreHonoured() {
        HybridSequential net = net();
        net.hybridize();
        net.call(input());
        List<NDArray[]> seen = hookMiddle(net);
        net.call(input());
        assertThat(seen).hasSize(2);
        assertThat(seen.get(1)[1]).hasShape(2, 4);
    }

    @Test
    void hooksOnAHybridizedChildRunWhileTrainingAndGradientsStayRight() {
        HybridSequential net = net();
        List<NDArray[]> seen = hookMiddle(net);
        NDArray x = input();
        net.call(x);
        net.hybridize(HybridizeOptions.builder().inlineLimit(0).build());
        NDArray y;
        try (var ignored = Autograd.record()) {
            y = Ops.call("sum", net.call(x));
        }
        y.backward();
        assertThat(seen).hasSize(4);
        NDArray hybridGrad = ((Dense) net.get(0)).weight().grad().copy();
        net.hybridize(false);
        try (var ignored = Autograd.record()) {
            y = Ops.call("sum", net.call(x));
        }
        y.backward();
        assertThat(hybridGrad).isCloseTo(((Dense) net.get(0)).weight().grad(), 1e-5, 1e-6);
    }

    @Test
    void opHooksReportEveryOpOutputByNodeName() {
        HybridSequential net = net();
        net.hybridize();
        Map<String, NDArray> values = new LinkedHashMap<>();
        List<String> ops = new ArrayList<>();
        HookHandle handle = net.registerOpHook((name, op, v) -> {
            values.put(name, v);
            ops.add(op);
        });
        NDArray y = net.call(input());
        String d0 = net.get(0).prefix();
        String d1 = net.get(2).prefix();
        assertThat(values.keySet()).containsExactly(d0 + "fwd_output", net.get(1).prefix() + "fwd_output",
                d1 + "fwd_output");
        assertThat(ops).containsExactly("FullyConnected", "Activation", "FullyConnected");
        assertThat(values.get(d1 + "fwd_output")).isCloseTo(y, 0, 0);
        handle.detach();
        values.clear();
        net.call(input());
        assertThat(values).isEmpty();
    }

    @Test
    void monitorAllAlsoReportsOpInputs() {
        HybridSequential net = net();
        net.hybridize();
        Map<String, NDArray> values = new LinkedHashMap<>();
        net.registerOpHook((name, op, v) -> values.put(name, v), true);
        NDArray x = input();
        net.call(x);
        String d0 = net.get(0).prefix();
        assertThat(values).containsKeys(d0 + "fwd_data", d0 + "fwd_weight", d0 + "fwd_bias", d0 + "fwd_output");
        assertThat(values.get(d0 + "fwd_data")).isEqualTo(x);
        assertThat(values.get(d0 + "fwd_weight")).isEqualTo(((Dense) net.get(0)).weight().data());
    }

    @Test
    void explainShowsTheTracedAndCompiledGraphsWithShapesAndMemory() {
        HybridSequential net = new HybridSequential();
        try (var ignored = net.nameScope()) {
            net.add(new Dense(4), BatchNorm.builder().build());
        }
        net.initialize();
        assertThat(net.explain()).contains("runs eagerly");
        net.hybridize(HybridizeOptions.builder().inlineLimit(0).build());
        assertThat(net.explain()).contains("no graph compiled yet");
        NDArray x = input();
        net.call(x);
        NDArray y;
        try (var ignored = Autograd.record()) {
            y = Ops.call("sum", net.call(x));
        }
        y.backward();
        String text = net.explain();
        String backend = Backends.defaultName();
        assertThat(text).contains("backend " + backend).contains("cache: 2 of 32 graphs")
                .contains("-- as traced --").contains("-- as compiled (" + backend + ", forward) --")
                .contains("-- as compiled (" + backend + ", forward and backward) --")
                .contains("FullyConnected").contains("(2, 4) float32").contains("_backward_BatchNorm")
                .contains("memory: ").contains("planned");
    }
}
