package dev.kiln.op;

import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.kiln.op.ParameterInferenceTest.assertEagerAgrees;
import static dev.kiln.op.ParameterInferenceTest.infer;
import static dev.kiln.op.ParameterInferenceTest.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parameter shapes inferred from the data and attributes, worked out by hand from MXNet's rules, with unknown batch
 * sizes and in the backward direction; each fully inferred case is also run eagerly on arrays of the inferred shapes.
 */
class ParameterShapesTest {

    @Test
    void fullyConnectedInfersWeightAndBiasFromData() {
        Map<String, Object> attrs = Map.of("num_hidden", 10);
        InferenceRun<Shape> r = infer("FullyConnected", attrs, Shape.of(4, 3, 5), null, null);
        assertThat(r.inputs()).containsExactly(Shape.of(4, 3, 5), Shape.of(10, 15), Shape.of(10));
        assertThat(r.outputs()).containsExactly(Shape.of(4, 10));
        assertEagerAgrees("FullyConnected", attrs, r);
    }

    @Test
    void fullyConnectedWithUnknownBatchGivesAPartialOutput() {
        InferenceRun<Shape> flat = infer("FullyConnected", Map.of("num_hidden", 10, "no_bias", true), p(-1, 3, 5), null);
        assertThat(flat.inputs()).containsExactly(p(-1, 3, 5), Shape.of(10, 15));
        assertThat(flat.outputs()).containsExactly(p(-1, 10));
        InferenceRun<Shape> last = infer("FullyConnected", Map.of("num_hidden", 10, "flatten", false), p(-1, 3, 5),
                null, null);
        assertThat(last.inputs()).containsExactly(p(-1, 3, 5), Shape.of(10, 5), Shape.of(10));
        assertThat(last.outputs()).containsExactly(p(-1, 3, 10));
    }

    @Test
    void fullyConnectedGetsTheDataBackFromOutputAndWeight() {
        InferenceRun<Shape> batch = infer("FullyConnected", Map.of("num_hidden", 10),
                Arrays.asList(p(-1, 8), null, null), Arrays.asList(Shape.of(6, 10)));
        assertThat(batch.inputs().get(0)).isEqualTo(Shape.of(6, 8));
        InferenceRun<Shape> flattened = infer("FullyConnected", Map.of("num_hidden", 10),
                Arrays.asList(p(2, -1, 4), Shape.of(10, 12), null), Arrays.asList((Shape) null));
        assertThat(flattened.inputs().get(0)).isEqualTo(Shape.of(2, 3, 4));
        assertThat(flattened.outputs()).containsExactly(Shape.of(2, 10));
        InferenceRun<Shape> lastAxis = infer("FullyConnected", Map.of("num_hidden", 7, "flatten", false),
                Arrays.asList(null, Shape.of(7, 4), null), Arrays.asList(p(5, 2, 7)));
        assertThat(lastAxis.inputs()).containsExactly(Shape.of(5, 2, 4), Shape.of(7, 4), Shape.of(7));
    }

    @Test
    void fullyConnectedKeepsAKnownColumnBias() {
        InferenceRun<Shape> r = infer("FullyConnected", Map.of("num_hidden", 3), Shape.of(2, 4), null, Shape.of(3, 1));
        assertThat(r.inputs()).containsExactly(Shape.of(2, 4), Shape.of(3, 4), Shape.of(3, 1));
    }

