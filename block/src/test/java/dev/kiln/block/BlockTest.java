package dev.kiln.block;

import dev.kiln.init.Constant;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.surface.F;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static dev.kiln.op.surface.ND.nd;
import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@org.junit.jupiter.api.extension.ExtendWith(dev.kiln.testing.FreshNames.class)
class BlockTest {
    /** Children and a parameter held in fields, registered under the field names. */
    static final class Encoder extends HybridBlock {
        final TinyDense hidden;
        final TinyDense output;
        final Parameter scale;

        Encoder() {
            try (var ignored = nameScope()) {
                hidden = new TinyDense(4, 0);
                output = new TinyDense(2, 4);
            }
            scale = param("scale", ParameterSpec.of().shape(1).init(new Constant(2)));
        }

        @Override
        protected <T> T hybridForward(F<T> F, T x, ParameterValues<T> p) {
            return F.broadcastMul(output.call(F, hidden.call(F, x)), p.get("scale"));
        }
    }

    /** An eager-only block: doubles its input. */
    static final class Doubler extends Block {
        @Override
        public NDArray forward(NDArray x) {
            return nd.mulScalar(x, java.util.Map.of("scalar", 2.0));
        }
    }

    @Test
    void fieldsAreRegisteredByNameAndStructuralKeysUseThem() {
        Encoder e = new Encoder();
        assertThat(e.children().keySet()).containsExactly("hidden", "output");
        assertThat(e.collectParamsByPath().keySet()).containsExactly("scale", "hidden.weight", "hidden.bias",
                "output.weight", "output.bias");
        assertThat(e.collectParams().keys()).containsExactly("encoder0_scale", "encoder0_dense0_weight",
                "encoder0_dense0_bias", "encoder0_dense1_weight", "encoder0_dense1_bias");
    }

    @Test
    void toStringIsGluonsTree() {
        Sequential s = new Sequential();
        s.add(new Encoder(), new Doubler());
        assertThat(s.toString()).isEqualTo(String.join("\n",
                "Sequential(",
                "  (0): Encoder(",
                "    (hidden): TinyDense(",
                "    ",
                "    )",
                "    (output): TinyDense(",
                "    ",
                "    )",
                "  )",
                "  (1): Doubler(",
                "  ",
                "  )",
                ")"));
    }

    @Test
    void plainSequentialRunsEagerBlocksAndHybridOnesInOrder() {
        Sequential s = new Sequential();
        Encoder e = new Encoder();
        s.add(e, new Doubler());
        s.initialize(new Constant(1));
        NDArray y = s.call(NDArray.of(Shape.of(1, 3), 1f, 1f, 1f));
        // hidden: 4 units of 3; output: 2 units of 12; its own scale 2 gives 24; doubled
        assertThat(y).hasShape(1, 2).isCloseTo(new double[] {48, 48}, 1e-5, 0);
        assertThat(s.size()).isEqualTo(2);
        assertThat(s.get(-1)).isInstanceOf(Doubler.class);
        assertThat(s.slice(0, 1).size()).isEqualTo(1);
        assertThat(s.slice(0, 1).get(0)).isSameAs(e);
        assertThatThrownBy(() -> s.get(2)).hasMessageContaining("has 2 children");
    }

    @Test
    void collectParamsSelectsByRegexAtTheStart() {
        Encoder e = new Encoder();
        assertThat(e.collectParams(".*weight").keys()).containsExactly("encoder0_dense0_weight",
                "encoder0_dense1_weight");
        assertThat(e.collectParams("encoder0_dense1").keys()).containsExactly("encoder0_dense1_weight",
                "encoder0_dense1_bias");
    }

    @Test
    void deduplicatedSaveWritesASharedParameterOnce(@TempDir Path dir) {
        TinyDense a = new TinyDense(2, 2);
        TinyDense b = new TinyDense(2, 2, null, a.params());
        HybridSequential net = new HybridSequential();
        net.add(a, b);
        net.initialize(new Constant(1));
        net.saveParameters(dir.resolve("all.params"));
        net.saveParameters(dir.resolve("dedup.params"), true);
        assertThat(dev.kiln.io.NDArrayFile.loadDict(dir.resolve("all.params")).keySet())
                .containsExactly("0.weight", "0.bias", "1.weight", "1.bias");
        assertThat(dev.kiln.io.NDArrayFile.loadDict(dir.resolve("dedup.params")).keySet())
                .containsExactly("1.weight", "1.bias");
        net.loadParameters(dir.resolve("dedup.params"));
    }

    @Test
    void loadReportsMissingAndUnexpectedStructuralKeysTogether(@TempDir Path dir) {
        Encoder e = new Encoder();
        e.initialize(new Constant(1));
        e.call(NDArray.ones(1, 3));
        e.saveParameters(dir.resolve("enc.params"));
        HybridSequential other = new HybridSequential();
        other.add(new TinyDense(2, 2));
        other.initialize();
        assertThatThrownBy(() -> other.loadParameters(dir.resolve("enc.params")))
                .hasMessageContaining("missing from it (2): [0.weight, 0.bias]")
                .hasMessageContaining("hidden.weight");
    }

    @Test
    void zeroGradClearsGradientsOfTheWholeTree() {
        Encoder e = new Encoder();
        e.initialize(new Constant(1));
        e.call(NDArray.ones(1, 3));
        e.hidden.weight.grad().fill(5);
        e.zeroGrad();
        assertThat(e.hidden.weight.grad()).isCloseTo(new double[12], 0, 0);
    }

    @Test
    void reassigningARegisteredParameterAttributeFails() {
        TinyDense d = new TinyDense(2, 2);
        assertThatThrownBy(() -> d.registerParameter("weight", new Parameter("other")))
                .hasMessageContaining("'weight'").hasMessageContaining("dense0_weight");
    }

    @Test
    void plainBlockWithoutForwardSaysSo() {
        Block b = new Block() {
        };
        assertThat(b.name()).isEqualTo("block0");
        assertThatThrownBy(() -> b.call(NDArray.ones(1))).hasMessageContaining("does not override forward");
        assertThat(b.prefix()).isEqualTo("block0_");
    }
}
