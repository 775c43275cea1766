package dev.kiln.graph.json;

import dev.kiln.graph.Entry;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.op.OpRegistry;
import dev.kiln.symbol.NameManager;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SymbolJsonWriterTest {

    @Test
    void writesDmlcLayoutWithSortedStringAttributesAndTheMXNetVersion() {
        try (var ns = NameManager.fresh()) {
            Symbol fc = sym.fullyConnected(Symbol.var("x"), null, null, 2, Map.of("name", "fc"));
            Symbol act = sym.activation(fc, "relu", Map.of("name", "act"));
            // the layout of MXNet 1.9's tojson(): members end in ", ", closing brackets on their own lines
            String expected = """
                    {
                      "nodes": [
                        {
                          "op": "null",\s
                          "name": "x",\s
                          "inputs": []
                        },\s
                        {
                          "op": "null",\s
                          "name": "fc_weight",\s
                          "attrs": {"num_hidden": "2"},\s
                          "inputs": []
                        },\s
                        {
                          "op": "null",\s
                          "name": "fc_bias",\s
                          "attrs": {"num_hidden": "2"},\s
                          "inputs": []
                        },\s
                        {
                          "op": "FullyConnected",\s
                          "name": "fc",\s
                          "attrs": {"num_hidden": "2"},\s
                          "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]
                        },\s
                        {
                          "op": "Activation",\s
                          "name": "act",\s
                          "attrs": {"act_type": "relu"},\s
                          "inputs": [[3, 0, 0]]
                        }
                      ],\s
                      "arg_nodes": [0, 1, 2],\s
                      "node_row_ptr": [0, 1, 2, 3, 4, 5],\s
                      "heads": [[4, 0, 0]],\s
                      "attrs": {"mxnet_version": ["int", 10900]}
                    }""";
            assertThat(act.toJson()).isEqualTo(expected);
        }
    }

    @Test
    void severalAttributesGoOnSeparateLinesInByteOrder() {
        Symbol c = sym.convolution(Symbol.var("x"), Symbol.var("w"), null, dev.kiln.op.IntTuple.of(3, 3), 4,
                Map.of("name", "c", "no_bias", true, "stride", dev.kiln.op.IntTuple.of(2, 2), "__Z__", "z"));
        String json = c.toJson();
        assertThat(json).contains("""
                      "attrs": {
                        "__Z__": "z",\s
                        "kernel": "(3, 3)",\s
                        "no_bias": "True",\s
                        "num_filter": "4",\s
                        "stride": "(2, 2)"
                      },\s
                      "inputs": [[0, 0, 0], [1, 0, 0]]
                """.stripTrailing());
    }

    @Test
    void listsOfMoreThanTenItemsAreWrittenOneItemPerLine() {
        List<Symbol> parts = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            parts.add(Symbol.var("v" + i));
        }
        String json = sym.concat(parts, Map.of("name", "cat")).toJson();
        assertThat(json).contains("""
                      "inputs": [
                        [0, 0, 0],\s
                        [1, 0, 0],\s
                """).contains("\n        [10, 0, 0]\n      ]\n    }");
        assertThat(json).contains("""
                  "arg_nodes": [
                    0,\s
                    1,\s
                """).contains("""
                    10
                  ],\s
                  "node_row_ptr": [
                    0,\s
                """);
    }

    @Test
    void auxiliaryStatesAreReadAtVersionOneAsNnvmNumbersUpdatedVariables() {
        try (var ns = NameManager.fresh()) {
            Symbol bn = sym.batchNorm(Symbol.var("x"), null, null, null, null, Map.of("name", "bn")).get(0);
            assertThat(bn.toJson()).contains("\"inputs\": [[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 1], [4, 0, 1]]");
        }
    }

    @Test
    void escapesOnlyWhatDmlcEscapesAndWritesOtherCharactersAsTheyAre() {
        Symbol v = Symbol.var("w", Map.of("__note__", "a\"b\\c\nd\te\rf\u0001 é ✓"));
        assertThat(v.toJson()).contains("\"attrs\": {\"__note__\": \"a\\\"b\\\\c\\nd\\te\\rf\u0001 é ✓\"}");
    }

    @Test
    void nodesAreWrittenInDepthFirstOrderFromTheOutputsAndUnreachableOnesAreLeftOut() {
        OpRegistry r = OpRegistry.global();
        var relu = r.get("relu");
        var add = r.get("elemwise_add");
        // topological but not depth-first: b before a's consumer; plus an unused variable
        Graph g = new Graph(List.of(new Variable("a"), new Variable("b"), new Variable("unused"),
                new OpNode("ra", relu, relu.defaultAttrs(), List.of(new Entry(0, 0))),
                new OpNode("sum", add, add.defaultAttrs(), List.of(new Entry(3, 0), new Entry(1, 0)))),
                List.of(new Entry(4, 0)));
        String json = SymbolJson.write(g);
        assertThat(json).doesNotContain("unused");
        assertThat(json.indexOf("\"ra\"")).isLessThan(json.indexOf("\"b\""));
        assertThat(json).contains("\"arg_nodes\": [0, 2]").contains("\"heads\": [[3, 0, 0]]");
        Graph back = SymbolJson.read(json);
        assertThat(back.nodes()).extracting(n -> n.name()).containsExactly("a", "ra", "b", "sum");
    }

    @Test
    void anAnnotationNamedLikeAnOpAttributeCannotBeWritten() {
        var act = OpRegistry.global().get("Activation");
        Graph g = new Graph(List.of(new Variable("x"), new OpNode("a", act, act.attrs(Map.of("act_type", "relu")),
                List.of(new Entry(0, 0)), Map.of("act_type", "tanh"))), List.of(new Entry(1, 0)));
        assertThatThrownBy(() -> SymbolJson.write(g)).hasMessageContaining("'a'").hasMessageContaining("act_type");
    }
}