    @Test
    void convolutionInfersWeightBiasAndOutputInEveryLayout() {
        // 2-D, two groups, stride 2, pad 1: (9 + 2 - 3) / 2 + 1 = 5 positions per axis
        Map<String, Object> nchw = Map.of("kernel", "(3, 3)", "num_filter", 6, "num_group", 2, "stride", "(2, 2)",
                "pad", "(1, 1)");
        InferenceRun<Shape> r = infer("Convolution", nchw, Shape.of(2, 4, 9, 9), null, null);
        assertThat(r.inputs()).containsExactly(Shape.of(2, 4, 9, 9), Shape.of(6, 2, 3, 3), Shape.of(6));
        assertThat(r.outputs()).containsExactly(Shape.of(2, 6, 5, 5));
        assertEagerAgrees("Convolution", nchw, r);
        Map<String, Object> nhwc = Map.of("kernel", "(3, 3)", "num_filter", 6, "num_group", 2, "stride", "(2, 2)",
                "pad", "(1, 1)", "layout", "NHWC");
        InferenceRun<Shape> last = infer("Convolution", nhwc, Shape.of(2, 9, 9, 4), null, null);
        assertThat(last.inputs()).containsExactly(Shape.of(2, 9, 9, 4), Shape.of(6, 3, 3, 2), Shape.of(6));
        assertThat(last.outputs()).containsExactly(Shape.of(2, 5, 5, 6));
        assertEagerAgrees("Convolution", nhwc, last);
        // 3-D without bias: 5 - 2 + 1 = 4 etc.
        Map<String, Object> ncdhw = Map.of("kernel", "(2, 2, 2)", "num_filter", 4, "no_bias", true);
        InferenceRun<Shape> vol = infer("Convolution", ncdhw, Shape.of(1, 3, 5, 6, 7), null);
        assertThat(vol.inputs()).containsExactly(Shape.of(1, 3, 5, 6, 7), Shape.of(4, 3, 2, 2, 2));
        assertThat(vol.outputs()).containsExactly(Shape.of(1, 4, 4, 5, 6));
        assertEagerAgrees("Convolution", ncdhw, vol);
        // 1-D dilated: the kernel spans 1 + (3 - 1) * 2 = 5, so 10 - 5 + 1 = 6 positions
        Map<String, Object> ncw = Map.of("kernel", "(3,)", "num_filter", 2, "dilate", "(2,)");
        InferenceRun<Shape> line = infer("Convolution", ncw, Shape.of(2, 3, 10), null, null);
        assertThat(line.inputs()).containsExactly(Shape.of(2, 3, 10), Shape.of(2, 3, 3), Shape.of(2));
        assertThat(line.outputs()).containsExactly(Shape.of(2, 2, 6));
        assertEagerAgrees("Convolution", ncw, line);
    }

    @Test
    void convolutionWithUnknownBatchAndHeightGivesAPartialOutput() {
        Map<String, Object> attrs = Map.of("kernel", "(3, 3)", "num_filter", 6, "stride", "(2, 2)", "pad", "(1, 1)");
        InferenceRun<Shape> r = infer("Convolution", attrs, p(-1, 4, -1, 9), null, null);
        assertThat(r.inputs()).containsExactly(p(-1, 4, -1, 9), Shape.of(6, 4, 3, 3), Shape.of(6));
        assertThat(r.outputs()).containsExactly(p(-1, 6, -1, 5));
        InferenceRun<Shape> nothing = infer("Convolution", attrs, null, null, null);
        assertThat(nothing.inputs()).containsExactly(p(-1, -1, -1, -1), p(6, -1, 3, 3), Shape.of(6));
        assertThat(nothing.outputs()).containsExactly(p(-1, 6, -1, -1));
    }

    @Test
    void convolutionGetsTheDataBackFromOutputAndWeight() {
        // stride 1, no padding: each spatial size is out + kernel - 1; the channels are weight[1] * num_group
        Map<String, Object> attrs = Map.of("kernel", "(3, 3)", "num_filter", 6, "num_group", 2, "no_bias", true);
        InferenceRun<Shape> r = infer("Convolution", attrs, Arrays.asList(null, Shape.of(6, 2, 3, 3)),
                Arrays.asList(Shape.of(5, 6, 7, 8)));
        assertThat(r.inputs().get(0)).isEqualTo(Shape.of(5, 4, 9, 10));
        assertEagerAgrees("Convolution", attrs, r);
        // stride 2 cannot be inverted: only batch and channels come back
        Map<String, Object> strided = Map.of("kernel", "(3, 3)", "num_filter", 6, "stride", "(2, 2)", "no_bias", true);
        InferenceRun<Shape> s = infer("Convolution", strided, Arrays.asList(null, Shape.of(6, 4, 3, 3)),
                Arrays.asList(Shape.of(5, 6, 4, 4)));
        assertThat(s.inputs().get(0)).isEqualTo(p(5, 4, -1, -1));
    }

