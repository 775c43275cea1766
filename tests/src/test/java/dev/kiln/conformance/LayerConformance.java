package dev.kiln.conformance;

import dev.kiln.autograd.Autograd;
import dev.kiln.block.HybridBlock;
import dev.kiln.ndarray.NDArray;
import dev.kiln.symbol.Symbol;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Kiln layer against real MXNet 1.9: the block is traced to symbol JSON (what {@code export} writes), MXNet loads
 * it and runs it as a cached op (Gluon's hybridized layer) on the same inputs and parameter values, and its outputs
 * must equal Kiln's eager outputs. Training mode compares layers whose training output is deterministic (BatchNorm
 * on batch statistics), not random ones.
 */
final class LayerConformance {
    private LayerConformance() {
    }

    /** Compares in predict mode within float32 tolerance. */
    static void assertMatchesMXNet(HybridBlock block, NDArray... inputs) {
        assertMatchesMXNet(block, false, Tolerance.FLOAT32, inputs);
    }

    /** Compares in the given mode and tolerance; {@code block} must be initialised (deferred allowed). */
    static void assertMatchesMXNet(HybridBlock block, boolean training, Tolerance tol, NDArray... inputs) {
        List<NDArray> kiln;
        try (var ignored = training ? Autograd.trainMode() : Autograd.predictMode()) {
            kiln = block.callAll(java.util.Arrays.asList(inputs));
        }
        boolean[] present = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            present[i] = inputs[i] != null;
        }
        List<String> names = HybridBlock.inputNames(present);
        Map<String, NDArray> args = new LinkedHashMap<>();
        for (int i = 0; i < inputs.length; i++) {
            if (present[i]) {
                args.put(names.get(i), inputs[i]);
            }
        }
        // after the forward, which completed deferred parameters (training output does not read moving statistics)
        block.collectParams().asMap().forEach((k, p) -> args.put(k, p.data().copy()));
        Symbol traced = block.trace(present);
        List<NDArray> mxnet;
        try (MXSymbol mx = MXSymbol.fromJson(MXNet.get(), traced.toJson())) {
            mxnet = mx.run(args, training);
        }
        assertThat(kiln).as("number of outputs of " + block.name()).hasSameSizeAs(mxnet);
        for (int i = 0; i < kiln.size(); i++) {
            Optional<String> diff = ArrayComparison.compare(kiln.get(i), mxnet.get(i), tol);
            assertThat(diff).as(block.name() + " output " + i + " vs MXNet").isEmpty();
        }
    }
}
