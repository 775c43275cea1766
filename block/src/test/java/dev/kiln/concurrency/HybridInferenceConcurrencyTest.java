package dev.kiln.concurrency;

import dev.kiln.block.HybridBlock;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One hybridized block serving inference from {@value Overlap#THREADS} threads at once: every call's output has
 * exactly the bits the same block gives for that input on a single thread, and no output handed out is written by a
 * later call (they are all checked again once every thread is done). Inputs differ from call to call; in the mixed
 * variant their batch sizes do too, so threads run different specialisations (or, with static shapes, different
 * compiled graphs) at the same moment.
 */
@ExtendWith(dev.kiln.testing.FreshNames.class)
class HybridInferenceConcurrencyTest {
    private static final int DISTINCT_INPUTS = 24;

    static Stream<Arguments> modelsAndOptions() {
        List<Arguments> out = new ArrayList<>();
        for (boolean cnn : new boolean[] {false, true}) {
            out.add(Arguments.of(cnn, "default", HybridizeOptions.defaults()));
            out.add(Arguments.of(cnn, "staticAlloc", HybridizeOptions.builder().staticAlloc(true).build()));
            out.add(Arguments.of(cnn, "staticAlloc+staticShape",
                    HybridizeOptions.builder().staticAlloc(true).staticShape(true).build()));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("modelsAndOptions")
    void everyThreadGetsTheSingleThreadBitsForItsInput(boolean cnn, String label, HybridizeOptions options)
            throws Exception {
        List<NDArray> inputs = new ArrayList<>();
        for (int i = 0; i < DISTINCT_INPUTS; i++) {
            inputs.add(Models.input(cnn, 2, 100 + i));
        }
        HybridBlock net = model(cnn, inputs.get(0), options);
        int checked = hammer(net, inputs, cnn ? 150 : 400);
        assertThat(checked).isEqualTo(Overlap.THREADS * (cnn ? 150 : 400));
        assertThat(net.compiledGraphs()).hasSize(1);
    }

    @ParameterizedTest(name = "{1} {0}")
    @MethodSource("modelsAndOptions")
    void threadsWithDifferentBatchSizesAtOnceEachGetTheirOwnBits(boolean cnn, String label,
                                                                 HybridizeOptions options) throws Exception {
        List<NDArray> inputs = new ArrayList<>();
        for (int i = 0; i < DISTINCT_INPUTS; i++) {
            inputs.add(Models.input(cnn, 1 + i % 4, 300 + i));
        }
        HybridBlock net = model(cnn, inputs.get(0), options);
        int checked = hammer(net, inputs, cnn ? 100 : 300);
        assertThat(checked).isEqualTo(Overlap.THREADS * (cnn ? 100 : 300));
        assertThat(net.compiledGraphs()).hasSize(options.staticShape() ? 4 : 1);
    }

    private static HybridBlock model(boolean cnn, NDArray example, HybridizeOptions options) {
        HybridBlock net = Models.initialized(cnn ? Models.cnn() : Models.mlp(), example, 7);
        net.hybridize(options);
        return net;
    }

    /**
     * Computes each input's output on this thread, then has every thread call {@code net} {@code calls} times on
     * inputs picked by thread and call number, comparing each output at once and all of them again at the end.
     * Returns how many calls were checked.
     */
    static int hammer(HybridBlock net, List<NDArray> inputs, int calls) throws Exception {
        List<NDArray> expected = new ArrayList<>();
        for (NDArray x : inputs) {
            expected.add(Models.frozen(net.call(x)));
        }
        List<List<Object[]>> kept = Overlap.run((thread, start) -> {
            List<Object[]> outs = new ArrayList<>(calls);
            for (int i = 0; i < calls; i++) {
                int k = (thread * 7 + i * 5) % inputs.size();
                NDArray y = net.call(inputs.get(k));
                if (!Models.sameBits(y, expected.get(k))) {
                    throw new AssertionError("thread " + thread + " call " + i + " on input " + k + ": got "
                            + y + ", single-thread " + expected.get(k));
                }
                outs.add(new Object[] {k, y});
            }
            return outs;
        });
        int checked = 0;
        for (List<Object[]> outs : kept) {
            for (Object[] o : outs) {
                int k = (Integer) o[0];
                assertThat(Models.sameBits((NDArray) o[1], expected.get(k)))
                        .as("output of input %d was written after it was returned", k).isTrue();
                checked++;
            }
        }
        return checked;
    }
}
