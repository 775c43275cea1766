package dev.kiln.anomaly;

import dev.kiln.ndarray.NDArray;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;

import java.util.ArrayList;
import java.util.List;

/**
 * The check anomaly mode runs after every op ({@code Ops.invokeAll} calls it only while {@link Anomaly#isEnabled()}):
 * scans the floating outputs, and at the first non-finite one builds the report from the op, its inputs and
 * {@link AnomalyContext}, then throws it or, in {@link Anomaly.Mode#WARN}, logs it when the op is where the values
 * started (its inputs were finite).
 */
public final class AnomalyCheck {
    private static final System.Logger LOG = System.getLogger(Anomaly.class.getName());

    private AnomalyCheck() {
    }

    /** Checks {@code outputs} of {@code op} applied to {@code inputs} in this thread's anomaly mode. */
    public static void outputs(OpDef op, Attrs attrs, List<NDArray> inputs, List<NDArray> outputs) {
        Anomaly.Mode mode = Anomaly.mode();
        if (mode == Anomaly.Mode.OFF) {
            return;
        }
        for (int k = 0; k < outputs.size(); k++) {
            NonFinite found = NonFinite.find(outputs.get(k));
            if (found != null) {
                report(mode, op, attrs, inputs, k, outputs.get(k), found);
                return;
            }
        }
    }

    private static void report(Anomaly.Mode mode, OpDef op, Attrs attrs, List<NDArray> inputs, int k, NDArray out,
                               NonFinite found) {
        List<String> names = op.inputNames(attrs);
        List<String> described = new ArrayList<>(inputs.size());
        boolean finite = true;
        for (int i = 0; i < inputs.size(); i++) {
            NDArray in = inputs.get(i);
            NonFinite bad = NonFinite.find(in);
            finite &= bad == null;
            String name = i < names.size() ? names.get(i) : "input" + i;
            described.add(name + " " + in.dtype().mxnetName() + " " + in.shape() + (bad == null ? "" : " (" + bad
                    + ")"));
        }
        if (mode == Anomaly.Mode.WARN && !finite) {
            return; // the op that started it has been reported; the values only flow on
        }
        AnomalyContext.Where w = AnomalyContext.current();
        AnomalyContext.Recorded forward = w.backwardOf();
        AnomalyContext.Where fw = forward == null ? AnomalyContext.Where.NONE : forward.where();
        String node = w.node() != null ? w.node() : fw.node();
        AnomalyContext.NodeSites sites = w.sites() != null ? w.sites() : fw.sites();
        AnomalyContext.NodeSite site = node == null || sites == null ? null : sites.site(node);
        String blockPath = site != null ? site.blockPath() : fw.blockPath() != null ? fw.blockPath() : w.blockPath();
        String callSite;
        String calledFrom = null;
        if (site != null) {
            callSite = site.callSite();
            calledFrom = CallSite.userFrame();
        } else if (forward != null) {
            callSite = forward.site() == null ? "an unknown call site (the forward ran before anomaly mode was on)"
                    : forward.site().describe();
            calledFrom = CallSite.userFrame();
        } else {
            callSite = CallSite.here().describe();
        }
        String backwardOf = forward == null ? null
                : site != null && !site.node().equals(node) ? site.opName() : forward.opName();
        AnomalyReport r = new AnomalyReport(op.name(), attrs.toMXNetStrings(op), backwardOf, k,
                out.dtype().mxnetName() + " " + out.shape() + ", " + found, found.kinds(), described, finite,
                blockPath, node, callSite, calledFrom);
        if (mode == Anomaly.Mode.THROW) {
            throw new NumericAnomalyException(r);
        }
        LOG.log(System.Logger.Level.WARNING, r.message());
    }
}
