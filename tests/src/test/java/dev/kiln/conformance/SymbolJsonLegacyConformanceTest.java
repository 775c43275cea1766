package dev.kiln.conformance;

import dev.kiln.KilnException;
import dev.kiln.graph.Graph;
import dev.kiln.graph.json.SymbolJson;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Hand-written symbol files in the forms older MXNet versions wrote: real MXNet 1.9 loads and upgrades them, and its
 * re-saved JSON must equal what Kiln writes for its own upgraded graph. Entry versions are left out of the
 * comparison: MXNet keeps a loaded file's (0 here), Kiln writes those composition gives (1 for auxiliary states).
 */
class SymbolJsonLegacyConformanceTest {

    @BeforeAll
    static void needsMXNet() {
        assumeTrue(MXNet.isAvailable(), "MXNet's native library is not available");
    }

    private static String withoutEntryVersions(String json) {
        return json.replaceAll("\\[(\\d+), (\\d+), \\d+]", "[$1, $2, 0]");
    }

    /** MXNet and Kiln upgrade {@code json} to the same graph; returns Kiln's, with MXNet's loaded symbol. */
    private static Graph sameUpgrade(MXSymbols m, String json, Map<String, Shape> dataShapes) {
        MXSymbol mx = m.fromJson(json);
        Graph kiln = SymbolJson.read(json);
        assertThat(withoutEntryVersions(SymbolJson.write(kiln))).as("Kiln's upgraded graph vs MXNet's re-save")
                .isEqualTo(withoutEntryVersions(mx.toJson()));
        if (dataShapes != null) {
            MXSymbols.assertSameSymbol(mx, kiln, dataShapes, json.hashCode(), Tolerance.FLOAT32.times(10));
        }
        return kiln;
    }

    @Test
    void version08FileWithParamsAndMissingAuxiliaryStatesUpgradesAlike() {
        String json = """
                {
                  "nodes": [
                    {"op": "null", "name": "data", "param": {}, "inputs": [], "backward_source_id": -1},
                    {"op": "Convolution", "name": "conv", "param": {"kernel": "(3, 3)", "no_bias": "True",
                     "num_filter": "4", "pad": "(1, 1)"}, "inputs": [[0, 0]], "backward_source_id": -1},
                    {"op": "null", "name": "bn_gamma", "param": {}, "inputs": [], "backward_source_id": -1},
                    {"op": "null", "name": "bn_beta", "param": {}, "inputs": [], "backward_source_id": -1},
                    {"op": "BatchNorm", "name": "bn", "param": {"eps": "0.001", "fix_gamma": "False",
                     "momentum": "0.9", "use_global_stats": "False"}, "attr": {"ctx_group": "stage1"},
                     "inputs": [[1, 0], [2, 0], [3, 0]], "backward_source_id": -1},
                    {"op": "Activation", "name": "relu", "param": {"act_type": "relu"}, "inputs": [[4, 0]],
                     "backward_source_id": -1},
                    {"op": "Flatten", "name": "flat", "param": {}, "inputs": [[5, 0]], "backward_source_id": -1},
                    {"op": "null", "name": "fc_weight", "param": {}, "inputs": [], "backward_source_id": -1},
                    {"op": "null", "name": "fc_bias", "param": {}, "inputs": [], "backward_source_id": -1},
                    {"op": "FullyConnected", "name": "fc", "param": {"num_hidden": "3", "no_bias": "False"},
                     "attr": {"weight_lr_mult": "2", "bias_wd_mult": "0"}, "inputs": [[6, 0], [7, 0], [8, 0]],
                     "backward_source_id": -1}
                  ],
                  "arg_nodes": [0, 2, 3, 7, 8],
                  "heads": [[9, 0]]
                }""";
        try (MXSymbols m = new MXSymbols()) {
            Graph g = sameUpgrade(m, json, Map.of("data", Shape.of(2, 2, 5, 5)));
            assertThat(g.node(g.indexOf("bn_moving_mean")).attrs()).containsEntry("__init__", "[\"zero\", {}]")
                    .containsEntry("__ctx_group__", "stage1");
            assertThat(g.node(g.indexOf("conv_weight")).attrs()).containsEntry("num_filter", "4");
            assertThat(g.node(g.indexOf("fc_weight")).attrs()).containsEntry("__lr_mult__", "2");
        }
    }

    @Test
    void gluonExportWithDeferredShapesAndInitializersLoadsAlike() {
        String json = """
                {
                  "nodes": [
                    {"op": "null", "name": "data", "inputs": []},
                    {"op": "null", "name": "hybridsequential0_dense0_weight", "attrs": {"__dtype__": "0",
                     "__lr_mult__": "1.0", "__shape__": "(5, 0)", "__storage_type__": "0", "__wd_mult__": "1.0",
                     "__init__": "[\\"normal\\", {\\"sigma\\": 0.01}]"}, "inputs": []},
                    {"op": "null", "name": "hybridsequential0_dense0_bias", "attrs": {"__dtype__": "0",
                     "__init__": "zeros", "__lr_mult__": "1.0", "__shape__": "(5,)", "__storage_type__": "0",
                     "__wd_mult__": "1.0"}, "inputs": []},
                    {"op": "FullyConnected", "name": "hybridsequential0_dense0_fwd", "attrs": {"flatten": "True",
                     "no_bias": "False", "num_hidden": "5"}, "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]},
                    {"op": "Activation", "name": "hybridsequential0_dense0_sigmoid_fwd", "attrs": {"act_type": "sigmoid"},
                     "inputs": [[3, 0, 0]]}
                  ],
                  "arg_nodes": [0, 1, 2],
                  "node_row_ptr": [0, 1, 2, 3, 4, 5],
                  "heads": [[4, 0, 0]],
                  "attrs": {"mxnet_version": ["int", 10400]}
                }""";
        try (MXSymbols m = new MXSymbols()) {
            sameUpgrade(m, json, Map.of("data", Shape.of(2, 7)));
        }
    }

