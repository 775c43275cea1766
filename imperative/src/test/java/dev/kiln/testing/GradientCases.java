package dev.kiln.testing;

import dev.kiln.op.conv.ConvGradientCases;
import dev.kiln.op.elementwise.BinaryGradientCases;
import dev.kiln.op.elementwise.ElementwiseGradientCases;
import dev.kiln.op.image.ImageGradientCases;
import dev.kiln.op.indexing.IndexingGradientCases;
import dev.kiln.op.linalg.LinalgGradientCases;
import dev.kiln.op.nn.NNGradientCases;
import dev.kiln.op.reduce.ReduceGradientCases;
import dev.kiln.op.rnn.RnnGradientCases;
import dev.kiln.op.shape.ShapeGradientCases;

import java.util.ArrayList;
import java.util.List;

/**
 * Every family's gradient cases in one list: what the eager gradient check and the graph gradient test (symbolic
 * module) both run over, so a case added to a family is checked by both.
 */
public final class GradientCases {
    private GradientCases() {
    }

    /** Fresh cases (new input arrays on every call) of every op family. */
    public static List<GradientCase> all() {
        List<GradientCase> all = new ArrayList<>();
        all.addAll(ElementwiseGradientCases.cases());
        all.addAll(BinaryGradientCases.cases());
        all.addAll(ReduceGradientCases.cases());
        all.addAll(LinalgGradientCases.cases());
        all.addAll(ShapeGradientCases.cases());
        all.addAll(IndexingGradientCases.cases());
        all.addAll(NNGradientCases.cases());
        all.addAll(ConvGradientCases.cases());
        all.addAll(RnnGradientCases.cases());
        all.addAll(ImageGradientCases.cases());
        return all;
    }
}
