package dev.kiln.autograd;

import dev.kiln.KilnException;
import dev.kiln.anomaly.Anomaly;
import dev.kiln.anomaly.AnomalyContext;
import dev.kiln.ndarray.NDArray;
import dev.kiln.op.Attrs;
import dev.kiln.op.OpContext;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Where eager execution meets autograd: while a thread records, every op application that reads an array autograd
 * knows (a variable or a recorded output) becomes a {@link TapeNode}, and its outputs point at it. Applications on
 * untracked arrays cost one check per input.
 */
public final class Tape {
    private Tape() {
    }

    /**
     * Records one application if any input is tracked, and returns the outputs to hand out (an output that is the
     * same object as an input is replaced by a view, so the input keeps its own history).
     */
    public static List<NDArray> record(OpDef op, Attrs attrs, List<NDArray> inputs, List<NDArray> outputs) {
        if (!anyTracked(inputs)) {
            return outputs;
        }
        List<NDArray> outs = outputs;
        for (int i = 0; i < outs.size(); i++) {
            NDArray o = outs.get(i);
            if (o.autogradEntry() != null || inputs.contains(o)) {
                if (outs == outputs) {
                    outs = new ArrayList<>(outputs);
                }
                outs.set(i, o.detach()); // a fresh view: same storage, no history
            }
        }
        outs = List.copyOf(outs);
        TapeNode node = new TapeNode(op, attrs, List.copyOf(inputs), outs, OpContext.isTraining());
        if (Anomaly.isEnabled()) {
            node.anomalyOrigin(AnomalyContext.record(op.name()));
        }
        for (int i = 0; i < outs.size(); i++) {
            outs.get(i).autogradEntry(new TapeEntry.Output(node, i));
        }
        return outs;
    }

    /**
     * Records {@code result = op(input)} for an array method that bypasses {@code Ops} (a reshape view, astype, a
     * copy to another device), when this thread records and {@code input} is tracked.
     */
    public static NDArray recordUnary(String opName, Map<String, ?> attrs, NDArray input, NDArray result) {
        if (!OpContext.isRecording() || input.autogradEntry() == null) {
            return result;
        }
        OpDef op = OpRegistry.global().get(opName);
        return record(op, op.attrs(attrs), List.of(input), List.of(result)).get(0);
    }

    /** Refuses an in-place write into an array autograd is tracking while recording (as MXNet does). */
    public static void checkInPlace(NDArray target, String opName) {
        if (OpContext.isRecording() && target.autogradEntry() != null) {
            throw new KilnException("op '" + opName + "': in-place update of an array autograd is recording (shape "
                    + target.shape() + ") is not supported; compute a new array instead (y = x + 1), or update it "
                    + "outside Autograd.record()");
        }
    }

    private static boolean anyTracked(List<NDArray> inputs) {
        for (NDArray in : inputs) {
            if (in.autogradEntry() != null) {
                return true;
            }
        }
        return false;
    }
}
