package dev.kiln.graph.json;

import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.graph.Graph;
import dev.kiln.ndarray.DType;
import dev.kiln.op.IntTuple;
import dev.kiln.symbol.NameManager;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kiln graph to JSON and back gives an equal graph, and Kiln's JSON reads back to the same bytes. */
class SymbolJsonRoundTripTest {

    static Symbol mlp() {
        try (var ns = NameManager.prefix("mlp_")) {
            Symbol x = Symbol.var("data", Map.of("shape", new int[] {0, 8}, "dtype", DType.FLOAT32));
            Symbol h = sym.activation(sym.fullyConnected(x, null, null, 16, Map.of("name", "fc1")), "relu");
            Symbol d = sym.dropout(h, Map.of("p", 0.25));
            return sym.fullyConnected(d, Symbol.var("w2", Map.of("lr_mult", 0.5, "init", "xavier")), null, 4,
                    Map.of("name", "fc2", "no_bias", true, "flatten", false));
        }
    }

    static Symbol convNet() {
        try (var ns = NameManager.fresh()) {
            Symbol x = Symbol.var("data");
            Symbol c = sym.convolution(x, null, null, IntTuple.of(3, 3), 8, Map.of("pad", IntTuple.of(1, 1),
                    "stride", IntTuple.of(1, 1), "layout", "NCHW"));
            Symbol bn = sym.batchNorm(c, null, null, null, null, Map.of("eps", 1e-5, "momentum", 0.9,
                    "fix_gamma", false)).get(0);
            Symbol p = sym.pooling(sym.activation(bn, "relu"), Map.of("kernel", IntTuple.of(2, 2),
                    "pool_type", "max", "stride", IntTuple.of(2, 2), "pooling_convention", "full"));
            Symbol g = sym.pooling(p, Map.of("global_pool", true, "pool_type", "avg", "kernel", IntTuple.of(1, 1)));
            return sym.flatten(g);
        }
    }

    static Symbol splitGroup() {
        try (var ns = NameManager.fresh()) {
            Symbol x = Symbol.var("x");
            Symbol parts = sym.call("split", Map.of("num_outputs", 3, "axis", 1, "name", "sp"), x);
            Symbol sum = sym.elemwiseAdd(parts.get(0), parts.get(2), Map.of("name", "sum"));
            return Symbol.group(sum, parts.get(1), sym.sum(x, Map.of("axis", IntTuple.of(0), "keepdims", true)));
        }
    }

    /** Ops whose attributes cover every attribute type: ints, floats, bools, tuples, None, dtypes, enums. */
    static Symbol manyAttributeKinds() {
        try (var ns = NameManager.fresh()) {
            Symbol x = Symbol.var("x");
            Symbol a = sym.clip(x, -0.5, 1e-7);
            Symbol b = sym.cast(a, DType.FLOAT64, Map.of("name", "to64"));
            Symbol c = sym.slice(b, IntTuple.ofNullable(null, 1), IntTuple.ofNullable(2, null),
                    Map.of("step", IntTuple.ofNullable(1, null)));
            Symbol d = sym.transpose(c, Map.of("axes", IntTuple.of(1, 0)));
            Symbol e = sym.leakyReLU(d, null, Map.of("act_type", "elu", "slope", 0.3));
            Symbol f = sym.softmax(e, null, Map.of("axis", -1, "temperature", 2.0, "__tag__", "t"));
            Symbol g = sym.argmax(f, Map.of("axis", 1, "keepdims", true));
            return sym.reshape(sym.expandDims(g, 0), Map.of("shape", IntTuple.of(-1, 0)));
        }
    }

    @Test
    void kilnGraphsReadBackEqualAndRewriteToTheSameBytes() {
        for (Symbol s : List.of(mlp(), convNet(), splitGroup(), manyAttributeKinds())) {
            Graph g = s.graph();
            String json = SymbolJson.write(g);
            Graph back = SymbolJson.read(json);
            assertThat(back).isEqualTo(g);
            assertThat(SymbolJson.write(back)).isEqualTo(json);
            assertThat(Symbol.fromJson(json).listOutputs()).isEqualTo(s.listOutputs());
        }
    }

    @Test
    void numpyNamedOpsAreWrittenUnderMXNetsNpiNamesAndReadBack() {
        Symbol a = Symbol.var("a");
        Symbol s = Symbol.group(sym.matmul(a, Symbol.var("b"), Map.of("name", "mm")),
                sym.isnan(a, Map.of("name", "nan")));
        String json = s.toJson();
        assertThat(json).contains("\"op\": \"_npi_matmul\"").contains("\"op\": \"_npi_isnan\"")
                .doesNotContain("\"op\": \"matmul\"");
        assertThat(Symbol.fromJson(json).graph()).isEqualTo(s.graph());
    }

    @Test
    void saveWritesTheJsonAtomicallyAndLoadReadsItBack(@TempDir Path dir) throws IOException {
        Symbol s = convNet();
        Path file = dir.resolve("net-symbol.json");
        Files.writeString(file, "old contents");
        s.save(file);
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(s.toJson());
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
        assertThat(Symbol.load(file).graph()).isEqualTo(s.graph());
        assertThat(Symbol.load(file).listAuxiliaryStates()).isEqualTo(s.listAuxiliaryStates());
    }

    @Test
    void loadingAMissingOrBrokenFileNamesTheFile(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("nope.json");
        assertThatThrownBy(() -> Symbol.load(missing)).isExactlyInstanceOf(KilnException.class)
                .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist");
        Path broken = dir.resolve("broken.json");
        Files.writeString(broken, "{\"nodes\": [");
        assertThatThrownBy(() -> Symbol.load(broken)).isInstanceOf(FileFormatException.class)
                .hasMessageContaining(broken.toString())
                .hasMessageContaining("malformed symbol JSON");
        Path big = dir.resolve("big.json");
        Files.writeString(big, " ".repeat(2000));
        assertThatThrownBy(() -> SymbolJson.load(big, new SymbolJson.Limits(1000, 1000, 10)))
                .hasMessageContaining("2000 bytes long, more than the limit of 1000");
    }

    @Test
    void utf8NamesAndAnnotationsSurviveAFile(@TempDir Path dir) {
        Symbol s = sym.relu(Symbol.var("données", Map.of("__note__", "ü \"q\" ✓")), Map.of("name", "рelu"));
        Path file = dir.resolve("u.json");
        s.save(file);
        assertThat(Symbol.load(file).graph()).isEqualTo(s.graph());
    }
}
