package dev.kiln.graph.json;

import dev.kiln.FileFormatException;
import dev.kiln.graph.Graph;
import org.junit.jupiter.api.Test;

import static dev.kiln.graph.json.SymbolJsonReaderTest.doc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Malformed, inconsistent and hostile documents: each is a clear {@link FileFormatException}, never a crash. */
class SymbolJsonErrorTest {
    private static final String X = "{\"op\": \"null\", \"name\": \"x\", \"inputs\": []}";

    private static void rejects(String json, String... fragments) {
        var thrown = assertThatThrownBy(() -> SymbolJson.read(json)).isInstanceOf(FileFormatException.class);
        for (String f : fragments) {
            thrown.hasMessageContaining(f);
        }
    }

    @Test
    void anUnknownOpNamesTheOpAndTheNode() {
        rejects(doc(X + ", {\"op\": \"NoSuchOp\", \"name\": \"foo_fwd\", \"inputs\": [[0, 0, 0]]}", "[[1, 0]]"),
                "node 1 'foo_fwd': unknown op 'NoSuchOp'");
    }

    @Test
    void malformedJsonIsReportedWithItsPosition() {
        rejects("{\"nodes\": [" + X + ",", "malformed symbol JSON", "line 1");
        rejects("{\"nodes\": [] \"heads\": []}", "malformed symbol JSON");
        rejects("", "empty");
        rejects("[]", "the graph: expected an object, got an array");
        rejects(doc(X, "[[0, 0]]") + " {}", "unexpected content after the graph");
        rejects("{\"nodes\": [], \"arg_nodes\": [], \"heads\": [], \"nodes\": 3}", "'nodes': expected an array");
    }

    @Test
    void fieldsOfTheWrongTypeNameTheNodeAndField() {
        rejects(doc("{\"op\": \"null\", \"name\": 7, \"inputs\": []}", "[]"), "node 0 field 'name'",
                "expected a string, got the number 7");
        rejects(doc(X + ", {\"op\": \"relu\", \"name\": \"r\", \"attrs\": {\"a\": 1}, \"inputs\": [[0, 0]]}", "[]"),
                "node 1 'r' field 'attrs' key 'a': expected a string");
        rejects(doc("{\"op\": \"null\", \"name\": \"x\", \"inputs\": {}}", "[]"), "field 'inputs'",
                "expected an array, got an object");
        rejects(doc(X + ", {\"op\": \"relu\", \"name\": \"r\", \"inputs\": [0]}", "[]"), "item 0",
                "expected an array");
        rejects(doc(X + ", {\"op\": \"relu\", \"name\": \"r\", \"inputs\": [[0]]}", "[]"), "2 or 3 numbers");
        rejects(doc(X + ", {\"op\": \"relu\", \"name\": \"r\", \"inputs\": [[0, 0, 0, 0]]}", "[]"), "2 or 3 numbers");
        rejects(doc(X + ", {\"op\": \"relu\", \"name\": \"r\", \"inputs\": [[0.5, 0]]}", "[]"),
                "expected an integer, got the number 0.5");
        rejects(doc(X + ", {\"op\": \"relu\", \"name\": \"r\", \"inputs\": [[-1, 0]]}", "[]"), "non-negative");
        rejects(doc(X + ", {\"op\": \"relu\", \"name\": \"r\", \"inputs\": [[99999999999, 0]]}", "[]"),
                "out of range");
        rejects(doc("{\"op\": \"null\", \"name\": \"x\", \"inputs\": [], \"extra\": 1}", "[]"),
                "node 0: unknown field 'extra'");
        rejects("{\"nodes\": [], \"arg_nodes\": [], \"heads\": [], \"version\": 1}", "unknown graph field 'version'");
        rejects("{\"nodes\": [], \"arg_nodes\": [], \"heads\": [], \"attrs\": {\"mxnet_version\": [\"str\", \"1\"]}}",
                "mxnet_version", "[\"int\", version]");
        rejects("{\"nodes\": [], \"heads\": []}", "no 'arg_nodes' field");
        rejects(doc("{\"op\": \"null\", \"inputs\": []}", "[]"), "node 0 has no 'name' field");
    }

    @Test
    void indicesOutsideTheGraphAreRejected() {
        rejects(doc(X + ", {\"op\": \"relu\", \"name\": \"r\", \"inputs\": [[5, 0]]}", "[[1, 0]]"),
                "node 1 'r' (relu) input 0 refers to node 5, but the graph has 2 nodes");
        rejects(doc(X, "[[3, 0]]"), "graph output 0 refers to node 3");
        rejects(doc(X + ", {\"op\": \"relu\", \"name\": \"r\", \"inputs\": [[0, 1]]}", "[[1, 0]]"),
                "node 1 'r' input 0 reads output 1 of node 0 'x', which has 1 output");
        rejects(doc(X, "[[0, 2]]"), "graph output 0 reads output 2 of node 0 'x'");
        rejects("{\"nodes\": [" + X + ", {\"op\": \"relu\", \"name\": \"r\", \"inputs\": [[0, 0]]}], "
                + "\"arg_nodes\": [1], \"heads\": [[1, 0]]}", "arg_nodes lists node 1 'r', which is not a variable");
        rejects("{\"nodes\": [" + X + "], \"arg_nodes\": [4], \"heads\": [[0, 0]]}", "arg_nodes refers to node 4");
    }

