package dev.kiln.graph.json;

import dev.kiln.op.OpDef;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MXNet 1.9's upgrades of symbol files written by older versions ({@code src/nnvm/legacy_json_util.cc}), each
 * applied when the file's {@code mxnet_version} is older than the upgrade, in MXNet's order, plus the attribute
 * parsing every load does:
 * <ol>
 * <li>before 1.9.0: the hidden keys {@code ctx_group, lr_mult, wd_mult, force_mirroring, mirror_stage} become
 * annotations: {@code lr_mult} becomes {@code __lr_mult__} on its node, {@code weight_lr_mult} on an op moves to the
 * variable read as the op's {@code weight} input as {@code __lr_mult__};</li>
 * <li>always: op attributes are parsed and checked;</li>
 * <li>before 0.9.0 (files without {@code mxnet_version}): inputs missing at the end, which 0.8 did not store for
 * auxiliary states, become variables {@code <node>_<input>} carrying a copy of the node's attributes;</li>
 * <li>before 0.9.4: variable inputs get the op's default {@code __init__} ({@link OpDef#inputVariableInit});</li>
 * <li>before 0.9.5: {@code argmax}/{@code argmin} with {@code axis="-1"} lose the axis (now optional).</li>
 * </ol>
 */
final class LegacyUpgrade {
    /** MXNet's {@code kHiddenKeys}. */
    private static final List<String> HIDDEN_KEYS = List.of("ctx_group", "lr_mult", "wd_mult", "force_mirroring",
            "mirror_stage");
    /** The version this library reads and writes as current: MXNet 1.9.0. */
    static final int CURRENT = 10900;
    private static final int V0_9_0 = 900;
    private static final int V0_9_4 = 904;
    private static final int V0_9_5 = 905;

    private LegacyUpgrade() {
    }

    /** Upgrades and parses the nodes in {@code order} (nnvm's visiting order) for a file of {@code version}. */
    static void apply(List<LoadingNode> nodes, int[] order, int version) {
        if (version < CURRENT) {
            for (int i : order) {
                fixHiddenKeys(nodes, nodes.get(i));
            }
        }
        for (int i : order) {
            nodes.get(i).parse(nodes.get(i).dict);
        }
        if (version < V0_9_0) {
            for (int i : order) {
                addMissingInputs(nodes, nodes.get(i));
            }
        }
        if (version < V0_9_4) {
            for (int i : order) {
                setInputVariableInits(nodes, nodes.get(i));
            }
        }
        if (version < V0_9_5) {
            for (int i : order) {
                LoadingNode n = nodes.get(i);
                if (n.op != null && (n.op.name().equals("argmax") || n.op.name().equals("argmin"))
                        && "-1".equals(n.dict.get("axis"))) {
                    n.dict.remove("axis");
                    n.parse(n.dict);
                }
            }
        }
    }

    /** True where MXNet sets a key aside as hidden: it starts with a hidden key (seen last) or ends with one. */
    private static boolean isHidden(String key) {
        for (String h : HIDDEN_KEYS) {
            int pos = key.lastIndexOf(h);
            if (pos == 0 || (pos > 0 && pos == key.length() - h.length())) {
                return true;
            }
        }
        return false;
    }

    private static void fixHiddenKeys(List<LoadingNode> nodes, LoadingNode n) {
        Map<String, String> hidden = new LinkedHashMap<>();
        n.dict.entrySet().removeIf(e -> {
            if (isHidden(e.getKey())) {
                hidden.put(e.getKey(), e.getValue());
                return true;
            }
            return false;
        });
        if (hidden.isEmpty()) {
            return;
        }
        List<String> inputNames = List.of();
        if (n.op != null) {
            n.parse(n.dict);
            inputNames = n.op.inputNames(n.params);
        }
        for (Map.Entry<String, String> e : hidden.entrySet()) {
            if (!moveHiddenKey(nodes, n, inputNames, e.getKey(), e.getValue())) {
                n.dict.put(e.getKey(), e.getValue());
            }
        }
    }

    /** Applies MXNet's rule for one hidden key; false if the key stays on the node as it is. */
    private static boolean moveHiddenKey(List<LoadingNode> nodes, LoadingNode n, List<String> inputNames,
                                         String key, String value) {
        for (String h : HIDDEN_KEYS) {
            int pos = key.lastIndexOf(h);
            if (pos == 0 && key.length() == h.length()) {
                n.dict.put("__" + h + "__", value);
                return true;
            }
            if (pos > 1 && pos == key.length() - h.length()) {
                if (n.isVariable()) {
                    return false;
                }
                int idx = inputNames.indexOf(key.substring(0, pos - 1));
                if (idx >= 0 && idx < n.inputs.size()) {
                    LoadingNode input = nodes.get(n.inputs.get(idx)[0]);
                    if (input.isVariable()) {
                        input.dict.put("__" + h + "__", value);
                        return true;
                    }
                }
                return false;
            }
        }
        return false;
    }

    private static void addMissingInputs(List<LoadingNode> nodes, LoadingNode n) {
        if (n.op == null) {
            return;
        }
        List<String> names = n.op.inputNames(n.params);
        for (int i = n.inputs.size(); i < names.size(); i++) {
            LoadingNode v = new LoadingNode(-1, n.name + "_" + names.get(i), null,
                    new LinkedHashMap<>(n.dict), List.of());
            nodes.add(v);
            n.inputs.add(new int[] {nodes.size() - 1, 0});
        }
    }

    private static void setInputVariableInits(List<LoadingNode> nodes, LoadingNode n) {
        if (n.op == null) {
            return;
        }
        for (int i = 0; i < n.inputs.size(); i++) {
            LoadingNode input = nodes.get(n.inputs.get(i)[0]);
            String init = n.op.inputVariableInit(n.params, i);
            if (input.isVariable() && init != null && !input.dict.containsKey("__init__")) {
                input.dict.put("__init__", init);
            }
        }
    }
}
