package dev.kiln.block;

import dev.kiln.anomaly.AnomalyContext;
import dev.kiln.graph.Graph;
import dev.kiln.graph.OpNode;
import dev.kiln.symbol.NodeOrigin;

import java.util.Map;

/**
 * Anomaly mode's view of a hybridized block's trace: where each node of the graph came from, by name. A node the
 * gradient added ({@code dense0_fwd_backward}, {@code dense0_fwd_output_grad_sum}) is found by the longest traced
 * node name it starts with, so a backward node reports the forward op, block and line it differentiates.
 */
record TracedNodeSites(Map<String, NodeOrigin> origins, Graph graph) implements AnomalyContext.NodeSites {

    @Override
    public AnomalyContext.NodeSite site(String nodeName) {
        String best = null;
        for (String traced : origins.keySet()) {
            boolean matches = nodeName.equals(traced) || nodeName.startsWith(traced + "_");
            if (matches && (best == null || traced.length() > best.length())) {
                best = traced;
            }
        }
        if (best == null) {
            return null;
        }
        NodeOrigin o = origins.get(best);
        int i = graph.indexOf(best);
        String op = i >= 0 && graph.node(i) instanceof OpNode n ? n.op().name() : null;
        return new AnomalyContext.NodeSite(best, op, o.blockPath(), o.callSite());
    }
}
