package dev.kiln.graph.viz;

import dev.kiln.KilnException;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SummaryTest {
    private static final String UNDER = "_".repeat(120);
    private static final String DOUBLE = "=".repeat(120);

    @Test
    void mlpTableMatchesPrintSummaryLayout() {
        long fc1 = 200L * 128 + 128;
        long fc2 = 128L * 10 + 10;
        String expected = """
                @_
                Layer (type)                                        Output Shape            Param #     Previous Layer
                @=
                data(null)                                          200                     0
                @_
                fc1(FullyConnected)                                 128                     %d       data
                @_
                relu1(Activation)                                   128                     0           fc1
                @_
                fc2(FullyConnected)                                 10                      %d        relu1
                @_
                out_label(null)                                                             0
                @_
                out(SoftmaxOutput)                                  10                      0           fc2
                                                                                                        out_label
                @=
                Total params: %d
                @_
                """.formatted(fc1, fc2, fc1 + fc2).replace("@_", UNDER).replace("@=", DOUBLE);
        assertThat(Nets.mlp().summary(Nets.mlpShapes())).isEqualTo(expected);
    }

    @Test
    void columnsStartAtMXNetsFractionsOfTheLineLength() {
        String header = Nets.mlp().summary(Nets.mlpShapes()).lines().toList().get(1);
        assertThat(header.indexOf("Output Shape")).isEqualTo((int) (120 * .44));
        assertThat(header.indexOf("Param #")).isEqualTo((int) (120 * .64));
        assertThat(header.indexOf("Previous Layer")).isEqualTo((int) (120 * .74));
        List<String> narrow = Nets.mlp().summary(Nets.mlpShapes()).lines().toList();
        assertThat(narrow).allMatch(l -> l.length() <= 120);
        String[] short80 = Summary.format(Nets.mlp().graph(), Nets.mlpShapes(), 80).split("\n");
        assertThat(short80[0]).hasSize(80);
        assertThat(short80[1].indexOf("Output Shape")).isEqualTo(35);
        assertThat(short80[1].indexOf("Param #")).isEqualTo(51);
        assertThat(short80[1].indexOf("Previous Layer")).isEqualTo(59);
        assertThatThrownBy(() -> Summary.format(Nets.mlp().graph(), Map.of(), 3)).isInstanceOf(KilnException.class)
                .hasMessageContaining("line length");
    }

    @Test
    void convolutionAndBatchNormCountWeightsBiasGammaAndBetaButNotMovingStatistics() {
        long conv = 16L * 3 * 3 * 3 + 16;
        long bn = 2L * 16;
        String table = Nets.convBnReluPool().summary(Nets.convShapes());
        assertThat(table).contains("conv1(Convolution)" + " ".repeat(52 - 18) + "16x32x32" + " ".repeat(24 - 8)
                + padded(conv, 12) + "data\n");
        assertThat(table).contains("bn1(BatchNorm)" + " ".repeat(52 - 14) + "16x32x32" + " ".repeat(24 - 8)
                + padded(bn, 12) + "conv1\n");
        assertThat(table).contains("flat(Flatten)" + " ".repeat(52 - 13) + (16 * 16 * 16));
        assertThat(table).endsWith("Total params: " + (conv + bn) + "\n" + UNDER + "\n");
        assertThat(table).doesNotContain("moving", "conv1_weight");
    }

    @Test
    void aSharedParameterCountsOnce() {
        Symbol w = Symbol.var("w");
        Symbol b = Symbol.var("b");
        Symbol h = sym.fullyConnected(Symbol.var("x"), w, b, 6, Map.of("name", "fc_a"));
        Symbol y = sym.fullyConnected(h, w, b, 6, Map.of("name", "fc_b"));
        String table = y.summary(Map.of("x", Shape.of(2, 6), "w", Shape.of(6, 6), "b", Shape.of(6)));
        assertThat(table).contains("fc_a(FullyConnected)" + " ".repeat(52 - 20) + "6" + " ".repeat(23)
                + padded(6 * 6 + 6, 12) + "x\n");
        assertThat(table).contains("fc_b(FullyConnected)" + " ".repeat(52 - 20) + "6" + " ".repeat(23)
                + padded(0, 12) + "fc_a\n");
        assertThat(table).contains("Total params: " + (6 * 6 + 6) + "\n");
    }

    @Test
    void parametersOfUnknownShapeAreMarkedAndListed() {
        Symbol fc = sym.fullyConnected(Symbol.var("data"), null, null, 3, Map.of("name", "fc"));
        Symbol y = sym.broadcastMul(fc, Symbol.var("scale_gamma"), Map.of("name", "mul"));
        String table = y.summary(Map.of("data", Shape.of(0, 4), "fc_weight", Shape.of(3, 4), "fc_bias",
                Shape.of(3)));
        assertThat(table).contains("data(null)" + " ".repeat(52 - 10) + "4" + " ".repeat(23) + "0\n");
        assertThat(table).contains("mul(broadcast_mul)" + " ".repeat(52 - 18) + "?" + " ".repeat(23) + "?"
                + " ".repeat(11) + "fc\n");
        assertThat(table).contains("Total params: " + (3 * 4 + 3) + "\n"
                + "Not counted, shape unknown: scale_gamma\n");
    }

    @Test
    void multiOutputLayersListEveryVisibleOutputAndRepeatedInputs() {
        String table = Nets.split().summary(Map.of("x", Shape.of(4, 6)));
        assertThat(table).contains("sp(SliceChannel)" + " ".repeat(52 - 16) + "3, 3" + " ".repeat(20) + "0"
                + " ".repeat(11) + "x\n");
        assertThat(table).contains("add(elemwise_add)" + " ".repeat(52 - 17) + "3" + " ".repeat(23) + "0"
                + " ".repeat(11) + "sp\n" + " ".repeat(88) + "sp\n" + DOUBLE);
    }

    @Test
    void longFieldsAreCutAtTheirColumn() {
        String name = "a".repeat(60);
        String table = sym.relu(Symbol.var("x"), Map.of("name", name)).summary(Map.of("x", Shape.of(1, 2)));
        char[] cut = new char[52];
        Arrays.fill(cut, 'a');
        assertThat(table).contains("\n" + new String(cut) + "2" + " ".repeat(23) + "0" + " ".repeat(11) + "x\n");
    }

    @Test
    void printSummaryWritesTheTableToTheCallersSink() {
        StringBuilder sink = new StringBuilder();
        Nets.mlp().printSummary(Nets.mlpShapes(), sink);
        assertThat(sink.toString()).isEqualTo(Nets.mlp().summary(Nets.mlpShapes()));

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        Nets.mlp().printSummary(new PrintStream(buf, true, StandardCharsets.UTF_8));
        assertThat(buf.toString(StandardCharsets.UTF_8)).isEqualTo(Nets.mlp().summary()).contains("Total params: ");
    }

    private static String padded(long value, int width) {
        String s = Long.toString(value);
        return s + " ".repeat(width - s.length());
    }
}
