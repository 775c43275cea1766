package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.parallel.Parallel;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicIntegerArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpsTest {

    /** A user-defined op registered at run time: doubles its input. */
    static final class TwiceOp extends OpDef {
        TwiceOp(String name) {
            super(name, OpFamily.CUSTOM, List.of("lhs", "rhs"), List.of(), name + "_alias");
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
            if (!in.get(0).equals(in.get(1))) {
                throw error("lhs " + in.get(0) + " and rhs " + in.get(1) + " differ");
            }
            return List.of(in.get(0));
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            NDArray out = call.newOutput(0);
            for (int i = 0; i < out.size(); i++) {
                out.setDouble(i, call.input(0).getDouble(i) + call.input(1).getDouble(i));
            }
            return List.of(out);
        }
    }

    @Test
    void userOpsRegisterOnceAndAnswerToAliases() {
        OpRegistry.global().register(new TwiceOp("test_user_add"));
        NDArray x = NDArray.of(Shape.of(2), 1f, 2f);
        assertThat(Ops.call("test_user_add_alias", x, x).toFloatArray()).containsExactly(2f, 4f);
        assertThatThrownBy(() -> OpRegistry.global().register(new TwiceOp("test_user_add")))
                .hasMessageContaining("already registered");
    }

    @Test
    void inputsOnTwoDevicesAreAnErrorNamingBoth() {
        OpRegistry.global().register(new TwiceOp("test_user_devices"));
        NDArray a = NDArray.zeros(2);
        NDArray b = NDArray.zeros(2).copyTo(Device.gpu(0));
        assertThatThrownBy(() -> Ops.call("test_user_devices", a, b))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("cpu(0)").hasMessageContaining("gpu(0)")
                .hasMessageContaining("'lhs'").hasMessageContaining("'rhs'");
    }

    @Test
    void wrongInputCountAndUnknownOpsAreClearErrors() {
        OpRegistry.global().register(new TwiceOp("test_user_count"));
        assertThatThrownBy(() -> Ops.call("test_user_count", NDArray.zeros(1)))
                .hasMessageContaining("expects 2 inputs [lhs, rhs], got 1");
        assertThatThrownBy(() -> Ops.call("no_such_op_anywhere", NDArray.zeros(1)))
                .hasMessageContaining("unknown op 'no_such_op_anywhere'");
        assertThatThrownBy(() -> Ops.call("test_user_count", Map.of("x", 1), NDArray.zeros(1), NDArray.zeros(1)))
                .hasMessageContaining("has no attribute 'x'");
    }

    @Test
    void parallelRangeCoversEveryIndexExactlyOnce() {
        int n = 100_003;
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        Parallel.forRange(n, 1000, (from, to) -> {
            for (int i = from; i < to; i++) {
                seen.incrementAndGet(i);
            }
        });
        for (int i = 0; i < n; i++) {
            assertThat(seen.get(i)).isEqualTo(1);
        }
        assertThat(Parallel.threads()).isGreaterThanOrEqualTo(1);
    }
}
