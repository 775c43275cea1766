package dev.kiln.op;

import dev.kiln.ndarray.DType;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.kiln.ndarray.DType.BOOL;
import static dev.kiln.ndarray.DType.FLOAT16;
import static dev.kiln.ndarray.DType.FLOAT32;
import static dev.kiln.ndarray.DType.FLOAT64;
import static dev.kiln.ndarray.DType.INT32;
import static dev.kiln.ndarray.DType.INT64;
import static dev.kiln.ndarray.DType.INT8;
import static org.assertj.core.api.Assertions.assertThat;

/** Partial dtype inference where dtypes mix: index inputs, casts, index outputs, 16-bit data with float32 statistics. */
class DTypeInferenceTest {

    private static InferenceRun<DType> infer(String op, Map<String, ?> attrs, List<DType> in, List<DType> out) {
        OpDef def = OpRegistry.global().get(op);
        return InferenceRun.types(def, def.attrs(attrs), in, out);
    }

    private static InferenceRun<DType> infer(String op, Map<String, ?> attrs, DType... in) {
        OpDef def = OpRegistry.global().get(op);
        Attrs a = def.attrs(attrs);
        return InferenceRun.types(def, a, Arrays.asList(in), InferenceRun.unknown(def.numOutputs(a)));
    }

    @Test
    void embeddingTakesIntegerIndicesAndAFloat16Weight() {
        Map<String, Object> attrs = Map.of("input_dim", 10, "output_dim", 4, "dtype", "float16");
        assertThat(infer("Embedding", attrs, INT32, FLOAT16).outputs()).containsExactly(FLOAT16);
        InferenceRun<DType> fromAttr = infer("Embedding", attrs, INT64, null);
        assertThat(fromAttr.inputs()).containsExactly(INT64, FLOAT16);
        assertThat(fromAttr.outputs()).containsExactly(FLOAT16);
        InferenceRun<DType> fromOutput = infer("Embedding", Map.of("input_dim", 10, "output_dim", 4),
                Arrays.asList(null, null), List.of(FLOAT16));
        assertThat(fromOutput.inputs()).containsExactly(null, FLOAT16);
        InferenceRun<DType> known = infer("Embedding", Map.of("input_dim", 10, "output_dim", 4), INT32, FLOAT64);
        assertThat(known.outputs()).as("a known weight wins over the attribute's default").containsExactly(FLOAT64);
    }

    @Test
    void indexInputsKeepTheirOwnDType() {
        assertThat(infer("take", Map.of(), FLOAT16, INT64).outputs()).containsExactly(FLOAT16);
        assertThat(infer("take", Map.of(), Arrays.asList(null, INT32), List.of(FLOAT16)).inputs())
                .containsExactly(FLOAT16, INT32);
        assertThat(infer("pick", Map.of(), Arrays.asList(null, null), List.of(FLOAT64)).inputs())
                .containsExactly(FLOAT64, null);
        assertThat(infer("gather_nd", Map.of(), INT32, INT64).outputs()).containsExactly(INT32);
        assertThat(infer("one_hot", Map.of("depth", 3, "dtype", "int8"), (DType) null).outputs()).containsExactly(INT8);
        assertThat(infer("where", Map.of(), INT32, FLOAT16, null).inputs()).containsExactly(INT32, FLOAT16, FLOAT16);
        assertThat(infer("SequenceMask", Map.of("use_sequence_length", true), FLOAT32, INT64).outputs())
                .containsExactly(FLOAT32);
    }

    @Test
    void castGivesItsOutputDTypeWithoutItsInput() {
        InferenceRun<DType> r = infer("Cast", Map.of("dtype", "float16"), (DType) null);
        assertThat(r.inputs()).containsExactly((DType) null);
        assertThat(r.outputs()).containsExactly(FLOAT16);
        assertThat(infer("_cast_like", Map.of(), null, INT8).outputs()).containsExactly(INT8);
    }

    @Test
    void indexOutputsHaveTheirAttributesDType() {
        assertThat(infer("argsort", Map.of("dtype", "int32"), (DType) null).outputs()).containsExactly(INT32);
        assertThat(infer("topk", Map.of("ret_typ", "both", "dtype", "int64"), (DType) null).outputs())
                .containsExactly(null, INT64);
        InferenceRun<DType> both = infer("topk", Map.of("ret_typ", "both"), Arrays.asList((DType) null),
                Arrays.asList(FLOAT16, null));
        assertThat(both.inputs()).containsExactly(FLOAT16);
        assertThat(both.outputs()).containsExactly(FLOAT16, FLOAT32);
        assertThat(infer("argmax", Map.of("axis", 0), Arrays.asList((DType) null), List.of(FLOAT64)).inputs())
                .as("argmax keeps the data's dtype, as MXNet 1.x").containsExactly(FLOAT64);
        assertThat(infer("shape_array", Map.of(), (DType) null).outputs()).containsExactly(INT64);
        assertThat(infer("isnan", Map.of(), (DType) null).outputs()).containsExactly(BOOL);
    }

