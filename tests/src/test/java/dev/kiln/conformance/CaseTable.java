package dev.kiln.conformance;

import java.util.ArrayList;
import java.util.List;

/**
 * The conformance case table: every family's entries in one list. To cover a new op, add an entry to its family's
 * class ({@link ElementwiseCases}, {@link ReduceCases}, ...); a Kiln op that disagrees with MXNet stays out of the
 * table with a one-line comment saying which behaviour differs.
 */
final class CaseTable {
    private CaseTable() {
    }

    static List<CaseSpec> all() {
        List<CaseSpec> all = new ArrayList<>();
        all.addAll(ElementwiseCases.unary());
        all.addAll(ElementwiseCases.binary());
        all.addAll(ElementwiseCases.scalar());
        all.addAll(ReduceCases.specs());
        all.addAll(LinalgCases.specs());
        all.addAll(ShapeCases.specs());
        all.addAll(IndexingCases.specs());
        all.addAll(NNCases.specs());
        all.addAll(ConvCases.specs());
        all.addAll(CreationCases.specs());
        all.addAll(EdgeCases.specs());
        all.addAll(OptimizerCases.specs());
        return all;
    }
}
