package dev.kiln.graph.json;

import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node while a symbol file is being loaded: mutable, as nnvm's nodes are while the legacy upgrades run (hidden keys
 * move onto input variables, missing auxiliary inputs are added). {@code dict} is MXNet's one string dictionary of op
 * attributes and annotations; {@link #parse} splits it into checked {@link Attrs} and annotations.
 */
final class LoadingNode {
    /** The node's index in the file, or -1 for a variable an upgrade added. */
    final int fileIndex;
    final String name;
    /** The op, or {@code null} for a variable. */
    final OpDef op;
    final Map<String, String> dict;
    /** Input entries as {@code {node, output}}, node indices into the loader's node list. */
    final List<int[]> inputs;
    Attrs params;
    Map<String, String> annotations;

    /** A node owning {@code dict}, which the upgrades may change. */
    LoadingNode(int fileIndex, String name, OpDef op, Map<String, String> dict, List<int[]> inputs) {
        this.fileIndex = fileIndex;
        this.name = name;
        this.op = op;
        this.dict = dict;
        this.inputs = new ArrayList<>(inputs);
    }

    boolean isVariable() {
        return op == null;
    }

    /** {@code node 12 'fc1_fwd'}, or {@code variable 'fc1_weight'} for one an upgrade added. */
    String label() {
        return (fileIndex >= 0 ? "node " + fileIndex + " " : "added variable ") + "'" + name + "'";
    }

    /**
     * Parses the op attributes of {@code values} and keeps the rest as annotations: {@code __name__} keys, and for ops
     * that declare no attributes at all anything else too (MXNet only checks keys of ops with a parameter parser).
     */
    void parse(Map<String, String> values) {
        if (op == null) {
            return; // a variable's dictionary is all annotations
        }
        Map<String, String> raw = new LinkedHashMap<>();
        Map<String, String> notes = new LinkedHashMap<>();
        boolean keepUnknown = op.attrSpecs().isEmpty() && !op.acceptsExtraAttrs();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey();
            boolean declared = op.attrSpecs().stream().anyMatch(s -> s.name().equals(key));
            if (!declared && (isAnnotation(key) || keepUnknown)) {
                notes.put(key, e.getValue());
            } else if (!declared && !op.acceptsExtraAttrs()) {
                throw error("no attribute '" + key + "' (value \"" + e.getValue() + "\"); " + op.name()
                        + "'s attributes are " + op.attrSpecs().stream().map(s -> s.name()).toList());
            } else {
                raw.put(key, e.getValue());
            }
        }
        try {
            params = op.attrs(raw);
        } catch (KilnException ex) {
            throw new FileFormatException(label() + ": " + ex.getMessage(), ex);
        }
        annotations = notes;
    }

    FileFormatException error(String message) {
        return new FileFormatException(label() + (op == null ? "" : " (" + op.name() + ")") + ": " + message);
    }

    static boolean isAnnotation(String key) {
        return key.length() > 4 && key.startsWith("__") && key.endsWith("__");
    }
}
