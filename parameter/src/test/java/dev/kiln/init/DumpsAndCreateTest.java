package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DumpsAndCreateTest {

    /** A user initialiser: weights become {@code factor}; registered by the tests below. */
    private static final class Flat extends Initializer {
        private final double factor;

        Flat(Number factor) {
            super(kwargs("factor", factor));
            this.factor = factor.doubleValue();
        }

        @Override
        protected void initWeight(InitDesc desc, NDArray target) {
            target.fill(factor);
        }
    }

    @Test
    void dumpsWritesWhatMXNetPrintsForTheDefaults() {
        // Python: json.dumps([class name lower-cased, constructor kwargs in the order MXNet stores them])
        assertThat(new Zero().dumps()).isEqualTo("[\"zero\", {}]");
        assertThat(new One().dumps()).isEqualTo("[\"one\", {}]");
        assertThat(new Uniform().dumps()).isEqualTo("[\"uniform\", {\"scale\": 0.07}]");
        assertThat(new Normal().dumps()).isEqualTo("[\"normal\", {\"sigma\": 0.01}]");
        assertThat(new Xavier().dumps())
                .isEqualTo("[\"xavier\", {\"rnd_type\": \"uniform\", \"factor_type\": \"avg\", \"magnitude\": 3}]");
        assertThat(new MSRAPrelu().dumps()).isEqualTo("[\"msraprelu\", {\"factor_type\": \"avg\", \"slope\": 0.25}]");
        assertThat(new Orthogonal().dumps())
                .isEqualTo("[\"orthogonal\", {\"scale\": 1.414, \"rand_type\": \"uniform\"}]");
        assertThat(new Bilinear().dumps()).isEqualTo("[\"bilinear\", {}]");
        assertThat(new LSTMBias().dumps()).isEqualTo("[\"lstmbias\", {\"forget_bias\": 1.0}]");
        assertThat(new TruncatedNormal().dumps()).isEqualTo("[\"truncnorm\", {\"mean\": 0, \"stdev\": 0.01}]");
    }

    @Test
    void dumpsKeepsPythonsIntAndFloatSpelling() {
        assertThat(new Normal(0.5).dumps()).isEqualTo("[\"normal\", {\"sigma\": 0.5}]");
        assertThat(new Constant(42).dumps()).isEqualTo("[\"constant\", {\"value\": 42}]");
        assertThat(new Constant(42.0).dumps()).isEqualTo("[\"constant\", {\"value\": 42.0}]");
        assertThat(new Constant(3L).dumps()).isEqualTo("[\"constant\", {\"value\": 3}]");
        assertThat(new Constant(0.1f).dumps()).isEqualTo("[\"constant\", {\"value\": 0.1}]");
        assertThat(new Constant(1e16).dumps()).isEqualTo("[\"constant\", {\"value\": 1e+16}]");
        assertThat(new Uniform(1e-5).dumps()).isEqualTo("[\"uniform\", {\"scale\": 1e-05}]");
        assertThat(new Xavier("gaussian", "in", 2.34).dumps())
                .isEqualTo("[\"xavier\", {\"rnd_type\": \"gaussian\", \"factor_type\": \"in\", \"magnitude\": 2.34}]");
        assertThat(new MSRAPrelu("out", 0).dumps()).isEqualTo("[\"msraprelu\", {\"factor_type\": \"out\", \"slope\": 0}]");
    }

    @Test
    void pythonJsonEscapesAndNumbersMatchJsonDumps() {
        Map<String, Object> kw = new LinkedHashMap<>();
        kw.put("a", 1e-05);
        kw.put("b", Double.NaN);
        kw.put("c", 1e16);
        kw.put("d", "\u00e9\u0001\u007f\"\\\n");
        kw.put("e", Arrays.asList(true, null));
        kw.put("f", 123456789.0);
        kw.put("g", -0.0);
        kw.put("h", Double.NEGATIVE_INFINITY);
        // expected text printed by CPython 3 json.dumps(["x", {...}]) for the same values
        assertThat(PythonJson.dumps(List.of("x", kw))).isEqualTo("[\"x\", {\"a\": 1e-05, \"b\": NaN, \"c\": 1e+16, "
                + "\"d\": \"\\u00e9\\u0001\\u007f\\\"\\\\\\n\", \"e\": [true, null], \"f\": 123456789.0, \"g\": -0.0, "
                + "\"h\": -Infinity}]");
        Object back = PythonJson.parse(PythonJson.dumps(List.of("x", kw)));
        assertThat(back).isEqualTo(List.of("x", kw));
        assertThat(PythonJson.parse("[3, 3.0]")).isEqualTo(List.of(3, 3.0));
    }

    @Test
    void createRebuildsEveryBuiltInFromItsDumps() {
        List<Initializer> all = List.of(new Zero(), new One(), new Constant(-2), new Uniform(0.3), new Normal(2),
                new Xavier("gaussian", "out", 1.5), new MSRAPrelu("in", 0.1), new Orthogonal(0.9, "normal"),
                new Bilinear(), new LSTMBias(0.5), new TruncatedNormal(0.1, 0.2));
        for (Initializer init : all) {
            Initializer back = Initializer.create(init.dumps());
            assertThat(back).as(init.dumps()).isInstanceOf(init.getClass());
            assertThat(back.dumps()).isEqualTo(init.dumps());
        }
    }

    @Test
    void aRebuiltInitializerFillsTheSameValues() {
        Initializer made = Initializer.create(new Xavier("gaussian", "in", 2).dumps());
        Random.seed(8);
        NDArray a = NDArray.zeros(5, 4);
        made.initialize(new InitDesc("w_weight"), a);
        Random.seed(8);
        NDArray b = NDArray.zeros(5, 4);
        new Xavier("gaussian", "in", 2).initialize(new InitDesc("w_weight"), b);
        assertThat(a.toDoubleArray()).containsExactly(b.toDoubleArray());
    }

    @Test
    void createTakesNamesInAnyCaseAndTheZerosOnesAliases() {
        assertThat(Initializer.create("zeros")).isInstanceOf(Zero.class);
        assertThat(Initializer.create("ones")).isInstanceOf(One.class);
        assertThat(Initializer.create("Xavier").dumps()).isEqualTo(new Xavier().dumps());
        assertThat(Initializer.create("MSRAPrelu")).isInstanceOf(MSRAPrelu.class);
        assertThat(Initializer.create("truncnorm")).isInstanceOf(TruncatedNormal.class);
        assertThat(Initializer.registeredNames()).contains("zero", "zeros", "one", "ones", "constant", "uniform",
                "normal", "truncnorm", "xavier", "msraprelu", "orthogonal", "bilinear", "lstmbias");
    }

    @Test
    void createTakesMXNetsObjectFormWithAnInitializerKey() {
        Initializer init = Initializer.create("{\"initializer\": \"normal\", \"sigma\": 0.3}");
        assertThat(init.dumps()).isEqualTo("[\"normal\", {\"sigma\": 0.3}]");
        assertThat(Initializer.create("lstmbias", Map.of("forget_bias", 2)).dumps())
                .isEqualTo("[\"lstmbias\", {\"forget_bias\": 2}]");
    }

    @Test
    void createFailsClearlyOnUnknownNamesAndBadArguments() {
        assertThatThrownBy(() -> Initializer.create("glorot")).isInstanceOf(KilnException.class)
                .hasMessageContaining("'glorot' is not registered").hasMessageContaining("xavier");
        assertThatThrownBy(() -> Initializer.create("[\"uniform\", {\"sigma\": 1}]")).isInstanceOf(KilnException.class)
                .hasMessageContaining("unexpected argument 'sigma'").hasMessageContaining("takes scale");
        assertThatThrownBy(() -> Initializer.create("[\"zero\", {\"value\": 1}]")).isInstanceOf(KilnException.class)
                .hasMessageContaining("it takes none");
        assertThatThrownBy(() -> Initializer.create("[\"xavier\", {\"magnitude\": \"big\"}]"))
                .isInstanceOf(KilnException.class).hasMessageContaining("'magnitude' must be a number, got \"big\"");
        assertThatThrownBy(() -> Initializer.create("[\"xavier\", {\"rnd_type\": 3}]"))
                .isInstanceOf(KilnException.class).hasMessageContaining("'rnd_type' must be a string, got 3");
        assertThatThrownBy(() -> Initializer.create("[\"constant\", {}]")).isInstanceOf(KilnException.class)
                .hasMessageContaining("needs the argument 'value'");
        assertThatThrownBy(() -> Initializer.create("[\"xavier\", {\"rnd_type\": \"bad\"}]"))
                .isInstanceOf(KilnException.class).hasMessageContaining("rnd_type 'bad'");
        assertThatThrownBy(() -> Initializer.create("[\"xavier\"]")).isInstanceOf(KilnException.class)
                .hasMessageContaining("[\"name\", {arguments}]");
        assertThatThrownBy(() -> Initializer.create("[\"xavier\", {")).isInstanceOf(KilnException.class)
                .hasMessageContaining("malformed JSON");
        assertThatThrownBy(() -> Initializer.create("{\"sigma\": 1}")).isInstanceOf(KilnException.class)
                .hasMessageContaining("\"initializer\"");
    }

    @Test
    void userInitializersRegisterByNameAndRoundTrip() {
        Initializer.register("Flat", kw -> new Flat((Number) kw.getOrDefault("factor", 1)));
        Initializer flat = new Flat(2);
        assertThat(flat.dumps()).isEqualTo("[\"flat\", {\"factor\": 2}]");
        assertThat(Initializer.create(flat.dumps())).isInstanceOf(Flat.class);
        assertThat(Initializer.registeredNames()).contains("flat");
        NDArray target = NDArray.zeros(3);
        new Zero().initialize(new InitDesc("p", Map.of(InitDesc.INIT_ATTR, "[\"flat\", {\"factor\": 4}]")), target);
        assertThat(target.toDoubleArray()).containsOnly(4);
        assertThatThrownBy(() -> Initializer.register(" ", kw -> flat)).isInstanceOf(KilnException.class)
                .hasMessageContaining("non-blank name");
    }

    @Test
    void arrayConstantDumpsNestedListsAndCreateRebuildsIt() {
        Constant fromArray = new Constant(NDArray.of(Shape.of(2, 2), 1f, 2f, 3f, 4.5f));
        assertThat(fromArray.dumps()).isEqualTo("[\"constant\", {\"value\": [[1.0, 2.0], [3.0, 4.5]]}]");
        NDArray target = NDArray.zeros(2, 2);
        Initializer.create(fromArray.dumps()).initialize(new InitDesc("w"), target);
        assertThat(target.toDoubleArray()).containsExactly(1, 2, 3, 4.5);
        assertThat(new Constant(NDArray.from(new int[] {1, 2})).dumps())
                .isEqualTo("[\"constant\", {\"value\": [1, 2]}]");
        assertThatThrownBy(() -> Initializer.create("[\"constant\", {\"value\": [[1], [2, 3]]}]"))
                .hasMessageContaining("ragged");
    }

    @Test
    void initializersWithoutAJsonFormSayWhy() {
        Mixed mixed = new Mixed(List.of(".*"), List.of(new Zero()));
        assertThatThrownBy(mixed::dumps).isInstanceOf(KilnException.class).hasMessageContaining("no JSON form");
        assertThat(mixed.toString()).isEqualTo("mixed");
        assertThat(new Normal(0.5).toString()).isEqualTo(new Normal(0.5).dumps());
    }

    @Test
    void kwargsAreReadOnlyAndOrdered() {
        Map<String, Object> kw = new Xavier().kwargs();
        assertThat(new ArrayList<>(kw.keySet())).containsExactly("rnd_type", "factor_type", "magnitude");
        assertThatThrownBy(() -> kw.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }
}
