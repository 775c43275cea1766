package dev.kiln.anomaly;

import dev.kiln.KilnException;

import java.util.Map;

/**
 * Anomaly mode found a NaN or an infinity in an op's output ({@link Anomaly}). The message names the op and its
 * attributes, the output and how many of its values are NaN, {@code +inf} and {@code -inf}, the inputs and whether
 * they were already non-finite, the pass, the block path, the graph node of a hybridized block, and the line of code
 * that applied the op; the accessors give the same facts to code.
 */
public final class NumericAnomalyException extends KilnException {
    private final transient AnomalyReport report;

    NumericAnomalyException(AnomalyReport report) {
        super(report.message());
        this.report = report;
    }

    /** The op's MXNet name ({@code log}, {@code _backward_sqrt}). */
    public String opName() {
        return report.opName();
    }

    /** The op's explicitly given attributes in MXNet's string form. */
    public Map<String, String> attributes() {
        return report.attributes();
    }

    /** {@code forward}, or {@code backward of '<op>'} naming the forward op being differentiated. */
    public String phase() {
        return report.phase();
    }

    /** Whether the op ran in a backward pass. */
    public boolean isBackward() {
        return report.backwardOf() != null;
    }

    /** In a backward pass, the forward op being differentiated; else {@code null}. */
    public String backwardOf() {
        return report.backwardOf();
    }

    /** Which output holds the non-finite values. */
    public int outputIndex() {
        return report.output();
    }

    /** Whether every input was finite: this op is where the anomaly started. */
    public boolean inputsFinite() {
        return report.inputsFinite();
    }

    /** The structural path of the block the op ran in ({@code net0.features.1}), or {@code null} outside blocks. */
    public String blockPath() {
        return report.blockPath();
    }

    /** The node of a hybridized block's graph that ran the op ({@code dense0_fwd}), or {@code null} when eager. */
    public String nodeName() {
        return report.nodeName();
    }

    /**
     * The line of code that applied the op: for an eager op the first frame outside Kiln's plumbing (and the user's
     * line after it, when that frame is a Kiln layer); for a graph node the line it was traced from; in a backward
     * pass the line that applied the forward op.
     */
    public String callSite() {
        return report.callSite();
    }
}
