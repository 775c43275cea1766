package dev.kiln.conformance;

import dev.kiln.init.Uniform;
import dev.kiln.random.Random;
import dev.kiln.rnn.BidirectionalCell;
import dev.kiln.rnn.DropoutCell;
import dev.kiln.rnn.GRU;
import dev.kiln.rnn.GRUCell;
import dev.kiln.rnn.LSTM;
import dev.kiln.rnn.LSTMCell;
import dev.kiln.rnn.RNN;
import dev.kiln.rnn.RNNCell;
import dev.kiln.rnn.RecurrentLayer;
import dev.kiln.rnn.ResidualCell;
import dev.kiln.rnn.SequentialRNNCell;
import dev.kiln.rnn.UnrolledCell;
import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The recurrent layers against MXNet 1.9 running the same traced graph (weights flattened and joined by
 * {@code _rnn_param_concat}, the fused {@code RNN} op, zero begin states made from the data) as a cached op; and
 * unrolled cells, whose traced graphs are Gluon's per-step FullyConnected, SliceChannel and activation nodes.
 */
@ExtendWith(FreshNames.class)
class RecurrentLayerConformanceTest {

    @BeforeAll
    static void needsMXNet() {
        assumeTrue(MXNet.isAvailable(), "MXNet's native library is not available");
    }

    private static RecurrentLayer layer(String kind, int hidden, int layers, boolean bidirectional, String layout) {
        RecurrentLayer l = switch (kind) {
            case "lstm" -> LSTM.builder(hidden).numLayers(layers).bidirectional(bidirectional).layout(layout).build();
            case "gru" -> GRU.builder(hidden).numLayers(layers).bidirectional(bidirectional).layout(layout).build();
            default -> RNN.builder(hidden).activation(kind).numLayers(layers).bidirectional(bidirectional)
                    .layout(layout).build();
        };
        l.initialize(new Uniform(0.5));
        return l;
    }

    @ParameterizedTest
    @CsvSource({"relu, 1, false, TNC", "tanh, 2, true, NTC", "lstm, 1, false, TNC", "lstm, 2, true, TNC",
            "lstm, 2, false, NTC", "gru, 1, true, NTC", "gru, 2, false, TNC", "relu, 2, true, TNC"})
    void layerFromZeroStatesMatchesMXNet(String kind, int layers, boolean bidirectional, String layout) {
        RecurrentLayer l = layer(kind, 4, layers, bidirectional, layout);
        LayerConformance.assertMatchesMXNet(l, Random.uniform(-1, 1, 3, 2, 5));
    }

    @Test
    void lstmWithBeginStatesReturnsTheSameLastStatesAsMXNet() {
        RecurrentLayer l = layer("lstm", 3, 2, true, "NTC");
        LayerConformance.assertMatchesMXNet(l, Random.uniform(-1, 1, 2, 4, 3), Random.uniform(-1, 1, 4, 2, 3),
                Random.uniform(-1, 1, 4, 2, 3));
    }

    @Test
    void gruWithABeginStateAndDropoutOutsideTrainingMatchesMXNet() {
        RecurrentLayer l = GRU.builder(3).numLayers(2).dropout(0.4).build();
        l.initialize(new Uniform(0.5));
        LayerConformance.assertMatchesMXNet(l, Random.uniform(-1, 1, 4, 2, 3), Random.uniform(-1, 1, 2, 2, 3));
    }

    @Test
    void unrolledCellsMatchMXNet() {
        SequentialRNNCell stack = new SequentialRNNCell();
        stack.add(new LSTMCell(3)).add(new DropoutCell(0.5)).add(new ResidualCell(GRUCell.builder(3).inputSize(3)
                .build())).add(new BidirectionalCell(new RNNCell(2), RNNCell.builder(2).activation("relu").build()));
        UnrolledCell block = new UnrolledCell(stack, 4, "NTC");
        block.initialize(new Uniform(0.5));
        LayerConformance.assertMatchesMXNet(block, Random.uniform(-1, 1, 2, 4, 3));
    }
}
