package dev.kiln.anomaly;

import java.util.List;
import java.util.Map;

/**
 * What anomaly mode found about one op: the facts {@link NumericAnomalyException} carries and the message it shows.
 *
 * @param opName       the op's MXNet name
 * @param attributes   its explicit attributes, as MXNet strings
 * @param backwardOf   in a backward pass, the forward op differentiated; else {@code null}
 * @param output       the output holding non-finite values
 * @param outputText   that output's dtype, shape and counts
 * @param kinds        which non-finite kinds it holds ({@code NaN and +inf})
 * @param inputs       each input as {@code name dtype shape}, with its counts when non-finite
 * @param inputsFinite whether every input was finite
 * @param blockPath    the block path, or {@code null}
 * @param nodeName     the graph node, or {@code null}
 * @param callSite     the line that applied the op (for a node, where it was traced; in backward, the forward's)
 * @param calledFrom   the user's line running now, when it adds to {@code callSite} (a graph or a backward pass)
 */
record AnomalyReport(String opName, Map<String, String> attributes, String backwardOf, int output, String outputText,
                     String kinds, List<String> inputs, boolean inputsFinite, String blockPath, String nodeName,
                     String callSite, String calledFrom) {

    String phase() {
        return backwardOf == null ? "forward" : "backward of '" + backwardOf + "'";
    }

    String message() {
        StringBuilder b = new StringBuilder("numeric anomaly: op '").append(opName).append("' produced ").append(kinds)
                .append(" in the ").append(backwardOf == null ? "forward pass" : "backward pass of '" + backwardOf
                        + "'");
        b.append(inputsFinite ? ", from finite inputs (it is the first)"
                : ", but an input already held non-finite values (they came from outside the checked ops: "
                        + "an input array, a parameter, or an op run with anomaly mode off)");
        if (blockPath != null) {
            b.append("\n  block: ").append(blockPath);
        }
        if (nodeName != null) {
            b.append("\n  graph node: ").append(nodeName);
        }
        b.append("\n  ").append(nodeName != null ? "traced at: " : backwardOf != null ? "forward applied at: " : "at: ")
                .append(callSite);
        if (calledFrom != null && !callSite.contains(calledFrom)) {
            b.append("\n  ").append(backwardOf != null ? "backward called from: " : "called from: ").append(calledFrom);
        }
        b.append("\n  output ").append(output).append(": ").append(outputText);
        b.append("\n  inputs: ").append(inputs.isEmpty() ? "none" : String.join("; ", inputs));
        b.append("\n  attributes: ").append(attributes);
        return b.toString();
    }
}
