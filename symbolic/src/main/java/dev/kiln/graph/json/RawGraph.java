package dev.kiln.graph.json;

import java.util.List;
import java.util.Map;

/**
 * A symbol JSON document as read, before ops are resolved: what nnvm's {@code LoadJSON} holds. Entries are
 * {@code int[] {node, output}} (the version a third element may carry is not kept).
 *
 * @param nodes        the nodes in file order
 * @param argNodes     the {@code arg_nodes} list
 * @param heads        the graph outputs
 * @param mxnetVersion the {@code mxnet_version} graph attribute, or {@code null} if absent
 */
record RawGraph(List<RawNode> nodes, int[] argNodes, List<int[]> heads, Integer mxnetVersion) {

    /**
     * One node as read.
     *
     * @param op          the op name as written ({@code "null"} for a variable)
     * @param name        the node name
     * @param dict        the attribute dictionary ({@code attrs}, legacy {@code attr}, plus {@code param})
     * @param inputs      the input entries
     * @param controlDeps the {@code control_deps} list
     * @param subgraphs   how many {@code subgraphs} the node carries
     */
    record RawNode(String op, String name, Map<String, String> dict, List<int[]> inputs, int[] controlDeps,
                   int subgraphs) {
        boolean isVariable() {
            return "null".equals(op);
        }
    }
}
