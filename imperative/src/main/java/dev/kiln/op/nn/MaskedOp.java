package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;

import java.util.List;

/**
 * An op that multiplies floating data by a random mask it draws (Dropout, DropBlock): one visible output, and a
 * hidden second output holding the mask, so the gradient is {@code out_grad * mask}, the forward's own draw.
 */
abstract class MaskedOp extends NNOp {

    MaskedOp(String name, List<AttrSpec<?>> attrs, String... aliases) {
        super(name, List.of("data"), attrs, aliases);
    }

    @Override
    public int numOutputs(Attrs attrs) {
        return 2;
    }

    @Override
    public int numVisibleOutputs(Attrs attrs) {
        return 1;
    }

    @Override
    public List<String> outputNames(Attrs attrs) {
        return List.of("output", "mask");
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        DType t = requireFloating(attrs, inputTypes, 0);
        return List.of(t, t);
    }
}
