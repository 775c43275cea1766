package dev.kiln.op;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Op libraries on the class path are found through ServiceLoader, exactly like Kiln's own families. */
class ServiceLoadedOpsTest {

    /** A user library, listed in this module's test {@code META-INF/services/dev.kiln.op.OpLibrary}. */
    public static final class NegatedCopies implements OpLibrary {
        @Override
        public List<OpDef> ops() {
            return List.of(new OpDef("test_service_negate", OpFamily.CUSTOM, List.of("data"), List.of()) {
                @Override
                public List<Shape> inferShapes(Attrs attrs, List<Shape> in) {
                    return List.of(in.get(0));
                }

                @Override
                public List<NDArray> compute(Invocation call) {
                    NDArray out = call.newOutput(0);
                    for (int i = 0; i < out.size(); i++) {
                        out.setDouble(i, -call.input(0).getDouble(i));
                    }
                    return List.of(out);
                }
            });
        }
    }

    @Test
    void libraryListedAsAServiceIsRegisteredAndRuns() {
        assertThat(OpRegistry.global().contains("test_service_negate")).isTrue();
        NDArray y = Ops.call("test_service_negate", NDArray.of(Shape.of(2), 1f, -2f));
        assertThat(y.toFloatArray()).containsExactly(-1f, 2f);
    }
}