    @Test
    void cyclesAreRejectedNamingTheNodesOnThem() {
        rejects(doc("{\"op\": \"relu\", \"name\": \"self\", \"inputs\": [[0, 0]]}", "[[0, 0]]"),
                "cycle", "node 0 'self' -> node 0 'self'");
        rejects(doc("{\"op\": \"relu\", \"name\": \"a\", \"inputs\": [[1, 0]]},"
                        + "{\"op\": \"relu\", \"name\": \"b\", \"inputs\": [[0, 0]]}", "[[0, 0]]"),
                "node 0 'a' -> node 1 'b' -> node 0 'a'");
    }

    @Test
    void inputCountsAndVariableShapesOfNodesAreChecked() {
        rejects(doc(X + ", {\"op\": \"elemwise_add\", \"name\": \"s\", \"inputs\": [[0, 0]]}", "[[1, 0]]"),
                "node 1 's' (elemwise_add): has 1 inputs but the op takes 2 [lhs, rhs]");
        rejects(doc("{\"op\": \"null\", \"name\": \"v\", \"inputs\": [[0, 0]]}", "[[0, 0]]"),
                "node 0 'v': a variable (op \"null\") has no inputs");
        rejects(doc("{\"op\": \"null\", \"name\": \"\", \"inputs\": []}", "[[0, 0]]"), "node 0 has an empty name");
        rejects(doc(X + ", {\"op\": \"Activation\", \"name\": \"a\", \"attrs\": {\"act_type\": \"nope\"},"
                + " \"inputs\": [[0, 0]]}", "[[1, 0]]"), "node 1 'a'", "act_type", "nope");
        rejects(doc(X + ", {\"op\": \"Convolution\", \"name\": \"c\", \"attrs\": {\"kernel\": \"(3, 3)\"},"
                + " \"inputs\": [[0, 0], [0, 0], [0, 0]]}", "[[1, 0]]"), "node 1 'c'", "num_filter", "required");
    }

    @Test
    void subgraphsAndControlDependenciesAreRefusedClearly() {
        rejects(doc(X + ", {\"op\": \"_foreach\", \"name\": \"loop\", \"inputs\": [[0, 0]], \"subgraphs\": [{}]}",
                "[[1, 0]]"), "node 1 'loop': unknown op '_foreach'");
        rejects(doc(X + ", {\"op\": \"relu\", \"name\": \"r\", \"inputs\": [[0, 0]], \"subgraphs\": [{\"nodes\": []}]}",
                "[[1, 0]]"), "node 1 'r' (relu): carries 1 subgraph", "not supported");
        rejects(doc(X + ", {\"op\": \"relu\", \"name\": \"r\", \"inputs\": [[0, 0]], \"control_deps\": [0]}",
                "[[1, 0]]"), "node 1 'r' (relu): has control dependencies");
        Graph fine = SymbolJson.read(doc(X + ", {\"op\": \"relu\", \"name\": \"r\", \"inputs\": [[0, 0]],"
                + " \"control_deps\": [], \"subgraphs\": []}", "[[1, 0]]"));
        assertThat(fine.size()).isEqualTo(2);
    }

    @Test
    void deepNestingIsRefusedWithoutExhaustingTheStack() {
        rejects("{\"nodes\": " + "[".repeat(200_000) + "]".repeat(200_000) + "}", "node 0: expected an object");
        String deepSkipped = "{\"nodes\": [], \"arg_nodes\": [], \"heads\": [], \"attrs\": {\"x\": [\"str\", "
                + "[".repeat(200_000) + "]".repeat(200_000) + "]}}";
        rejects(deepSkipped, "exceeds the reader's limits", "nesting depth");
        String deepAttrs = doc("{\"op\": \"null\", \"name\": \"x\", \"inputs\": [], \"subgraphs\": ["
                + "[".repeat(100) + "]".repeat(100) + "]}", "[]");
        rejects(deepAttrs, "nesting depth");
    }

    @Test
    void oversizedDocumentsAreRefusedByTheLimits() {
        var small = new SymbolJson.Limits(1000, 1_000_000, 64);
        StringBuilder nodes = new StringBuilder(X);
        for (int i = 1; i < 100; i++) {
            nodes.append(", {\"op\": \"relu\", \"name\": \"r").append(i).append("\", \"inputs\": [[")
                    .append(i - 1).append(", 0]]}");
        }
        String json = doc(nodes.toString(), "[[99, 0]]");
        assertThat(SymbolJson.read(json).size()).isEqualTo(100);
        assertThatThrownBy(() -> SymbolJson.read(json, small)).hasMessageContaining("more than the limit of 1000");
        var fewTokens = new SymbolJson.Limits(1 << 20, 500, 64);
        assertThatThrownBy(() -> SymbolJson.read(json, fewTokens)).hasMessageContaining("Token count (501) exceeds the maximum allowed (500)")
                .hasMessageContaining("SymbolJson.Limits");
        String hugeString = doc("{\"op\": \"null\", \"name\": \"" + "n".repeat(5000) + "\", \"inputs\": []}", "[]");
        assertThatThrownBy(() -> SymbolJson.read(hugeString, new SymbolJson.Limits(4000, 1000, 64)))
                .isInstanceOf(FileFormatException.class);
    }

    @Test
    void aLongChainLoadsAndWritesWithoutRecursion() {
        int n = 100_000;
        StringBuilder nodes = new StringBuilder(X);
        for (int i = 1; i < n; i++) {
            nodes.append(",{\"op\":\"relu\",\"name\":\"r").append(i).append("\",\"inputs\":[[").append(i - 1)
                    .append(",0]]}");
        }
        Graph g = SymbolJson.read(doc(nodes.toString(), "[[" + (n - 1) + ", 0]]"));
        assertThat(g.size()).isEqualTo(n);
        assertThat(SymbolJson.read(SymbolJson.write(g))).isEqualTo(g);
    }
}
