package dev.kiln.graph.json;

import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.graph.Variable;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The upgrades MXNet 1.9 applies to files written by older versions, which Kiln applies the same way. */
class SymbolJsonLegacyTest {

    private static String legacyDoc(String nodes, String heads, String version) {
        return "{\"nodes\": [" + nodes + "], \"arg_nodes\": [], \"heads\": " + heads
                + (version == null ? "" : ", \"attrs\": {\"mxnet_version\": [\"int\", " + version + "]}") + "}";
    }

    private static Variable var(Graph g, String name) {
        return (Variable) g.node(g.indexOf(name));
    }

    @Test
    void version08FilesGetTheAuxiliaryVariablesTheyDidNotStoreWithTheNodesAttributes() {
        // 0.8 style: no mxnet_version, op parameters under "param", BatchNorm without its moving statistics
        Graph g = SymbolJson.read(legacyDoc("""
                {"op": "null", "name": "data", "param": {}, "inputs": [], "backward_source_id": -1},
                {"op": "null", "name": "bn_gamma", "param": {}, "inputs": [], "backward_source_id": -1},
                {"op": "null", "name": "bn_beta", "param": {}, "inputs": [], "backward_source_id": -1},
                {"op": "BatchNorm", "name": "bn", "param": {"eps": "0.001", "fix_gamma": "True",
                 "momentum": "0.9", "use_global_stats": "False"}, "inputs": [[0, 0], [1, 0], [2, 0]],
                 "backward_source_id": -1}""", "[[3, 0]]", null));
        Symbol s = Symbol.fromGraph(g);
        assertThat(s.listArguments()).containsExactly("data", "bn_gamma", "bn_beta");
        assertThat(s.listAuxiliaryStates()).containsExactly("bn_moving_mean", "bn_moving_var");
        // the added variables copy the node's attributes, and (0.9.4 upgrade) get BatchNorm's initializers
        assertThat(var(g, "bn_moving_mean").attrs()).containsEntry("eps", "0.001").containsEntry("momentum", "0.9")
                .containsEntry("__init__", "[\"zero\", {}]").hasSize(5);
        assertThat(var(g, "bn_moving_var").attrs()).containsEntry("__init__", "[\"one\", {}]");
        assertThat(g.nodes()).extracting(n -> n.name()).containsExactly("data", "bn_gamma", "bn_beta",
                "bn_moving_mean", "bn_moving_var", "bn");
        assertThat(SymbolJson.write(g)).contains("[[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 1], [4, 0, 1]]");
    }

    @Test
    void missingWeightsOfOldFilesBecomeVariablesToo() {
        Graph g = SymbolJson.read(legacyDoc("""
                {"op": "null", "name": "x", "inputs": []},
                {"op": "FullyConnected", "name": "fc", "param": {"num_hidden": "3", "no_bias": "True"},
                 "inputs": [[0, 0]]}""", "[[1, 0]]", null));
        assertThat(Symbol.fromGraph(g).listArguments()).containsExactly("x", "fc_weight");
        assertThat(var(g, "fc_weight").attrs()).containsExactly(java.util.Map.entry("no_bias", "True"),
                java.util.Map.entry("num_hidden", "3"));
    }

    @Test
    void hiddenKeysOfPre19FilesBecomeAnnotationsOrMoveToTheVariableTheyName() {
        Graph g = SymbolJson.read(legacyDoc("""
                {"op": "null", "name": "x", "attrs": {"lr_mult": "0.5", "ctx_group": "dev1"}, "inputs": []},
                {"op": "null", "name": "w", "inputs": []},
                {"op": "null", "name": "b", "attrs": {"__lr_mult__": "9"}, "inputs": []},
                {"op": "FullyConnected", "name": "fc", "attrs": {"num_hidden": "3", "weight_lr_mult": "2",
                 "bias_wd_mult": "0", "lr_mult": "4", "mirror_stage": "True"},
                 "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]}""", "[[3, 0, 0]]", "10600"));
        assertThat(var(g, "x").attrs()).containsOnlyKeys("__lr_mult__", "__ctx_group__");
        assertThat(var(g, "w").attrs()).containsOnlyKeys("__lr_mult__").containsValue("2");
        assertThat(var(g, "b").attrs()).containsEntry("__lr_mult__", "9").containsEntry("__wd_mult__", "0");
        OpNode fc = (OpNode) g.node(g.indexOf("fc"));
        assertThat(fc.attrs()).containsEntry("__lr_mult__", "4").containsEntry("__mirror_stage__", "True")
                .hasSize(2);
        assertThat(fc.paramStrings()).containsOnlyKeys("num_hidden");
    }

