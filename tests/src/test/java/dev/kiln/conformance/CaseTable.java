package dev.kiln.conformance;

import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.function.ThrowingConsumer;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

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
        all.addAll(RnnCases.specs());
        all.addAll(CreationCases.specs());
        all.addAll(EdgeCases.specs());
        all.addAll(OptimizerCases.specs());
        all.addAll(ImageCases.specs());
        return all;
    }

    /**
     * One dynamic test per table case that {@code include} accepts, running {@code check} on it, grouped by entry
     * title and named by the case's index and description.
     */
    static Stream<DynamicNode> tests(Predicate<OpCase> include, ThrowingConsumer<OpCase> check) {
        List<DynamicNode> nodes = new ArrayList<>();
        for (CaseSpec spec : all()) {
            List<DynamicNode> tests = new ArrayList<>();
            List<OpCase> cases = spec.cases();
            for (int i = 0; i < cases.size(); i++) {
                OpCase c = cases.get(i);
                if (include.test(c)) {
                    tests.add(dynamicTest("#" + i + " " + c.describe(), () -> check.accept(c)));
                }
            }
            if (!tests.isEmpty()) {
                nodes.add(dynamicContainer(spec.title(), tests));
            }
        }
        return nodes.stream();
    }
}
