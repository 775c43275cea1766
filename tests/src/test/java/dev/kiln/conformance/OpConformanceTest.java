package dev.kiln.conformance;

import dev.kiln.op.OpRegistry;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.ThrowingConsumer;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

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
        return CaseTable.tests(GradientConformance::applies, GradientConformance::check);
    }

    private static Stream<DynamicNode> containers(boolean compareWithKiln) {
        OpRegistry registry = OpRegistry.global();
        Set<String> absent = new TreeSet<>();
        ThrowingConsumer<OpCase> check = compareWithKiln ? Conformance::check
                : Conformance::checkMXNetAgreesWithTable;
        List<DynamicNode> nodes = CaseTable.tests(c -> {
            if (compareWithKiln && !registry.contains(c.op())) {
                absent.add(c.op());
                return false;
            }
            return true;
        }, check).toList();
        MXNet mx = MXNet.get();
        System.out.println((compareWithKiln ? "Comparing Kiln with " : "Checking the table against ") + "MXNet "
                + mx.version() + " from " + mx.libraryPath() + ", loaded in " + mx.loadMillis() + " ms");
        if (!absent.isEmpty()) {
            System.out.println("Table ops Kiln does not register (their cases are left out): " + absent);
        }
        return nodes.stream();
    }
}
