package dev.kiln.op.reduce;

import dev.kiln.op.OpDef;
import dev.kiln.op.OpLibrary;

import java.util.List;

/**
 * The REDUCE family: reductions over axes ({@code sum}, {@code mean}, {@code prod}, {@code max}, {@code min},
 * {@code nansum}, {@code nanprod}, {@code norm}, {@code logsumexp}), searches ({@code argmax}, {@code argmin}),
 * running sums ({@code cumsum}) and ordering ({@code sort}, {@code argsort}, {@code topk}).
 */
public final class ReduceOps implements OpLibrary {
    @Override
    public List<OpDef> ops() {
        return List.of(
                new AxesReduceOp("sum", "sum over the given axes", LaneMath.SUM, LaneReducer.IntKind.SUM, false,
                        ReduceGradients.SUM, "sum_axis"),
                new AxesReduceOp("mean", "mean over the given axes", LaneMath.MEAN, LaneReducer.IntKind.MEAN, false,
                        ReduceGradients.MEAN),
                new AxesReduceOp("prod", "product over the given axes", LaneMath.PROD, LaneReducer.IntKind.PROD,
                        false, ReduceGradients.PROD),
                new AxesReduceOp("nansum", "sum over the given axes, NaN counted as zero", LaneMath.NANSUM,
                        LaneReducer.IntKind.SUM, false, ReduceGradients.NANSUM),
                new AxesReduceOp("nanprod", "product over the given axes, NaN counted as one", LaneMath.NANPROD,
                        LaneReducer.IntKind.PROD, false, ReduceGradients.NANPROD),
                new AxesReduceOp("max", "maximum over the given axes", LaneMath.MAX, LaneReducer.IntKind.MAX, true,
                        ReduceGradients.EXTREMUM, "max_axis"),
                new AxesReduceOp("min", "minimum over the given axes", LaneMath.MIN, LaneReducer.IntKind.MIN, true,
                        ReduceGradients.EXTREMUM, "min_axis"),
                new AxesReduceOp("logsumexp", "log of the sum of exponentials over the given axes (Kiln extension)",
                        LaneMath.LOGSUMEXP, null, false, ReduceGradients.LOGSUMEXP),
                new NormOp(),
                ArgReduceOp.argmax(),
                ArgReduceOp.argmin(),
                new CumsumOp(),
                new SortOp(),
                new ArgsortOp(),
                new TopKOp(),
                new SumLikeOp(),
                new BroadcastToLikeOp(),
                new BroadcastReducedLikeOp(),
                AlongAxisOp.take(),
                AlongAxisOp.scatter());
    }
}