    @Test
    void deconvolutionInfersWeightAndOutputWithAdjAndTargetShape() {
        // 2 * (4 - 1) + 3 - 2 * 1 + 1 = 8 per axis; the weight is (channels, num_filter / num_group, kernel)
        Map<String, Object> attrs = Map.of("kernel", "(3, 3)", "num_filter", 4, "stride", "(2, 2)", "pad", "(1, 1)",
                "adj", "(1, 1)", "no_bias", false);
        InferenceRun<Shape> r = infer("Deconvolution", attrs, Shape.of(2, 3, 4, 4), null, null);
        assertThat(r.inputs()).containsExactly(Shape.of(2, 3, 4, 4), Shape.of(3, 4, 3, 3), Shape.of(4));
        assertThat(r.outputs()).containsExactly(Shape.of(2, 4, 8, 8));
        assertEagerAgrees("Deconvolution", attrs, r);
        Map<String, Object> target = Map.of("kernel", "(3, 3)", "num_filter", 4, "stride", "(2, 2)",
                "target_shape", "(9, 9)");
        InferenceRun<Shape> t = infer("Deconvolution", target, p(2, 3, -1, -1), null);
        assertThat(t.inputs()).containsExactly(p(2, 3, -1, -1), Shape.of(3, 4, 3, 3));
        assertThat(t.outputs()).containsExactly(Shape.of(2, 4, 9, 9));
        Map<String, Object> grouped = Map.of("kernel", "(2,)", "num_filter", 6, "num_group", 3, "layout", "NWC");
        InferenceRun<Shape> g = infer("Deconvolution", grouped, Shape.of(1, 5, 3), null);
        assertThat(g.inputs()).containsExactly(Shape.of(1, 5, 3), Shape.of(3, 2, 2));
        assertThat(g.outputs()).containsExactly(Shape.of(1, 6, 6));
        assertEagerAgrees("Deconvolution", grouped, g);
    }

    @Test
    void deconvolutionGetsTheDataBackFromOutputAndWeight() {
        // out = 2 * (x - 1) + 3: an output of 9 comes from 4 positions; the channels are weight[0]
        Map<String, Object> attrs = Map.of("kernel", "(3, 3)", "num_filter", 4, "stride", "(2, 2)");
        InferenceRun<Shape> r = infer("Deconvolution", attrs, Arrays.asList(null, Shape.of(3, 4, 3, 3)),
                Arrays.asList(Shape.of(2, 4, 9, 9)));
        assertThat(r.inputs().get(0)).isEqualTo(Shape.of(2, 3, 4, 4));
        assertEagerAgrees("Deconvolution", attrs, r);
    }

    @Test
    void bilinearUpSamplingInfersItsWeightFromTheAttributes() {
        // k = 2 * scale - scale % 2 = 4 for scale 2
        Map<String, Object> attrs = Map.of("scale", 2, "sample_type", "bilinear", "num_filter", 3, "num_args", 2);
        InferenceRun<Shape> r = infer("UpSampling", attrs, p(-1, -1, 5, -1), null);
        assertThat(r.inputs()).containsExactly(p(-1, 3, 5, -1), Shape.of(3, 1, 4, 4));
        assertThat(r.outputs()).containsExactly(p(-1, 3, 10, -1));
        InferenceRun<Shape> full = infer("UpSampling", attrs, Shape.of(2, 3, 5, 4), null);
        assertEagerAgrees("UpSampling", attrs, full);
    }

    @Test
    void batchNormInfersParametersStatisticsAndOutputsAlongItsAxis() {
        InferenceRun<Shape> r = infer("BatchNorm", Map.of(), p(-1, 3, 4, 5), null, null, null, null);
        assertThat(r.inputs()).containsExactly(p(-1, 3, 4, 5), Shape.of(3), Shape.of(3), Shape.of(3), Shape.of(3));
        assertThat(r.outputs()).containsExactly(p(-1, 3, 4, 5), Shape.of(3), Shape.of(3));
        InferenceRun<Shape> last = infer("BatchNorm", Map.of("axis", -1), Shape.of(2, 3, 5), null, null, null, null);
        assertThat(last.inputs().subList(1, 5)).containsOnly(Shape.of(5));
        assertEagerAgrees("BatchNorm", Map.of("axis", -1), last);
        InferenceRun<Shape> back = infer("BatchNorm", Map.of(), p(-1, -1, -1), null, null, Shape.of(7), null);
        assertThat(back.inputs().get(0)).isEqualTo(p(-1, 7, -1));
        assertThat(back.inputs().subList(1, 5)).containsOnly(Shape.of(7));
    }

