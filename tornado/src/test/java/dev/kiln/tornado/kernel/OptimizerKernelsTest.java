package dev.kiln.tornado.kernel;

import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static dev.kiln.tornado.kernel.KernelHarness.assertClose;
import static dev.kiln.tornado.kernel.KernelHarness.node;
import static dev.kiln.tornado.kernel.KernelHarness.random;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fused optimizer updates on the device give the CPU ops' new weight and move their states in place as the CPU
 * ops do, with weight decay, gradient rescaling and clipping on and off.
 */
class OptimizerKernelsTest {
    private static final double TOL = 2e-5;

    record Case(String op, int states, Map<String, Object> attrs, float... scalars) {
        @Override
        public String toString() {
            return op + " " + attrs;
        }
    }

    static List<Case> cases() {
        List<Case> cases = new ArrayList<>();
        Map<String, Integer> ops = new java.util.LinkedHashMap<>();
        ops.put("sgd_update", 0);
        ops.put("sgd_mom_update", 1);
        ops.put("nag_mom_update", 1);
        ops.put("signsgd_update", 0);
        ops.put("signum_update", 1);
        ops.put("adam_update", 2);
        ops.put("rmsprop_update", 1);
        ops.put("rmspropalex_update", 3);
        ops.put("ftrl_update", 2);
        for (var e : ops.entrySet()) {
            Map<String, Object> plain = new HashMap<>(Map.of("lr", 0.05));
            Map<String, Object> all = new HashMap<>(Map.of("lr", 0.1, "wd", 0.01, "rescale_grad", 0.5,
                    "clip_gradient", 0.3));
            if (e.getValue() > 0 && !e.getKey().startsWith("ftrl") && !e.getKey().startsWith("adam")
                    && !e.getKey().startsWith("rmsprop")) {
                all.put("momentum", 0.9);
            }
            if (e.getKey().startsWith("rmsprop")) {
                all.put("clip_weights", 0.8);
            }
            if (e.getKey().equals("adam_update")) {
                all.put("beta1", 0.8);
            }
            if (e.getKey().equals("signum_update")) {
                all.put("wd_lh", 0.02);
            }
            cases.add(new Case(e.getKey(), e.getValue(), plain));
            cases.add(new Case(e.getKey(), e.getValue(), all));
        }
        Map<String, Object> adamw = Map.of("lr", 0.1, "wd", 0.01, "eta", 0.5, "clip_gradient", 0.3);
        cases.add(new Case("_adamw_update", 2, adamw, 0.5f));
        cases.add(new Case("_adamw_update", 2, Map.of("lr", 0.1, "eta", 1.0), 2f));
        cases.add(new Case("lamb_update_phase1", 2, Map.of("t", 3, "wd", 0.01, "rescale_grad", 0.5,
                "clip_gradient", 0.4, "beta1", 0.8)));
        cases.add(new Case("lamb_update_phase1", 2, Map.of("t", 1, "wd", 0.0, "bias_correction", false)));
        cases.add(new Case("lamb_update_phase2", 0, Map.of("lr", 0.1), 1.5f, 0.5f));
        cases.add(new Case("lamb_update_phase2", 0, Map.of("lr", 0.1, "lower_bound", 2.0, "upper_bound", 3.0),
                1.5f, 0.5f));
        cases.add(new Case("lamb_update_phase2", 0, Map.of("lr", 0.1), 0f, 0.5f));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void updateGivesTheCpuWeightAndMovesTheStatesInPlace(Case c) {
        Random r = new Random(c.op().hashCode());
        OpNode node = node(c.op(), c.attrs(), 2 + c.states() + c.scalars().length);
        List<NDArray> inputs = new ArrayList<>(List.of(random(r, 3, 7), random(r, 3, 7)));
        for (int s = 0; s < c.states(); s++) {
            // states that are averages of squares (n, var) are non-negative; rmspropalex's n stays above g^2
            boolean squares = c.op().contains("adam") || c.op().startsWith("lamb") ? s == 1
                    : c.op().startsWith("rmsprop") ? s == 0 : c.op().equals("ftrl_update") && s == 1;
            inputs.add(squares ? random(r, 1f, 3f, 3, 7) : random(r, -0.5f, 0.5f, 3, 7));
        }
        for (float v : c.scalars()) {
            inputs.add(NDArray.wrap(Shape.of(1), new float[] {v}));
        }
        List<Integer> mutated = KernelHarness.HEAP.mutatedInputs(node);
        assertThat(mutated).hasSize(c.states());
        List<float[]> device = KernelHarness.runBuffers(KernelHarness.HEAP, node, inputs);
        List<NDArray> cpuInputs = inputs.stream().map(NDArray::copy).toList();
        NDArray cpuOut = KernelHarness.cpu(node, cpuInputs).get(0);
        assertClose(c + " weight", NDArray.wrap(Shape.of(3, 7), device.get(inputs.size())), cpuOut, TOL);
        for (int s : mutated) {
            assertClose(c + " state " + s, NDArray.wrap(Shape.of(3, 7), device.get(s)), cpuInputs.get(s), TOL);
            assertThat(cpuInputs.get(s).toFloatArray()).as("the CPU op moved state " + s)
                    .isNotEqualTo(inputs.get(s).toFloatArray());
        }
    }

    /** AdamW skips the step (weight and states kept) when its rescale_grad is zero or not finite. */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(floats = {0f, Float.NaN, Float.POSITIVE_INFINITY})
    void adamWSkipsTheStepForAZeroOrNonFiniteRescale(float rescale) {
        Random r = new Random(2);
        OpNode node = node("_adamw_update", Map.of("lr", 0.1, "eta", 1.0), 5);
        List<NDArray> inputs = List.of(random(r, 2, 3), random(r, 2, 3), random(r, 2, 3), random(r, 1f, 2f, 2, 3),
                NDArray.wrap(Shape.of(1), new float[] {rescale}));
        List<float[]> device = KernelHarness.runBuffers(KernelHarness.HEAP, node, inputs);
        for (int k : new int[] {0, 2, 3}) {
            assertThat(device.get(k == 0 ? 5 : k)).as("buffer " + k).containsExactly(inputs.get(k).toFloatArray());
        }
    }

    /**
     * The learning rate (Adam folds its bias correction into it every step) and LAMB's step count are launch values,
     * so a training run reuses one kernel class per update and shape instead of generating one per step.
     */
    @Test
    void stepsWithNewLearningRatesOrStepCountsReuseOneKernelClass() {
        KernelLaunch first = lowerUpdate("adam_update", Map.of("lr", 0.1), 4);
        KernelLaunch second = lowerUpdate("adam_update", Map.of("lr", 0.0371), 4);
        assertThat(second.kernel()).isSameAs(first.kernel());
        assertThat(((KernelArg.FloatValues) first.args().getLast()).values()).containsExactly(0.1f);
        assertThat(((KernelArg.FloatValues) second.args().getLast()).values()).containsExactly(0.0371f);
        KernelLaunch lamb1 = lowerUpdate("lamb_update_phase1", Map.of("t", 1, "wd", 0.01), 4);
        KernelLaunch lamb7 = lowerUpdate("lamb_update_phase1", Map.of("t", 7, "wd", 0.01), 4);
        assertThat(lamb7.kernel()).isSameAs(lamb1.kernel());
        assertThat(((KernelArg.FloatValues) lamb7.args().getLast()).values())
                .isNotEqualTo(((KernelArg.FloatValues) lamb1.args().getLast()).values());
        assertThat(lowerUpdate("sgd_update", Map.of("lr", 0.5), 2).kernel())
                .isSameAs(lowerUpdate("sgd_update", Map.of("lr", 0.25), 2).kernel());
    }

    private static KernelLaunch lowerUpdate(String op, Map<String, ?> attrs, int numInputs) {
        OpNode node = node(op, attrs, numInputs);
        List<Shape> shapes = java.util.Collections.nCopies(numInputs, Shape.of(3, 7));
        List<dev.kiln.ndarray.DType> types = java.util.Collections.nCopies(numInputs, dev.kiln.ndarray.DType.FLOAT32);
        List<KernelLaunch> launches = KernelHarness.HEAP.lower(node, shapes, types, List.of(Shape.of(3, 7)),
                List.of(dev.kiln.ndarray.DType.FLOAT32), new BufferTable() {
                    @Override
                    public int input(int i) {
                        return i;
                    }

                    @Override
                    public int output(int i) {
                        return numInputs + i;
                    }

                    @Override
                    public int scratch(dev.kiln.ndarray.DType dtype, long elements) {
                        throw new AssertionError("no scratch expected");
                    }
                });
        assertThat(launches).hasSize(1);
        return launches.get(0);
    }

    @Test
    void updatesWithoutStatesMutateNothing() {
        assertThat(KernelHarness.HEAP.mutatedInputs(node("sgd_update", Map.of("lr", 0.1), 2))).isEmpty();
        assertThat(KernelHarness.HEAP.mutatedInputs(node("adam_update", Map.of("lr", 0.1), 4))).containsExactly(2, 3);
    }
}
