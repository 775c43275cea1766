package dev.kiln.graph.gradient;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.graph.Interpreter;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.op.custom.CustomOp;
import dev.kiln.op.custom.CustomOpProp;
import dev.kiln.op.custom.CustomOps;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static dev.kiln.symbol.Sym.sym;
import static dev.kiln.testing.NDArrayAssert.assertThat;

/** A user's {@code Custom} op differentiated inside a graph: its gradient rule reads the op's hidden state output. */
class CustomOpGraphGradientTest {

    /** {@code y = x^3} with the hand-written gradient {@code 3 x^2 dy}. */
    static final class CubeProp extends CustomOpProp {
        @Override
        public CustomOp createOperator(Device device, List<Shape> inShapes, List<DType> inTypes) {
            return new CustomOp() {
                @Override
                public void forward(boolean isTrain, List<GradReq> req, List<NDArray> inData,
                                    List<NDArray> outData, List<NDArray> aux) {
                    NDArray x = inData.get(0);
                    assign(outData.get(0), req.get(0), Ops.call("elemwise_mul", x, Ops.call("square", x)));
                }

                @Override
                public void backward(List<GradReq> req, List<NDArray> outGrad, List<NDArray> inData,
                                     List<NDArray> outData, List<NDArray> inGrad, List<NDArray> aux) {
                    NDArray slope = Ops.call("_mul_scalar", Map.of("scalar", 3.0), Ops.call("square", inData.get(0)));
                    assign(inGrad.get(0), req.get(0), Ops.call("elemwise_mul", slope, outGrad.get(0)));
                }
            };
        }
    }

    static {
        CustomOps.register("graph_test_cube", kw -> new CubeProp());
    }

    @Test
    void aCustomOpsGradientInAGraphEqualsEagerAutogradAndItsHandWrittenRule() {
        Symbol y = sym.sin(sym.call("Custom", Map.of("op_type", "graph_test_cube", "name", "cube"),
                Symbol.var("x")), Map.of("name", "s"));
        GradientGraph gg = GraphGradient.of(y.graph()).wrt("x").build();
        NDArray x = NDArray.of(Shape.of(3), DType.FLOAT64, 0.5, -1.25, 2);
        NDArray head = NDArray.of(Shape.of(3), DType.FLOAT64, 1, -0.5, 2);
        Map<String, NDArray> feed = new HashMap<>();
        feed.put("x", x);
        feed.put(gg.headGradients().get(0), head);
        NDArray graphGrad = Interpreter.eval(gg.graph(), feed, true).get(1);

        NDArray vx = x.copy().attachGrad();
        NDArray ey;
        try (var rec = Autograd.record()) {
            ey = Ops.call("sin", CustomOps.call("graph_test_cube", Map.of(), vx));
        }
        NDArray eager = Autograd.grad(List.of(ey), List.of(vx), List.of(head), false, false).get(0);
        assertThat(graphGrad).isEqualTo(eager);
        double[] expected = new double[3];
        for (int i = 0; i < 3; i++) {
            double v = x.getDouble(i);
            expected[i] = Math.cos(v * v * v) * 3 * v * v * head.getDouble(i);
        }
        assertThat(graphGrad).isCloseTo(expected, 1e-14, 1e-14);
    }
}
