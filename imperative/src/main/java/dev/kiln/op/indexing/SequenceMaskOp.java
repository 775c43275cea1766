package dev.kiln.op.indexing;

import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.AttrType;
import dev.kiln.op.Gradient;
import dev.kiln.op.Invocation;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * MXNet's {@code SequenceMask}: a copy of {@code data} with every time step at or beyond each batch entry's
 * {@code sequence_length} set to {@code value}. Without {@code use_sequence_length} nothing is masked. A length
 * beyond the time extent masks nothing; a negative length is an error.
 */
public final class SequenceMaskOp extends SequenceOp {
    public static final AttrSpec<Double> VALUE = AttrSpec.of("value", AttrType.FLOAT, 0.0,
            "the value written at masked positions");

    public SequenceMaskOp() {
        super("SequenceMask", attrs(VALUE), true, "_npx_sequence_mask");
    }

    @Override
    public String doc() {
        return "masks time steps beyond each sequence's length";
    }

    @Override
    protected Shape outputShape(Shape data, int axis) {
        return data;
    }

    @Override
    protected Shape dataFromOutput(Shape out, int axis) {
        return out;
    }

    /** The output gradient masked with zeros like the data; {@code sequence_length} gets none. */
    @Override
    public <T> List<T> gradient(Gradient<T> g) {
        Map<String, Object> attrs = new HashMap<>(g.attrs().values());
        attrs.put(VALUE.name(), 0.0);
        return sequenceGradient(g, "SequenceMask", attrs);
    }

    @Override
    public List<NDArray> compute(Invocation call) {
        NDArray data = call.input(0);
        int axis = call.attr(AXIS);
        int[] g = geometry(data.shape(), axis);
        int time = g[0];
        int batch = g[1];
        int rest = g[2];
        int[] len = lengths(call.inputs(), call.attrs(), batch, time, 0, Integer.MAX_VALUE, data.shape());
        NDArray out = data.copy();
        float value = (float) (double) call.attr(VALUE);
        for (int b = 0; b < batch; b++) {
            for (int s = len[b]; s < time; s++) {
                int start = (axis == 0 ? s * batch + b : b * time + s) * rest;
                for (int r = 0; r < rest; r++) {
                    Storage.set(out.dtype(), out.data(), start + r, value);
                }
            }
        }
        return List.of(out);
    }
}
