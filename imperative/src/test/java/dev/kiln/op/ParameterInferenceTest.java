package dev.kiln.op;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ops that infer their parameters (and labels, lengths) from the data and attributes, as MXNet does for deferred
 * parameter shapes: over every inference case of these ops, the data alone must give the parameters the eager run
 * used; {@link ParameterShapesTest} checks hand-computed shapes, partial batch sizes and the backward direction.
 */
class ParameterInferenceTest {
    /** By op, the inputs that inference derives from the others (and the attributes). */
    static final Map<String, Set<String>> DERIVED = Map.ofEntries(
            Map.entry("FullyConnected", Set.of("weight", "bias")),
            Map.entry("Convolution", Set.of("weight", "bias")),
            Map.entry("Deconvolution", Set.of("weight", "bias")),
            Map.entry("UpSampling", Set.of("weight")),
            Map.entry("BatchNorm", Set.of("gamma", "beta", "moving_mean", "moving_var")),
            Map.entry("LayerNorm", Set.of("gamma", "beta")),
            Map.entry("GroupNorm", Set.of("gamma", "beta")),
            Map.entry("InstanceNorm", Set.of("gamma", "beta")),
            Map.entry("Embedding", Set.of("weight")),
            Map.entry("LeakyReLU", Set.of("gamma")),
            Map.entry("RNN", Set.of("parameters", "state", "state_cell")),
            Map.entry("SoftmaxOutput", Set.of("label")),
            Map.entry("softmax_cross_entropy", Set.of("label")),
            Map.entry("softmax", Set.of("length")),
            Map.entry("SequenceMask", Set.of("sequence_length")),
            Map.entry("SequenceLast", Set.of("sequence_length")),
            Map.entry("SequenceReverse", Set.of("sequence_length")));

    /**
     * Derived inputs of any dtype: their shape follows from the data; their dtype does not for softmax's length and,
     * as in MXNet, is the data's for the Sequence ops' sequence_length.
     */
    private static final Set<String> FREE_DTYPE = Set.of("length");
    private static final Set<String> DATA_DTYPE_BY_DEFAULT = Set.of("sequence_length");

    /**
     * Cases whose eager run chose another valid shape or dtype than MXNet's default for a derived input (a
     * (num_hidden, 1) bias, a shared prelu slope, a probability label, a weight dtype other than the attribute's).
     */
    private static boolean choseOtherThanDefault(InferenceCase c, InferenceCase.Truth t, String input, int i,
                                                 Shape inferred, DType inferredType) {
        return !inferred.equals(t.inputShapes().get(i)) && Set.of("bias", "gamma", "label").contains(input)
                && Set.of("FullyConnected", "LeakyReLU", "SoftmaxOutput").contains(c.def().name())
                || inferredType != t.inputTypes().get(i) && c.def().name().equals("Embedding");
    }

    @TestFactory
    Stream<DynamicTest> theDataAloneGivesTheParametersTheEagerRunUsed() {
        List<InferenceCase> cases = InferenceCases.all().stream()
                .filter(c -> DERIVED.containsKey(c.def().name())).toList();
        assertThat(cases.stream().map(c -> c.def().name()).distinct()).containsExactlyInAnyOrderElementsOf(
                DERIVED.keySet());
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            InferenceCase.Truth t = c.truth();
            List<String> names = c.def().inputNames(c.parsedAttrs());
            Set<String> derived = DERIVED.get(c.def().name());
            List<Shape> shapes = new ArrayList<>(t.inputShapes());
            List<DType> types = new ArrayList<>(t.inputTypes());
            for (int i = 0; i < names.size(); i++) {
                if (derived.contains(names.get(i))) {
                    shapes.set(i, null);
                    types.set(i, null);
                }
            }
            InferenceRun<Shape> s = InferenceRun.shapes(c.def(), c.parsedAttrs(), shapes,
                    InferenceRun.unknown(t.outputShapes().size()));
            InferenceRun<DType> d = InferenceRun.types(c.def(), c.parsedAttrs(), types,
                    InferenceRun.unknown(t.outputTypes().size()));
            for (int i = 0; i < names.size(); i++) {
                if (choseOtherThanDefault(c, t, names.get(i), i, s.inputs().get(i), d.inputs().get(i))) {
                    return;
                }
            }
            assertThat(s.inputs()).as("input shapes").isEqualTo(t.inputShapes());
            assertThat(s.outputs()).as("output shapes").isEqualTo(t.outputShapes());
            List<DType> expectedTypes = new ArrayList<>(t.inputTypes());
            for (int i = 0; i < names.size(); i++) {
                if (FREE_DTYPE.contains(names.get(i))) {
                    expectedTypes.set(i, null);
                } else if (DATA_DTYPE_BY_DEFAULT.contains(names.get(i))) {
                    expectedTypes.set(i, t.inputTypes().get(0));
                }
            }
            assertThat(d.inputs()).as("input dtypes").isEqualTo(expectedTypes);
            assertThat(d.outputs()).as("output dtypes").isEqualTo(t.outputTypes());
        }));
    }

    /** Partial shape inference of {@code op} from these inputs ({@code null} unknown), outputs unknown. */
    static InferenceRun<Shape> infer(String op, Map<String, ?> attrs, Shape... inputs) {
        OpDef def = OpRegistry.global().get(op);
        Attrs a = def.attrs(attrs);
        return InferenceRun.shapes(def, a, java.util.Arrays.asList(inputs),
                InferenceRun.unknown(def.numOutputs(a)));
    }

    /** Partial shape inference of {@code op} from these inputs and outputs ({@code null} unknown). */
    static InferenceRun<Shape> infer(String op, Map<String, ?> attrs, List<Shape> inputs, List<Shape> outputs) {
        OpDef def = OpRegistry.global().get(op);
        return InferenceRun.shapes(def, def.attrs(attrs), inputs, outputs);
    }

    /**
     * Runs {@code op} eagerly on float32 zeros of the inferred input shapes and checks the visible outputs have the
     * inferred shapes: the inferred shapes are ones the kernel accepts.
     */
    static void assertEagerAgrees(String op, Map<String, ?> attrs, InferenceRun<Shape> r) {
        List<NDArray> in = new ArrayList<>();
        for (Shape s : r.inputs()) {
            in.add(NDArray.zeros(s, DType.FLOAT32, Device.cpu()));
        }
        List<NDArray> out = Ops.invoke(op, attrs, in.toArray(NDArray[]::new));
        for (int i = 0; i < out.size(); i++) {
            assertThat(out.get(i).shape()).as("eager output %d", i).isEqualTo(r.outputs().get(i));
        }
    }

    /** A partial shape: {@code -1} is unknown. */
    static Shape p(int... dims) {
        return Shape.partial(dims);
    }
}
