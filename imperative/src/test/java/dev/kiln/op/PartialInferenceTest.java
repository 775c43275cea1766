package dev.kiln.op;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every built-in op's partial shape and dtype inference against its eager runs ({@link InferenceCases}): with every
 * input known it gives exactly what the kernel produced; with any part of the inputs and outputs hidden it never fails
 * and never infers anything the eager run contradicts.
 */
class PartialInferenceTest {

    /**
     * Inputs with several valid shapes or dtypes, to which MXNet's inference (and so Kiln's) assigns one of them when
     * unknown: an eager run that chose another is not contradicted by a mistake, so a run where such an input was
     * given the default against the eager choice is not checked further. By op, the input names.
     */
    private static final Map<String, Set<String>> MXNET_DEFAULTS = Map.of(
            "FullyConnected", Set.of("bias"), // (num_hidden,); (num_hidden, 1) is accepted too
            "LeakyReLU", Set.of("gamma"), // one slope per channel; a single shared slope is accepted too
            "SoftmaxOutput", Set.of("label"), // class indices; a probability label of the data's shape too
            "Embedding", Set.of("weight"), // the dtype attribute's dtype; any weight dtype is accepted
            "pick", Set.of("index"), // the data's shape without the axis; with the axis as 1 too
            "SequenceMask", Set.of("sequence_length"), // the data's dtype; any dtype is accepted
            "SequenceLast", Set.of("sequence_length"),
            "SequenceReverse", Set.of("sequence_length"),
            "_contrib_BilinearResize2D", Set.of("like")); // the data's dtype; any dtype is accepted

