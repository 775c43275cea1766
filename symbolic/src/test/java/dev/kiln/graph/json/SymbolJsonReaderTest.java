package dev.kiln.graph.json;

import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.IntTuple;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Reading what MXNet 1.x writes and accepts, in the forms its front ends produce. */
class SymbolJsonReaderTest {

    /** A graph document around {@code nodes}, with heads {@code heads} and the current version. */
    static String doc(String nodes, String heads) {
        return "{\"nodes\": [" + nodes + "], \"arg_nodes\": [], \"heads\": " + heads
                + ", \"attrs\": {\"mxnet_version\": [\"int\", 10900]}}";
    }

    private static OpNode op(Graph g, String name) {
        return (OpNode) g.node(g.indexOf(name));
    }

    @Test
    void attributeStringsInEveryFormMXNetWritesParseToTheSameValues() {
        String conv = """
                {"op": "null", "name": "x", "inputs": []},
                {"op": "null", "name": "w", "inputs": []},
                {"op": "Convolution", "name": "c%d", "attrs": {"kernel": "%s", "num_filter": "4", "no_bias": "%s",
                 "stride": "%s", "layout": "None"}, "inputs": [[0, 0, 0], [1, 0, 0]]}""";
        Graph python = SymbolJson.read(doc(conv.formatted(0, "(3, 3)", "True", "(1, 1)"), "[[2, 0, 0]]"));
        Graph list = SymbolJson.read(doc(conv.formatted(0, "[3,3]", "true", "[1, 1]"), "[[2, 0, 0]]"));
        Graph legacy = SymbolJson.read(doc(conv.formatted(0, "(3L, 3L)", "1", "(1,1)"), "[[2, 0, 0]]"));
        Graph upper = SymbolJson.read(doc(conv.formatted(0, " ( 3 , 3 ) ", "TRUE", "1"), "[[2, 0, 0]]"));
        OpNode c = op(python, "c0");
        assertThat(c.params().values()).containsEntry("kernel", IntTuple.of(3, 3))
                .containsEntry("no_bias", true).containsEntry("layout", null);
        assertThat(op(list, "c0").params()).isEqualTo(c.params());
        assertThat(op(legacy, "c0").params()).isEqualTo(c.params());
        assertThat(op(upper, "c0").params().values()).containsEntry("kernel", IntTuple.of(3, 3))
                .containsEntry("stride", IntTuple.of(1));
        // written back in MXNet's canonical Python forms
        assertThat(c.paramStrings()).containsEntry("kernel", "(3, 3)").containsEntry("no_bias", "True")
                .containsEntry("layout", "None");
    }

    @Test
    void floatsInPythonReprAndExponentFormsAreRead() {
        String bn = """
                {"op": "null", "name": "x", "inputs": []}, {"op": "null", "name": "g", "inputs": []},
                {"op": "null", "name": "b", "inputs": []}, {"op": "null", "name": "m", "inputs": []},
                {"op": "null", "name": "v", "inputs": []},
                {"op": "BatchNorm", "name": "bn", "attrs": {"eps": "%s", "momentum": "%s", "fix_gamma": "False"},
                 "inputs": [[0, 0], [1, 0], [2, 0], [3, 0, 1], [4, 0, 1]]}""";
        OpNode a = op(SymbolJson.read(doc(bn.formatted("1e-05", "0.9"), "[[5, 0, 0]]")), "bn");
        OpNode b = op(SymbolJson.read(doc(bn.formatted("0.00001", "9e-1"), "[[5, 0]]")), "bn");
        assertThat(a.params().values()).containsEntry("eps", 1e-5).containsEntry("momentum", 0.9);
        assertThat(b.params()).isEqualTo(a.params());
        assertThat(a.paramStrings()).containsEntry("eps", "1e-05");
    }

