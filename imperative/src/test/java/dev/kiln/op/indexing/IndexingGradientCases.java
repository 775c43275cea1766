package dev.kiln.op.indexing;

import dev.kiln.testing.GradientCase;

import java.util.ArrayList;
import java.util.List;

/** Gradient checks of the indexing ops, run by {@code dev.kiln.op.OpGradientTest}. */
public final class IndexingGradientCases {
    private IndexingGradientCases() {
    }

    public static List<GradientCase> cases() {
        GradientCase.Inputs r = new GradientCase.Inputs(13415);
        List<GradientCase> c = new ArrayList<>();
        return c;
    }
}
