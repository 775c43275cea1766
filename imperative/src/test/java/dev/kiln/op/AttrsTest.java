package dev.kiln.op;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AttrsTest {
    static final AttrSpec<IntTuple> KERNEL = AttrSpec.required("kernel", AttrType.TUPLE, "window size");
    static final AttrSpec<Integer> NUM = AttrSpec.of("num_filter", AttrType.INT, 1, "outputs");
    static final AttrSpec<Double> EPS = AttrSpec.of("eps", AttrType.FLOAT, 1e-3, "epsilon");
    static final AttrSpec<Boolean> FIX = AttrSpec.of("fix_gamma", AttrType.BOOL, true, "fix gamma");
    static final AttrSpec<Integer> AXIS = AttrSpec.optional("axis", AttrType.INT, "axis or None");
    static final AttrSpec<String> MODE = AttrSpec.of("mode", AttrType.oneOf("clip", "wrap"), "clip", "index mode");

    /** A test-only op with one attribute of each kind. */
    static final class Probe extends OpDef {
        Probe() {
            super("probe_attrs", OpFamily.CUSTOM, List.of("data"), List.of(KERNEL, NUM, EPS, FIX, AXIS, MODE));
        }

        @Override
        public List<Shape> inferShapes(Attrs attrs, List<Shape> inputShapes) {
            return List.of(inputShapes.get(0));
        }

        @Override
        public List<NDArray> compute(Invocation call) {
            return List.of(call.input(0).copy());
        }
    }

    private final Probe op = new Probe();

    @Test
    void parsesMXNetStringForms() {
        Attrs a = op.attrs(Map.of("kernel", "(3, 3)", "num_filter", "64", "eps", "1e-05", "fix_gamma", "False",
                "axis", "None", "mode", "wrap"));
        assertThat(a.get(KERNEL)).isEqualTo(IntTuple.of(3, 3));
        assertThat(a.get(NUM)).isEqualTo(64);
        assertThat(a.get(EPS)).isEqualTo(1e-5);
        assertThat(a.get(FIX)).isFalse();
        assertThat(a.get(AXIS)).isNull();
        assertThat(a.get(MODE)).isEqualTo("wrap");
    }

    @Test
    void fillsDefaultsAndWritesBackOnlyExplicitValuesInMXNetForm() {
        Attrs a = op.attrs(Map.of("kernel", new int[] {3, 3}, "eps", 0.00001));
        assertThat(a.get(NUM)).isEqualTo(1);
        assertThat(a.get(FIX)).isTrue();
        assertThat(a.toMXNetStrings(op)).containsExactly(Map.entry("kernel", "(3, 3)"), Map.entry("eps", "1e-05"));
    }

    @Test
    void rejectsUnknownMissingAndMalformedAttributesNamingTheOp() {
        assertThatThrownBy(() -> op.attrs(Map.of("kernel", "(1,)", "stride", "(2,)")))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("probe_attrs").hasMessageContaining("stride");
        assertThatThrownBy(() -> op.attrs(Map.of()))
                .hasMessageContaining("kernel").hasMessageContaining("required");
        assertThatThrownBy(() -> op.attrs(Map.of("kernel", "(1,)", "num_filter", "many")))
                .hasMessageContaining("num_filter").hasMessageContaining("many");
        assertThatThrownBy(() -> op.attrs(Map.of("kernel", "(1,)", "mode", "raise")))
                .hasMessageContaining("mode").hasMessageContaining("[clip, wrap]");
    }

    @Test
    void ignoresMXNetGraphAnnotations() {
        Attrs a = op.attrs(Map.of("kernel", "(1,)", "__lr_mult__", "2.0"));
        assertThat(a.values()).doesNotContainKey("__lr_mult__");
    }

    @Test
    void tuplesRoundTripIncludingNoneAndSingletons() {
        assertThat(IntTuple.parse("(3,)")).hasToString("(3,)");
        assertThat(IntTuple.parse("[1, 2]")).isEqualTo(IntTuple.of(1, 2));
        assertThat(IntTuple.parse("(None, -1)").isNone(0)).isTrue();
        assertThat(IntTuple.parse("(None, -1)")).hasToString("(None, -1)");
        assertThat(IntTuple.parse("()").isEmpty()).isTrue();
        assertThat(IntTuple.parse("5").toArray()).containsExactly(5);
    }

    @Test
    void floatsFormatLikePythonRepr() {
        assertThat(PythonFormat.formatFloat(0.9)).isEqualTo("0.9");
        assertThat(PythonFormat.formatFloat(1e-5)).isEqualTo("1e-05");
        assertThat(PythonFormat.formatFloat(1e-4)).isEqualTo("0.0001");
        assertThat(PythonFormat.formatFloat(2.0)).isEqualTo("2.0");
        assertThat(PythonFormat.formatFloat(1.5e-7)).isEqualTo("1.5e-07");
        assertThat(PythonFormat.formatFloat(1e16)).isEqualTo("1e+16");
        assertThat(PythonFormat.formatFloat(123456.0)).isEqualTo("123456.0");
        assertThat(PythonFormat.formatFloat(-0.001)).isEqualTo("-0.001");
    }
}