    @Test
    void creationAndRandomOpsTakeTheirDTypeAttribute() {
        assertThat(infer("_zeros", Map.of("shape", "(2,)", "dtype", "int64")).outputs()).containsExactly(INT64);
        assertThat(infer("_random_uniform", Map.of("shape", "(2,)", "dtype", "float16")).outputs())
                .containsExactly(FLOAT16);
        assertThat(infer("_random_randint", Map.of("low", 0L, "high", 4L)).outputs()).containsExactly(INT32);
        assertThat(infer("_sample_multinomial", Map.of("get_prob", true), (DType) null).outputs())
                .containsExactly(INT32, null);
        assertThat(infer("_sample_multinomial", Map.of("get_prob", true), FLOAT64).outputs())
                .containsExactly(INT32, FLOAT64);
    }

    @Test
    void batchNormKeepsFloat32StatisticsFor16BitData() {
        InferenceRun<DType> half = infer("BatchNorm", Map.of(), FLOAT16, null, null, null, null);
        assertThat(half.inputs()).containsExactly(FLOAT16, FLOAT32, FLOAT32, FLOAT32, FLOAT32);
        assertThat(half.outputs()).containsExactly(FLOAT16, FLOAT32, FLOAT32);
        InferenceRun<DType> wide = infer("BatchNorm", Map.of(), null, FLOAT64, null, null, null);
        assertThat(wide.inputs()).as("float64 statistics only come from float64 data").containsOnly(FLOAT64);
        InferenceRun<DType> ambiguous = infer("BatchNorm", Map.of(), null, FLOAT32, null, null, null);
        assertThat(ambiguous.inputs().get(0)).as("float32 statistics serve float16, bfloat16 or float32").isNull();
    }

    @Test
    void layersSpreadTheDataDTypeToTheirParameters() {
        assertThat(infer("FullyConnected", Map.of("num_hidden", 2), FLOAT16, null, null).inputs()).containsOnly(FLOAT16);
        assertThat(infer("Convolution", Map.of("kernel", "(3,)", "num_filter", 2), null, FLOAT64, null).inputs())
                .containsOnly(FLOAT64);
        assertThat(infer("LayerNorm", Map.of(), FLOAT64, null, null).outputs()).containsOnly(FLOAT64);
        assertThat(infer("SoftmaxOutput", Map.of(), FLOAT16, null).inputs()).containsOnly(FLOAT16);
    }

    @Test
    void softmaxWithADTypeKeepsItsOutputApartFromItsInput() {
        assertThat(infer("softmax", Map.of("dtype", "float64"), (DType) null).outputs()).containsExactly(FLOAT64);
        assertThat(infer("softmax", Map.of(), Arrays.asList((DType) null), List.of(FLOAT16)).inputs())
                .containsExactly(FLOAT16);
        assertThat(infer("softmax", Map.of("dtype", "float64"), Arrays.asList((DType) null), List.of(FLOAT64))
                .inputs()).containsExactly((DType) null);
    }

    @Test
    void scalarOpsWidenIntegersOnlyForFloatScalars() {
        assertThat(infer("_plus_scalar", Map.of("scalar", 0.5, "is_int", false), INT32).outputs())
                .containsExactly(FLOAT64);
        assertThat(infer("_plus_scalar", Map.of("scalar", 1.0), BOOL).outputs()).containsExactly(INT64);
        assertThat(infer("_mul_scalar", Map.of(), Arrays.asList((DType) null), List.of(FLOAT16)).inputs())
                .containsExactly(FLOAT16);
        assertThat(infer("_mul_scalar", Map.of("is_int", false), Arrays.asList((DType) null), List.of(FLOAT64))
                .inputs()).as("float64 comes from float64 or from any integer dtype").containsExactly((DType) null);
        assertThat(infer("cumsum", Map.of(), Arrays.asList((DType) null), List.of(INT64)).inputs())
                .as("int64 comes from int64 or bool").containsExactly((DType) null);
    }
}