    @Test
    void opAliasesResolveThroughTheRegistry() {
        Graph g = SymbolJson.read(doc("""
                {"op": "null", "name": "a", "inputs": []}, {"op": "null", "name": "b", "inputs": []},
                {"op": "_Plus", "name": "p", "inputs": [[0, 0, 0], [1, 0, 0]]},
                {"op": "flatten", "name": "f", "inputs": [[2, 0, 0]]},
                {"op": "split", "name": "s", "attrs": {"num_outputs": "2"}, "inputs": [[3, 0, 0]]}""",
                "[[4, 1, 0]]"));
        assertThat(op(g, "p").op().name()).isEqualTo("elemwise_add");
        assertThat(op(g, "f").op().name()).isEqualTo("Flatten");
        assertThat(op(g, "s").op().name()).isEqualTo("SliceChannel");
        assertThat(SymbolJson.write(g)).contains("\"op\": \"elemwise_add\"").contains("\"op\": \"SliceChannel\"");
    }

    @Test
    void gluonExportWithPartialShapesAndInitializerJsonLoadsAndKeepsEveryAnnotation() {
        String json = """
                {
                  "nodes": [
                    {"op": "null", "name": "data", "inputs": []},
                    {"op": "null", "name": "dense0_weight", "attrs": {"__dtype__": "0", "__lr_mult__": "1.0",
                      "__shape__": "(4, 0)", "__storage_type__": "0", "__wd_mult__": "1.0",
                      "__init__": "[\\"normal\\", {\\"sigma\\": 0.01}]"}, "inputs": []},
                    {"op": "null", "name": "dense0_bias", "attrs": {"__dtype__": "0", "__init__": "zeros",
                      "__lr_mult__": "1.0", "__shape__": "(4,)", "__storage_type__": "0", "__wd_mult__": "1.0"},
                      "inputs": []},
                    {"op": "FullyConnected", "name": "dense0_fwd", "attrs": {"flatten": "True", "no_bias": "False",
                      "num_hidden": "4"}, "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]},
                    {"op": "Activation", "name": "dense0_relu_fwd", "attrs": {"act_type": "relu"},
                      "inputs": [[3, 0, 0]]}
                  ],
                  "arg_nodes": [0, 1, 2],
                  "node_row_ptr": [0, 1, 2, 3, 4, 5],
                  "heads": [[4, 0, 0]],
                  "attrs": {"mxnet_version": ["int", 10500]}
                }""";
        Symbol s = Symbol.fromJson(json);
        assertThat(s.listArguments()).containsExactly("data", "dense0_weight", "dense0_bias");
        Variable w = (Variable) s.graph().node(1);
        assertThat(w.attrs()).containsEntry("__shape__", "(4, 0)")
                .containsEntry("__init__", "[\"normal\", {\"sigma\": 0.01}]").hasSize(6);
        var shapes = s.inferShapePartial(Map.of("data", Shape.of(2, 3), "dense0_weight", Shape.of(4, 3)));
        assertThat(shapes.outputs()).containsExactly(Shape.of(2, 4));
        // the loaded graph runs
        NDArray out = s.eval(Map.of("data", NDArray.of(Shape.of(1, 2), 1, -1),
                "dense0_weight", NDArray.of(Shape.of(4, 2), 1, 0, 0, 1, -1, 0, 0, -1),
                "dense0_bias", NDArray.zeros(4))).get(0);
        assertThat(out.toFloatArray()).containsExactly(1f, 0f, 0f, 1f);
    }

    @Test
    void variablesKeepKeysThatLookLikeOpAttributesThroughARoundTrip() {
        String json = doc("""
                {"op": "null", "name": "x", "attrs": {"kernel": "(3, 3)", "num_hidden": "8", "lr_mult": "2",
                 "weight_lr_mult": "3", "anything": "at all"}, "inputs": []},
                {"op": "relu", "name": "r", "inputs": [[0, 0, 0]]}""", "[[1, 0, 0]]");
        Graph g = SymbolJson.read(json);
        assertThat(g.node(0).attrs()).containsEntry("kernel", "(3, 3)").containsEntry("lr_mult", "2")
                .containsEntry("weight_lr_mult", "3").containsEntry("anything", "at all");
        assertThat(SymbolJson.read(SymbolJson.write(g))).isEqualTo(g);
    }

