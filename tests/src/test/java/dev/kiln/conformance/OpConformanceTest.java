package dev.kiln.conformance;

import dev.kiln.op.OpRegistry;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * Kiln's ops against real MXNet 1.9, one dynamic test per case of {@link CaseTable}. Cases whose op (or alias) Kiln
 * does not register yet are left out; every table case is separately run through MXNet alone, so the table itself
 * stays valid before the op lands.
 */
class OpConformanceTest {

    /** Every table case whose op Kiln registers: outputs, dtypes, shapes and errors must match MXNet's. */
    @TestFactory
    Stream<DynamicNode> kilnMatchesMXNet() {
        return containers(true);
    }

    /** Every table case, MXNet only: MXNet accepts it (or rejects it, where the table says so). */
    @TestFactory
    Stream<DynamicNode> mxnetAgreesWithTheTable() {
        return containers(false);
    }

    /**
     * Every table case Kiln can differentiate: input gradients must match MXNet's for the same head gradients, in
     * training mode ({@link GradientConformance} lists what is left out and why).
     */
    @TestFactory
    Stream<DynamicNode> gradientsMatchMXNet() {
        List<DynamicNode> nodes = new ArrayList<>();
        for (CaseSpec spec : CaseTable.all()) {
            List<DynamicNode> tests = new ArrayList<>();
            List<OpCase> cases = spec.cases();
            for (int i = 0; i < cases.size(); i++) {
                OpCase c = cases.get(i);
                if (GradientConformance.applies(c)) {
                    tests.add(dynamicTest("#" + i + " " + c.describe(), () -> GradientConformance.check(c)));
                }
            }
            if (!tests.isEmpty()) {
                nodes.add(dynamicContainer(spec.title(), tests));
            }
        }
        return nodes.stream();
    }

    private static Stream<DynamicNode> containers(boolean compareWithKiln) {
        OpRegistry registry = OpRegistry.global();
        List<DynamicNode> nodes = new ArrayList<>();
        Set<String> absent = new TreeSet<>();
        for (CaseSpec spec : CaseTable.all()) {
            List<DynamicNode> tests = new ArrayList<>();
            List<OpCase> cases = spec.cases();
            for (int i = 0; i < cases.size(); i++) {
                OpCase c = cases.get(i);
                if (compareWithKiln && !registry.contains(c.op())) {
                    absent.add(c.op());
                    continue;
                }
                String name = "#" + i + " " + c.describe();
                tests.add(dynamicTest(name, compareWithKiln ? () -> Conformance.check(c)
                        : () -> Conformance.checkMXNetAgreesWithTable(c)));
            }
            if (!tests.isEmpty()) {
                DynamicContainer container = dynamicContainer(spec.title(), tests);
                nodes.add(container);
            }
        }
        MXNet mx = MXNet.get();
        System.out.println((compareWithKiln ? "Comparing Kiln with " : "Checking the table against ") + "MXNet "
                + mx.version() + " from " + mx.libraryPath() + ", loaded in " + mx.loadMillis() + " ms");
        if (!absent.isEmpty()) {
            System.out.println("Table ops Kiln does not register (their cases are left out): " + absent);
        }
        return nodes.stream();
    }
}
