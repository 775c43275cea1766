package dev.kiln.parameter;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradReq;
import dev.kiln.init.Constant;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParameterDictTest {

    @Test
    void getCreatesUnderThePrefixAndReturnsTheSameParameterAfterwards() {
        ParameterDict d = new ParameterDict("dense0_");
        Parameter w = d.get("weight", ParameterSpec.of().shape(10, 0));
        assertThat(w.name()).isEqualTo("dense0_weight");
        assertThat(d.get("weight")).isSameAs(w);
        assertThat(d.keys()).containsExactly("dense0_weight");
        assertThat(d.parameter("dense0_weight")).isSameAs(w);
    }

    @Test
    void laterGetWithFullerShapeMergesIt() {
        ParameterDict d = new ParameterDict("dense0_");
        Parameter w = d.get("weight", ParameterSpec.of().shape(10, 0));
        d.get("weight", ParameterSpec.of().shape(0, 7));
        assertThat(w.shape()).isEqualTo(Shape.of(10, 7));
    }

    @Test
    void getWithDisagreeingAttributeNamesParameterAttributeAndBothValues() {
        ParameterDict d = new ParameterDict("dense0_");
        d.get("weight", ParameterSpec.of().shape(10, 5));
        assertThatThrownBy(() -> d.get("weight", ParameterSpec.of().shape(10, 4)))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("dense0_weight").hasMessageContaining("'shape'")
                .hasMessageContaining("(10, 4)").hasMessageContaining("(10, 5)");
        assertThatThrownBy(() -> d.get("weight", ParameterSpec.of().dtype(DType.FLOAT16)))
                .hasMessageContaining("'dtype'").hasMessageContaining("float16").hasMessageContaining("float32");
        assertThatThrownBy(() -> d.get("weight", ParameterSpec.of().lrMult(2)))
                .hasMessageContaining("'lrMult'");
    }

    @Test
    void getSetsAnInitializerTheStoredParameterLacks() {
        ParameterDict d = new ParameterDict();
        Parameter w = d.get("w", ParameterSpec.of().shape(2));
        Constant one = new Constant(1);
        d.get("w", ParameterSpec.of().init(one));
        assertThat(w.init()).isSameAs(one);
    }

    @Test
    void getFindsParametersInTheSharedDict() {
        ParameterDict first = new ParameterDict("dense0_");
        Parameter w = first.get("weight", ParameterSpec.of().shape(3, 3));
        ParameterDict second = new ParameterDict("dense0_", first);
        assertThat(second.get("weight")).isSameAs(w);
        assertThat(second.keys()).containsExactly("dense0_weight");
    }

    @Test
    void getConstantCreatesChecksAndFailsClearly() {
        ParameterDict d = new ParameterDict("net0_");
        NDArray v = NDArray.of(Shape.of(2), 1f, 2f);
        dev.kiln.parameter.Constant c = d.getConstant("k", v);
        assertThat(c.name()).isEqualTo("net0_k");
        assertThat(d.getConstant("k")).isSameAs(c);
        assertThat(d.getConstant("k", NDArray.of(Shape.of(2), 1f, 2f))).isSameAs(c);
        assertThatThrownBy(() -> d.getConstant("k", NDArray.of(Shape.of(2), 1f, 3f)))
                .hasMessageContaining("net0_k").hasMessageContaining("different value");
        assertThatThrownBy(() -> d.getConstant("missing")).hasMessageContaining("No constant named 'net0_missing'");
        d.get("w");
        assertThatThrownBy(() -> d.getConstant("w", v)).hasMessageContaining("not a constant");
    }

    @Test
    void updateAddsParametersAndRefusesADifferentOneUnderTheSameName() {
        ParameterDict a = new ParameterDict("a_");
        a.get("w");
        ParameterDict b = new ParameterDict("a_");
        b.get("v");
        a.update(b);
        assertThat(a.keys()).containsExactly("a_w", "a_v");
        ParameterDict c = new ParameterDict("a_");
        c.get("w");
        assertThatThrownBy(() -> a.update(c)).hasMessageContaining("'a_w'");
    }

    @Test
    void initializeUsesEachParametersOwnInitializerFirst() {
        ParameterDict d = new ParameterDict("m_");
        Parameter w = d.get("weight", ParameterSpec.of().shape(2));
        Parameter own = d.get("scale", ParameterSpec.of().shape(2).init(new Constant(5)));
        Parameter deferred = d.get("v_weight", ParameterSpec.of().shape(0).allowDeferredInit(true));
        d.initialize(new Constant(1));
        assertThat(w.data().toDoubleArray()).containsExactly(1, 1);
        assertThat(own.data().toDoubleArray()).containsExactly(5, 5);
        assertThat(deferred.isDeferred()).isTrue();
    }

    @Test
    void zeroGradZeroesEveryGradient() {
        ParameterDict d = new ParameterDict();
        Parameter w = d.get("w", ParameterSpec.of().shape(2));
        d.initialize(new Constant(1));
        w.grad().fill(3);
        d.zeroGrad();
        assertThat(w.grad().toDoubleArray()).containsExactly(0, 0);
    }

    @Test
    void setattrAppliesToEverySelectedParameter() {
        ParameterDict d = new ParameterDict("m_");
        Parameter w = d.get("weight", ParameterSpec.of().shape(2));
        Parameter b = d.get("bias", ParameterSpec.of().shape(2));
        d.initialize(new Constant(1));
        d.select(".*weight").setattr("grad_req", "null");
        assertThat(w.gradReq()).isEqualTo(GradReq.NULL);
        assertThat(b.gradReq()).isEqualTo(GradReq.WRITE);
        d.setattr("lr_mult", 0.5);
        assertThat(w.lrMult()).isEqualTo(0.5);
        assertThat(b.lrMult()).isEqualTo(0.5);
        d.setattr("dtype", "float64");
        assertThat(b.data().dtype()).isEqualTo(DType.FLOAT64);
        assertThatThrownBy(() -> d.setattr("colour", 1)).hasMessageContaining("'colour'");
    }

    @Test
    void selectMatchesRegexAtTheStartOfTheFullName() {
        ParameterDict d = new ParameterDict("net_");
        d.get("dense0_weight");
        d.get("dense0_bias");
        d.get("dense1_weight");
        assertThat(d.select("net_dense0_").keys()).containsExactly("net_dense0_weight", "net_dense0_bias");
        assertThat(d.select(".*weight").keys()).containsExactly("net_dense0_weight", "net_dense1_weight");
        assertThat(d.select("weight").keys()).isEmpty();
        assertThat(d.select(".*").get("dense0_weight")).isSameAs(d.get("dense0_weight"));
    }

    @Test
    void shareUsesTheOtherDictsParametersWhereNamesAgreeAfterThePrefixes() {
        ParameterDict a = new ParameterDict("model0_");
        Parameter aw = a.get("dense0_weight", ParameterSpec.of().shape(4, 3));
        ParameterDict b = new ParameterDict("model1_");
        b.get("dense0_weight", ParameterSpec.of().shape(4, 0));
        Parameter own = b.get("dense1_weight");
        b.share(a);
        assertThat(b.parameter("model1_dense0_weight")).isSameAs(aw);
        assertThat(b.parameter("model1_dense1_weight")).isSameAs(own);
        ParameterDict c = new ParameterDict("model2_");
        c.get("dense0_weight", ParameterSpec.of().shape(5, 3));
        assertThatThrownBy(() -> c.share(a)).hasMessageContaining("model0_dense0_weight");
    }

    @Test
    void toStringListsEachParameterWithShapeAndDtype() {
        ParameterDict d = new ParameterDict("dense0_");
        d.get("weight", ParameterSpec.of().shape(10, 0));
        d.get("bias", ParameterSpec.of().shape(10).dtype(DType.FLOAT16));
        assertThat(d).hasToString("""
                dense0_ (
                  Parameter dense0_weight (shape=(10, 0), dtype=float32)
                  Parameter dense0_bias (shape=(10,), dtype=float16)
                )""");
    }

    @Test
    void initializeOnSeveralDevicesPlacesEveryParameterOnEach() {
        ParameterDict d = new ParameterDict();
        Parameter w = d.get("w", ParameterSpec.of().shape(2));
        d.initialize(new Constant(1), List.of(Device.cpu(), Device.gpu(0)), false, false);
        assertThat(w.devices()).containsExactly(Device.cpu(), Device.gpu(0));
        d.resetDevice(List.of(Device.gpu(0)));
        assertThat(w.devices()).containsExactly(Device.gpu(0));
    }

    @Test
    void sameSeedGivesTheSameInitialValues() {
        double[][] runs = new double[2][];
        for (int r = 0; r < 2; r++) {
            dev.kiln.random.Random.seed(11);
            ParameterDict d = new ParameterDict("m_");
            d.get("weight", ParameterSpec.of().shape(4, 5));
            d.initialize(new dev.kiln.init.Xavier());
            runs[r] = d.parameter("m_weight").data().toDoubleArray();
        }
        assertThat(runs[1]).containsExactly(runs[0]);
        assertThat(runs[0]).doesNotContain(0.0);
    }

    @Test
    void verboseInitializationLogsEachParameterWithItsInitializer() {
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(Parameter.class.getName());
        List<String> lines = new java.util.ArrayList<>();
        java.util.logging.Handler h = new java.util.logging.Handler() {
            public void publish(java.util.logging.LogRecord r) {
                lines.add(r.getMessage());
            }

            public void flush() {
            }

            public void close() {
            }
        };
        log.addHandler(h);
        try {
            ParameterDict d = new ParameterDict("m_");
            d.get("weight", ParameterSpec.of().shape(2, 2));
            d.initialize(new dev.kiln.init.Uniform(0.1), List.of(Device.cpu()), true, false);
        } finally {
            log.removeHandler(h);
        }
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("m_weight").contains("(2, 2)")
                .contains("[\"uniform\", {\"scale\": 0.1}]"));
    }
}