    @Test
    void legacyAttrAndParamKeysMergeWithAttrsTakingPrecedence() {
        Graph g = SymbolJson.read(doc("""
                {"op": "null", "name": "x", "inputs": []},
                {"op": "Activation", "name": "a", "attr": {"__ctx__": "c"},
                 "param": {"act_type": "tanh"}, "inputs": [[0, 0]]},
                {"op": "LeakyReLU", "name": "l", "attrs": {"slope": "0.5"}, "param": {"slope": "0.1"},
                 "backward_source_id": -1, "inputs": [[1, 0]]}""", "[[2, 0]]"));
        assertThat(op(g, "a").params().values()).containsEntry("act_type", "tanh");
        assertThat(op(g, "a").attrs()).containsEntry("__ctx__", "c");
        assertThat(op(g, "l").params().values()).containsEntry("slope", 0.5);
    }

    @Test
    void missingNodeRowPtrAndGraphAttrsAreAcceptedAndOtherGraphAttrsIgnored() {
        Graph g = SymbolJson.read("""
                {"nodes": [{"op": "null", "name": "x", "inputs": []}], "arg_nodes": [0], "heads": [[0, 0]]}""");
        assertThat(g.nodes()).containsExactly(new Variable("x"));
        Graph h = SymbolJson.read("""
                {"nodes": [{"op": "null", "name": "x", "inputs": []}], "arg_nodes": [0], "heads": [[0, 0, 0]],
                 "attrs": {"is_np_shape": ["int", 1], "note": ["list_str", ["a", "b"]],
                           "mxnet_version": ["int", 20000]}}""");
        assertThat(h).isEqualTo(g);
    }

    @Test
    void nodesListedOutOfOrderAreAcceptedAndPutInDepthFirstOrder() {
        Graph g = SymbolJson.read(doc("""
                {"op": "relu", "name": "r", "inputs": [[2, 0, 0]]},
                {"op": "null", "name": "never_read", "inputs": []},
                {"op": "null", "name": "x", "inputs": []}""", "[[0, 0, 0]]"));
        assertThat(g.nodes()).extracting(n -> n.name()).containsExactly("x", "r");
    }

    @Test
    void opsWithoutDeclaredAttributesKeepUnknownKeysAsAnnotations() {
        Graph g = SymbolJson.read(doc("""
                {"op": "null", "name": "x", "inputs": []},
                {"op": "relu", "name": "r", "attrs": {"mirror": "yes", "__group__": "1"}, "inputs": [[0, 0]]}""",
                "[[1, 0]]"));
        assertThat(op(g, "r").attrs()).containsEntry("mirror", "yes").containsEntry("__group__", "1");
        assertThat(SymbolJson.write(g)).contains("\"mirror\": \"yes\"");
    }

    @Test
    void hiddenOutputsMayBeReadAndGroupsKeepTheirOrder() {
        Graph g = SymbolJson.read(doc("""
                {"op": "null", "name": "x", "inputs": []},
                {"op": "Dropout", "name": "d", "attrs": {"p": "0.5"}, "inputs": [[0, 0, 0]]},
                {"op": "SliceChannel", "name": "s", "attrs": {"num_outputs": "3", "axis": "0"},
                 "inputs": [[0, 0, 0]]}""", "[[2, 2, 0], [1, 1, 0], [2, 0, 0], [0, 0, 0]]"));
        assertThat(Symbol.fromGraph(g).listOutputs()).containsExactly("s_output2", "d_mask", "s_output0", "x");
        assertThat(g.nodes()).hasSize(3);
        assertThat(List.of(g.node(1).name(), g.node(2).name())).containsExactly("s", "d");
    }
}