    @Test
    void hiddenKeysOfA16FileMoveAsInMXNet() {
        String json = """
                {"nodes": [
                  {"op": "null", "name": "x", "attrs": {"lr_mult": "0.1", "wd_mult": "0", "__shape__": "(2, 3)"},
                   "inputs": []},
                  {"op": "null", "name": "w", "attrs": {"force_mirroring": "True"}, "inputs": []},
                  {"op": "null", "name": "b", "inputs": []},
                  {"op": "FullyConnected", "name": "fc", "attrs": {"num_hidden": "4", "weight_lr_mult": "2",
                   "bias_wd_mult": "0", "lr_mult": "3", "ctx_group": "dev1", "mirror_stage": "True"},
                   "inputs": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]},
                  {"op": "Activation", "name": "act", "attrs": {"act_type": "tanh", "__force_mirroring__": "1"},
                   "inputs": [[3, 0, 0]]}
                 ],
                 "arg_nodes": [0, 1, 2], "node_row_ptr": [0, 1, 2, 3, 4, 5], "heads": [[4, 0, 0]],
                 "attrs": {"mxnet_version": ["int", 10600]}}""";
        try (MXSymbols m = new MXSymbols()) {
            sameUpgrade(m, json, Map.of("x", Shape.of(2, 3)));
        }
    }

    @Test
    void argmaxAxisAndInitializerUpgradesApplyByVersionAsInMXNet() {
        String nodes = """
                {"nodes": [
                  {"op": "null", "name": "x", "inputs": []},
                  {"op": "LeakyReLU", "name": "p", "attrs": {"act_type": "prelu"}, "inputs": [[0, 0], [2, 0]]},
                  {"op": "null", "name": "p_gamma", "inputs": []},
                  {"op": "argmax", "name": "am", "attrs": {"axis": "-1"}, "inputs": [[1, 0]]}
                 ],
                 "arg_nodes": [0, 2], "heads": [[3, 0]], "attrs": {"mxnet_version": ["int", %d]}}""";
        try (MXSymbols m = new MXSymbols()) {
            for (int version : new int[] {903, 904, 905, 10900}) {
                Graph g = sameUpgrade(m, nodes.formatted(version), null);
                assertThat(g.node(g.indexOf("p_gamma")).attrs().containsKey("__init__")).as("v" + version)
                        .isEqualTo(version < 904);
            }
            // the gamma listed after its reader (nnvm accepts any order) runs alike in both
            String json = nodes.formatted(905);
            MXSymbols.assertSameSymbol(m.fromJson(json), SymbolJson.read(json),
                    Map.of("x", Shape.of(2, 3), "p_gamma", Shape.of(3)), 5, null);
        }
    }

    @Test
    void filesMXNetRefusesKilnRefusesToo() {
        String[] bad = {
            // a 1.9 file keeps weight_lr_mult on the op, whose parameter parser rejects it
            """
            {"nodes": [{"op": "null", "name": "x", "inputs": []},
              {"op": "FullyConnected", "name": "fc", "attrs": {"num_hidden": "2", "weight_lr_mult": "2"},
               "inputs": [[0, 0], [0, 0], [0, 0]]}],
             "arg_nodes": [0], "heads": [[1, 0]], "attrs": {"mxnet_version": ["int", 10900]}}""",
            // an old file's hidden key naming an input that is not a variable stays, and fails to parse
            """
            {"nodes": [{"op": "null", "name": "x", "inputs": []},
              {"op": "relu", "name": "r", "inputs": [[0, 0]]},
              {"op": "Activation", "name": "a", "attrs": {"act_type": "relu", "data_lr_mult": "2"},
               "inputs": [[1, 0]]}],
             "arg_nodes": [0], "heads": [[2, 0]], "attrs": {"mxnet_version": ["int", 10200]}}""",
            """
            {"nodes": [{"op": "null", "name": "x", "inputs": []},
              {"op": "NoSuchOp", "name": "n", "inputs": [[0, 0]]}], "arg_nodes": [0], "heads": [[1, 0]]}""",
            """
            {"nodes": [{"op": "null", "name": "x", "inputs": []}], "arg_nodes": [0], "heads": [[7, 0]]}""",
            """
            {"nodes": [{"op": "null", "name": "x", "inputs": []},
              {"op": "relu", "name": "r", "inputs": [[0, 0]]}], "arg_nodes": [1], "heads": [[1, 0]]}""",
            """
            {"nodes": [{"op": "null", "name": "x", "inputs": [], "colour": "red"}], "arg_nodes": [0],
             "heads": [[0, 0]]}""",
            """
            {"nodes": [{"op": "null", "name": "x", "inputs": []}], "heads": [[0, 0]]}""",
            """
            {"nodes": [{"op": "null", "name": "x", "inputs": [[0]]}], "arg_nodes": [0], "heads": [[0, 0]]}""",
        };
        try (MXSymbols m = new MXSymbols()) {
            for (String json : bad) {
                assertThatThrownBy(() -> m.fromJson(json)).as("MXNet on " + json).isInstanceOf(MXNetException.class);
                assertThatThrownBy(() -> SymbolJson.read(json)).as("Kiln on " + json)
                        .isInstanceOf(KilnException.class);
            }
        }
    }
}
