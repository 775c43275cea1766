package dev.kiln.concurrency;

import dev.kiln.block.HybridBlock;
import dev.kiln.block.HybridSequential;
import dev.kiln.hybrid.HybridizeOptions;
import dev.kiln.ndarray.NDArray;
import dev.kiln.nn.Dense;
import dev.kiln.parameter.Parameter;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@value Overlap#THREADS} threads make the very first calls of a block together: the fields are registered, the
 * deferred parameters initialised, the block traced and its graph compiled while the others call too. Every thread
 * must get the output the block gives for its input afterwards on one thread, which fails if a late thread
 * initialised a parameter again (with other random values) after an early one had used it, and the block must end
 * with one trace's worth of compiled graphs. Each case runs on several fresh blocks, as a race need not show on the
 * first.
 */
@ExtendWith(dev.kiln.testing.FreshNames.class)
class FirstCallRaceTest {
    private static final int ROUNDS = 12;
    private static final int CALLS = 6;

    @ParameterizedTest(name = "cnn={0} deferred={1} hybridized={2} staticAlloc={3}")
    @CsvSource({
            "false, true, true, false",
            "false, true, true, true",
            "false, false, true, false",
            "true, true, true, false",
            "true, true, true, true",
            "false, true, false, false",
            "true, true, false, false"})
    void threadsRacingTheFirstCallsAllGetTheSingleThreadBits(boolean cnn, boolean deferred, boolean hybridized,
                                                             boolean staticAlloc) throws Exception {
        int checked = 0;
        for (int round = 0; round < ROUNDS; round++) {
            HybridBlock net = cnn ? Models.cnn() : deferred ? Models.mlp() : fixedMlp();
            net.initialize();
            if (hybridized) {
                net.hybridize(HybridizeOptions.builder().staticAlloc(staticAlloc).build());
            }
            List<NDArray> inputs = new ArrayList<>();
            for (int i = 0; i < Overlap.THREADS * CALLS; i++) {
                inputs.add(Models.input(cnn, 2, 1000L * round + i));
            }
            List<List<NDArray>> outs = Overlap.run((thread, start) -> {
                List<NDArray> mine = new ArrayList<>();
                for (int i = 0; i < CALLS; i++) {
                    mine.add(net.call(inputs.get(thread * CALLS + i)));
                }
                return mine;
            });
            for (Parameter p : net.collectParams().values()) {
                assertThat(p.isInitialized()).as("%s initialised", p.name()).isTrue();
            }
            for (int t = 0; t < Overlap.THREADS; t++) {
                for (int i = 0; i < CALLS; i++) {
                    NDArray expected = net.call(inputs.get(t * CALLS + i));
                    assertThat(Models.sameBits(outs.get(t).get(i), expected))
                            .as("round %d thread %d call %d", round, t, i).isTrue();
                    checked++;
                }
            }
            if (hybridized) {
                assertThat(net.compiledGraphs()).hasSize(1);
            }
        }
        assertThat(checked).isEqualTo(ROUNDS * Overlap.THREADS * CALLS);
    }

    /** The MLP with every input width given, so nothing is deferred. */
    private static HybridBlock fixedMlp() {
        HybridSequential net = new HybridSequential();
        net.add(Dense.builder(16).activation("relu").inUnits(Models.MLP_IN).build(),
                Dense.builder(16).activation("relu").inUnits(16).build(), Dense.builder(4).inUnits(16).build());
        return net;
    }
}