    @Test
    void aHiddenKeyNamingAnInputThatIsNotAVariableStaysAndThenFailsToParse() {
        String json = legacyDoc("""
                {"op": "null", "name": "x", "inputs": []},
                {"op": "relu", "name": "r", "inputs": [[0, 0]]},
                {"op": "elemwise_add", "name": "s", "attrs": {"lhs_lr_mult": "2"}, "inputs": [[1, 0], [0, 0]]},
                {"op": "Activation", "name": "a", "attrs": {"act_type": "relu", "data_lr_mult": "2"},
                 "inputs": [[2, 0]]}""", "[[3, 0]]", "10800");
        assertThatThrownBy(() -> SymbolJson.read(json)).hasMessageContaining("node 3 'a' (Activation)")
                .hasMessageContaining("data_lr_mult");
    }

    @Test
    void currentFilesKeepHiddenLookingKeysAndRejectThemOnOps() {
        Graph g = SymbolJson.read(legacyDoc("""
                {"op": "null", "name": "x", "attrs": {"lr_mult": "0.5"}, "inputs": []}""", "[[0, 0]]", "10900"));
        assertThat(g.node(0).attrs()).containsOnlyKeys("lr_mult");
        String op = legacyDoc("""
                {"op": "null", "name": "x", "inputs": []},
                {"op": "FullyConnected", "name": "fc", "attrs": {"num_hidden": "3", "weight_lr_mult": "2"},
                 "inputs": [[0, 0], [0, 0], [0, 0]]}""", "[[1, 0]]", "10900");
        assertThatThrownBy(() -> SymbolJson.read(op)).hasMessageContaining("node 1 'fc' (FullyConnected)")
                .hasMessageContaining("no attribute 'weight_lr_mult'");
    }

    @Test
    void argmaxWithAxisMinusOneFromBefore095LosesItsAxis() {
        String nodes = """
                {"op": "null", "name": "x", "inputs": []},
                {"op": "argmax", "name": "am", "param": {"axis": "-1"}, "inputs": [[0, 0]]}""";
        OpNode old = (OpNode) SymbolJson.read(legacyDoc(nodes, "[[1, 0]]", "904")).node(1);
        assertThat(old.paramStrings()).isEmpty();
        assertThat(old.params().values()).containsEntry("axis", null);
        OpNode newer = (OpNode) SymbolJson.read(legacyDoc(nodes, "[[1, 0]]", "905")).node(1);
        assertThat(newer.paramStrings()).containsEntry("axis", "-1");
    }

    @Test
    void initializersAreAddedOnlyToFilesBefore094AndNeverOverwritten() {
        String nodes = """
                {"op": "null", "name": "x", "inputs": []},
                {"op": "null", "name": "g", "attrs": {"__init__": "[\\"Constant\\", {\\"value\\": 0.1}]"},
                 "inputs": []},
                {"op": "LeakyReLU", "name": "p", "attrs": {"act_type": "prelu"}, "inputs": [[0, 0], [1, 0]]},
                {"op": "null", "name": "h", "inputs": []},
                {"op": "LeakyReLU", "name": "q", "attrs": {"act_type": "prelu"}, "inputs": [[2, 0], [3, 0]]}""";
        Graph old = SymbolJson.read(legacyDoc(nodes, "[[4, 0]]", "903"));
        assertThat(var(old, "g").attrs()).containsEntry("__init__", "[\"Constant\", {\"value\": 0.1}]");
        assertThat(var(old, "h").attrs()).containsEntry("__init__", "[\"Constant\", {\"value\": 0.25}]");
        assertThat(var(old, "x").attrs()).isEmpty();
        Graph current = SymbolJson.read(legacyDoc(nodes, "[[4, 0]]", "904"));
        assertThat(var(current, "h").attrs()).isEmpty();
    }
}
