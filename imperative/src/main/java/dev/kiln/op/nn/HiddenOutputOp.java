package dev.kiln.op.nn;

import dev.kiln.ndarray.DType;
import dev.kiln.op.AttrSpec;
import dev.kiln.op.Attrs;

import java.util.List;

/**
 * An op with one visible output and a hidden second one its gradient rule reads (Dropout's mask, CTCLoss's
 * precomputed gradient), both of the floating data's dtype, as MXNet's {@code FNumVisibleOutputs} ops.
 */
abstract class HiddenOutputOp extends NNOp {
    private final String hiddenName;

    HiddenOutputOp(String name, List<String> inputs, List<AttrSpec<?>> attrs, String hiddenName, String... aliases) {
        super(name, inputs, attrs, aliases);
        this.hiddenName = hiddenName;
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
        return List.of("output", hiddenName);
    }

    @Override
    public List<DType> inferTypes(Attrs attrs, List<DType> inputTypes) {
        DType t = requireFloating(attrs, inputTypes, 0);
        return List.of(t, t);
    }
}