    @Test
    void everyBuiltinOpHasAnInferenceCase() {
        assertThat(InferenceCases.uncovered()).as("built-in ops without an inference case").isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> knownInputsGiveTheEagerShapesAndDTypesInOneStep() {
        return InferenceCases.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            InferenceCase.Truth t = c.truth();
            OpDef op = c.def();
            Attrs attrs = c.parsedAttrs();
            ShapeSlots shapes = new ShapeSlots(op, attrs, t.inputShapes(), InferenceRun.unknown(t.outputShapes().size()));
            op.inferShapesPartial(shapes);
            assertThat(shapes.outputs()).as("output shapes").isEqualTo(t.outputShapes());
            assertThat(shapes.inputs()).as("input shapes").isEqualTo(t.inputShapes());
            TypeSlots types = new TypeSlots(op, attrs, t.inputTypes(), InferenceRun.unknown(t.outputTypes().size()));
            op.inferTypesPartial(types);
            assertThat(types.outputs()).as("output dtypes").isEqualTo(t.outputTypes());
            assertThat(types.inputs()).as("input dtypes").isEqualTo(t.inputTypes());
        }));
    }

    @TestFactory
    Stream<DynamicTest> hiddenKnowledgeNeverFailsOrMisleads() {
        return InferenceCases.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            InferenceCase.Truth t = c.truth();
            for (Knowledge<Shape> k : knowledge(t.inputShapes(), t.outputShapes(), PartialInferenceTest::withoutDim0)) {
                InferenceRun<Shape> r = InferenceRun.shapes(c.def(), c.parsedAttrs(), k.inputs, k.outputs);
                check(c, k.name, t.inputShapes(), r.inputs(), t.outputShapes(), r.outputs(), InferenceRun::consistent);
            }
            for (Knowledge<DType> k : knowledge(t.inputTypes(), t.outputTypes(), (d, i) -> null)) {
                InferenceRun<DType> r = InferenceRun.types(c.def(), c.parsedAttrs(), k.inputs, k.outputs);
                check(c, k.name, t.inputTypes(), r.inputs(), t.outputTypes(), r.outputs(), InferenceRun::consistent);
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> unknownRankIsTreatedAsUnknown() {
        return InferenceCases.all().stream().map(c -> DynamicTest.dynamicTest(c.toString(), () -> {
            InferenceCase.Truth t = c.truth();
            List<Shape> in = new ArrayList<>();
            t.inputShapes().forEach(s -> in.add(Shape.unknownRank()));
            List<Shape> out = new ArrayList<>();
            t.outputShapes().forEach(s -> out.add(Shape.unknownRank()));
            InferenceRun<Shape> r = InferenceRun.shapes(c.def(), c.parsedAttrs(), in, out);
            InferenceRun<Shape> fromNulls = InferenceRun.shapes(c.def(), c.parsedAttrs(),
                    InferenceRun.unknown(in.size()), InferenceRun.unknown(out.size()));
            check(c, "unknown ranks", t.inputShapes(), r.inputs(), t.outputShapes(), r.outputs(),
                    InferenceRun::consistent);
            assertThat(rankKnown(r.inputs())).as("input ranks learnt from unknown ranks and from nulls")
                    .isEqualTo(rankKnown(fromNulls.inputs()));
        }));
    }

    /** One way of hiding part of an eager run from inference. */
    private record Knowledge<V>(String name, List<V> inputs, List<V> outputs) {
    }

    /**
     * Everything unknown; only the inputs; only the outputs; only input 0; each input alone hidden (outputs unknown,
     * then known); and everything known but dim 0 of input 0 (an unknown batch size).
     */
    private static <V> List<Knowledge<V>> knowledge(List<V> in, List<V> out, BiFunction<V, Integer, V> dropDim0) {
        List<Knowledge<V>> k = new ArrayList<>();
        k.add(new Knowledge<>("nothing known", InferenceRun.unknown(in.size()), InferenceRun.unknown(out.size())));
        k.add(new Knowledge<>("only the outputs known", InferenceRun.unknown(in.size()), out));
        if (!in.isEmpty()) {
            List<V> first = InferenceRun.unknown(in.size());
            first.set(0, in.get(0));
            k.add(new Knowledge<>("only input 0 known", first, InferenceRun.unknown(out.size())));
            List<V> noBatch = new ArrayList<>(in);
            noBatch.set(0, dropDim0.apply(in.get(0), 0));
            k.add(new Knowledge<>("input 0 without dim 0", noBatch, InferenceRun.unknown(out.size())));
        }
        for (int i = 0; i < in.size(); i++) {
            List<V> hidden = new ArrayList<>(in);
            hidden.set(i, null);
            k.add(new Knowledge<>("input " + i + " hidden", hidden, InferenceRun.unknown(out.size())));
            k.add(new Knowledge<>("input " + i + " hidden, outputs known", hidden, out));
        }
        return k;
    }

    private static Shape withoutDim0(Shape s, int unused) {
        return s.rank() == 0 ? null : s.with(0, Shape.UNKNOWN);
    }

    private interface Consistency<V> {
        boolean test(V truth, V inferred);
    }

    private static <V> void check(InferenceCase c, String knowledge, List<V> inTruth, List<V> in, List<V> outTruth,
                                  List<V> out, Consistency<V> consistent) {
        List<String> names = c.def().inputNames(c.parsedAttrs());
        Set<String> defaults = MXNET_DEFAULTS.getOrDefault(c.def().name(), Set.of());
        for (int i = 0; i < inTruth.size(); i++) {
            if (defaults.contains(names.get(i)) && !consistent.test(inTruth.get(i), in.get(i))) {
                return; // the default was taken where this run chose otherwise; what follows from it differs too
            }
        }
        for (int i = 0; i < inTruth.size(); i++) {
            assertThat(consistent.test(inTruth.get(i), in.get(i)))
                    .as("%s: input %d inferred as %s, the eager run had %s", knowledge, i, in.get(i), inTruth.get(i))
                    .isTrue();
        }
        for (int i = 0; i < outTruth.size(); i++) {
            assertThat(consistent.test(outTruth.get(i), out.get(i)))
                    .as("%s: output %d inferred as %s, the eager run had %s", knowledge, i, out.get(i), outTruth.get(i))
                    .isTrue();
        }
    }

    private static List<Boolean> rankKnown(List<Shape> shapes) {
        List<Boolean> out = new ArrayList<>();
        shapes.forEach(s -> out.add(ShapeSlots.isRankKnown(s)));
        return out;
    }
}