    @Test
    void layerGroupAndInstanceNormInferGammaBetaAndMoments() {
        InferenceRun<Shape> ln = infer("LayerNorm", Map.of(), p(-1, 3, 4), null, null);
        assertThat(ln.inputs()).containsExactly(p(-1, 3, 4), Shape.of(4), Shape.of(4));
        assertThat(ln.outputs()).containsExactly(p(-1, 3, 4), p(-1, 3, 1), p(-1, 3, 1));
        InferenceRun<Shape> lnAxis = infer("LayerNorm", Map.of("axis", 1), Shape.of(2, 3, 4), null, null);
        assertThat(lnAxis.inputs().subList(1, 3)).containsOnly(Shape.of(3));
        assertThat(lnAxis.outputs()).containsExactly(Shape.of(2, 3, 4), Shape.of(2, 1, 4), Shape.of(2, 1, 4));
        assertEagerAgrees("LayerNorm", Map.of("axis", 1), lnAxis);
        InferenceRun<Shape> gn = infer("GroupNorm", Map.of("num_groups", 3), p(-1, 6, 5), null, null);
        assertThat(gn.inputs()).containsExactly(p(-1, 6, 5), Shape.of(3), Shape.of(3));
        assertThat(gn.outputs()).containsExactly(p(-1, 6, 5), p(-1, 3), p(-1, 3));
        InferenceRun<Shape> in = infer("InstanceNorm", Map.of(), Shape.of(2, 3, 4, 4), null, null);
        assertThat(in.inputs()).containsExactly(Shape.of(2, 3, 4, 4), Shape.of(3), Shape.of(3));
        assertThat(in.outputs()).containsExactly(Shape.of(2, 3, 4, 4), Shape.of(2, 3), Shape.of(2, 3));
        assertEagerAgrees("InstanceNorm", Map.of(), in);
    }

    @Test
    void embeddingInfersItsWeightFromTheAttributesAndTheOutputFromTheData() {
        Map<String, Object> attrs = Map.of("input_dim", 10, "output_dim", 6);
        InferenceRun<Shape> r = infer("Embedding", attrs, p(-1, 7), null);
        assertThat(r.inputs()).containsExactly(p(-1, 7), Shape.of(10, 6));
        assertThat(r.outputs()).containsExactly(p(-1, 7, 6));
        InferenceRun<Shape> back = infer("Embedding", attrs, Arrays.asList(null, null), Arrays.asList(Shape.of(4, 7, 6)));
        assertThat(back.inputs()).containsExactly(Shape.of(4, 7), Shape.of(10, 6));
    }

    @Test
    void preluGammaIsOneSlopePerChannel() {
        InferenceRun<Shape> r = infer("LeakyReLU", Map.of("act_type", "prelu"), Shape.of(2, 5, 3), null);
        assertThat(r.inputs()).containsExactly(Shape.of(2, 5, 3), Shape.of(5));
        assertEagerAgrees("LeakyReLU", Map.of("act_type", "prelu"), r);
        InferenceRun<Shape> shared = infer("LeakyReLU", Map.of("act_type", "prelu"), Shape.of(2, 5, 3), Shape.of(1));
        assertThat(shared.inputs().get(1)).isEqualTo(Shape.of(1));
    }

    @Test
    void labelsAndLengthsFollowTheData() {
        assertThat(infer("SoftmaxOutput", Map.of(), p(-1, 10), null).inputs().get(1)).isEqualTo(p(-1));
        InferenceRun<Shape> multi = infer("SoftmaxOutput", Map.of("multi_output", true), Shape.of(2, 3, 4, 5), null);
        assertThat(multi.inputs().get(1)).isEqualTo(Shape.of(2, 20));
        assertEagerAgrees("SoftmaxOutput", Map.of("multi_output", true), multi);
        InferenceRun<Shape> back = infer("SoftmaxOutput", Map.of(), p(-1, 10), Shape.of(8));
        assertThat(back.inputs().get(0)).isEqualTo(Shape.of(8, 10));
        InferenceRun<Shape> xent = infer("softmax_cross_entropy", Map.of(), Shape.of(4, 10), null);
        assertThat(xent.inputs().get(1)).isEqualTo(Shape.of(4));
        assertThat(xent.outputs()).containsExactly(Shape.of(1));
        assertThat(infer("softmax", Map.of("use_length", true), Shape.of(3, 5), null).inputs().get(1))
                .isEqualTo(Shape.of(3));
        assertThat(infer("softmax", Map.of("use_length", true, "axis", 0), Shape.of(3, 5), null).inputs().get(1))
                .isEqualTo(Shape.of(5));
        assertThat(infer("SequenceLast", Map.of("use_sequence_length", true, "axis", 1), p(4, -1, 2), null)
                .inputs().get(1)).isEqualTo(Shape.of(4));
    }

