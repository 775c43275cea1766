package dev.kiln.parameter;

import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import static dev.kiln.op.surface.ND.nd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConstantTest {
    private static final NDArray VALUE = NDArray.of(Shape.of(2, 2), 1f, 2f, 3f, 4f);

    @Test
    void constantTakesShapeDtypeFromValueAndHasNoGradient() {
        Constant c = new Constant("scale", VALUE);
        assertThat(c.shape()).isEqualTo(Shape.of(2, 2));
        assertThat(c.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(c.gradReq()).isEqualTo(GradReq.NULL);
        assertThat(c.differentiable()).isFalse();
        assertThat(c).hasToString("Constant scale (shape=(2, 2), dtype=float32)");
    }

    @Test
    void constantIsInitialisedFromItsValueNeverByTheGlobalInitializer() {
        Constant c = new Constant("scale", VALUE);
        c.initialize(new dev.kiln.init.Constant(7));
        assertThat(c.data().toDoubleArray()).containsExactly(1, 2, 3, 4);
        c.setInit(new dev.kiln.init.Constant(7));
        c.initialize(new dev.kiln.init.Constant(7), java.util.List.of(dev.kiln.ndarray.Device.cpu()), false, true);
        assertThat(c.data().toDoubleArray()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void constantIgnoresAnotherGradReqAndHasNoGradient() {
        Constant c = new Constant("scale", VALUE);
        c.initialize(new dev.kiln.init.Constant(0));
        c.setGradReq(GradReq.WRITE);
        assertThat(c.gradReq()).isEqualTo(GradReq.NULL);
        assertThatThrownBy(c::grad).hasMessageContaining("gradReq is null");
    }

    @Test
    void gradientDoesNotFlowIntoAConstant() {
        Constant c = new Constant("scale", VALUE);
        c.initialize(new dev.kiln.init.Constant(0));
        NDArray x = NDArray.of(Shape.of(2, 2), 1f, 1f, 1f, 1f).attachGrad();
        try (Autograd.Scope ignored = Autograd.record()) {
            nd.sum(nd.elemwiseMul(x, c.data())).backward();
        }
        assertThat(x.grad().toDoubleArray()).containsExactly(1, 2, 3, 4);
        assertThat(c.data().toDoubleArray()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void constantVariableRecordsItsValueAsMXNetsConstantInitializer() {
        Constant c = new Constant("k", NDArray.of(Shape.of(2), 5f, 6.5f));
        assertThat(c.var().listAttr()).containsEntry("__init__", "[\"constant\", {\"value\": [5.0, 6.5]}]")
                .containsEntry("__shape__", "(2,)");
    }

    @Test
    void constantCopiesItsValue() {
        NDArray v = NDArray.of(Shape.of(2), 5f, 6f);
        Constant c = new Constant("k", v);
        v.fill(0);
        assertThat(c.value().toDoubleArray()).containsExactly(5, 6);
    }
}
