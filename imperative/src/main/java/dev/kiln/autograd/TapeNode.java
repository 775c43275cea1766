package dev.kiln.autograd;

import dev.kiln.KilnException;
import dev.kiln.anomaly.AnomalyContext;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpDef;

import java.util.List;

/**
 * One recorded op application: the op and attributes, the arrays it read and wrote (hidden outputs included), and
 * whether it ran in training mode. Backward frees it unless asked to retain the graph, dropping the arrays.
 */
public final class TapeNode {
    private final OpDef op;
    private final Attrs attrs;
    private final boolean training;
    private List<NDArray> inputs;
    private List<NDArray> outputs;
    private AnomalyContext.Recorded anomalyOrigin;

    TapeNode(OpDef op, Attrs attrs, List<NDArray> inputs, List<NDArray> outputs, boolean training) {
        this.op = op;
        this.attrs = attrs;
        this.inputs = inputs;
        this.outputs = outputs;
        this.training = training;
    }

    public OpDef op() {
        return op;
    }

    public Attrs attrs() {
        return attrs;
    }

    public boolean training() {
        return training;
    }

    /** Where the op ran, noted only in anomaly mode ({@code null} otherwise); its backward reports it. */
    AnomalyContext.Recorded anomalyOrigin() {
        return anomalyOrigin;
    }

    void anomalyOrigin(AnomalyContext.Recorded origin) {
        anomalyOrigin = origin;
    }

    public boolean isFreed() {
        return inputs == null;
    }

    List<NDArray> inputs() {
        requireLive();
        return inputs;
    }

    List<NDArray> outputs() {
        requireLive();
        return outputs;
    }

    void free() {
        boolean live = inputs != null;
        inputs = null;
        outputs = null;
        if (live && op instanceof TapeOnlyOp t) {
            t.released();
        }
    }

    private void requireLive() {
        if (inputs == null) {
            throw new KilnException("backward: the graph through op '" + op.name() + "' was freed by an earlier "
                    + "backward; pass retainGraph = true to that backward to run backward through it again");
        }
    }

    @Override
    public String toString() {
        return op.name() + (isFreed() ? " (freed)" : "");
    }
}