    @Test
    void dropoutsMaskHasOnesOnItsSharedAxes() {
        InferenceRun<Shape> r = infer("Dropout", Map.of("axes", "(1,)"), p(-1, 4, 5));
        assertThat(r.outputs()).containsExactly(p(-1, 4, 5), p(-1, 1, 5));
        InferenceRun<Shape> back = infer("Dropout", Map.of("axes", "(1,)"), Arrays.asList((Shape) null),
                Arrays.asList(null, Shape.of(3, 1, 5)));
        assertThat(back.inputs()).containsExactly(p(3, -1, 5));
    }

    @Test
    void poolingFlattenAndConcatKeepWhatIsKnown() {
        InferenceRun<Shape> pool = infer("Pooling", Map.of("kernel", "(2, 2)", "stride", "(2, 2)"), p(-1, 3, 8, 8));
        assertThat(pool.outputs()).containsExactly(p(-1, 3, 4, 4));
        InferenceRun<Shape> poolBack = infer("Pooling", Map.of("kernel", "(2, 2)"), Arrays.asList((Shape) null),
                Arrays.asList(Shape.of(5, 3, 7, 7)));
        assertThat(poolBack.inputs()).containsExactly(p(5, 3, -1, -1));
        assertThat(infer("Flatten", Map.of(), p(-1, 3, 4)).outputs()).containsExactly(p(-1, 12));
        InferenceRun<Shape> concat = infer("Concat", Map.of("num_args", 2, "dim", 1), Arrays.asList(p(2, 3), null),
                Arrays.asList(p(-1, 7)));
        assertThat(concat.inputs()).containsExactly(Shape.of(2, 3), Shape.of(2, 4));
        assertThat(concat.outputs()).containsExactly(Shape.of(2, 7));
        InferenceRun<Shape> reshape = infer("Reshape", Map.of("shape", "(3, 8)"), Arrays.asList(p(-1, 4)),
                Arrays.asList(Shape.of(3, 8)));
        assertThat(reshape.inputs()).containsExactly(Shape.of(6, 4));
    }

    @Test
    void elementwiseOpsMergePartialShapesBothWays() {
        InferenceRun<Shape> same = infer("elemwise_add", Map.of(), p(-1, 3), p(2, -1));
        assertThat(same.inputs()).containsExactly(Shape.of(2, 3), Shape.of(2, 3));
        assertThat(same.outputs()).containsExactly(Shape.of(2, 3));
        InferenceRun<Shape> act = infer("Activation", Map.of("act_type", "relu"), Arrays.asList((Shape) null),
                Arrays.asList(p(4, -1)));
        assertThat(act.inputs()).containsExactly(p(4, -1));
        assertThat(infer("broadcast_add", Map.of(), p(-1, 3), Shape.of(4, 1)).outputs())
                .containsExactly(Shape.of(4, 3));
        assertThat(infer("broadcast_mul", Map.of(), p(2, -1), Shape.of(1)).outputs()).containsExactly(p(2, -1));
        assertThat(infer("broadcast_mul", Map.of(), p(2, -1), null).outputs()).containsExactly((Shape) null);
        InferenceRun<Shape> transpose = infer("transpose", Map.of("axes", "(2, 0, 1)"), Arrays.asList((Shape) null),
                Arrays.asList(p(5, -1, 3)));
        assertThat(transpose.inputs()).containsExactly(p(-1, 3, 5));
    }

    @Test
    void stackAndExpandDimsWorkBothWays() {
        InferenceRun<Shape> stack = infer("stack", Map.of("num_args", 3, "axis", 1), Arrays.asList(null, null, null),
                Arrays.asList(p(2, 3, -1)));
        assertThat(stack.inputs()).containsOnly(p(2, -1));
        assertThat(infer("expand_dims", Map.of("axis", -1), p(-1, 3)).outputs()).containsExactly(p(-1, 3, 1));
        assertThat(infer("expand_dims", Map.of("axis", 0), Arrays.asList((Shape) null), List.of(p(1, 4, -1)))
                .inputs()).containsExactly(p(4, -1));
    }
}
