package dev.kiln.op;

import dev.kiln.testing.GradientCase;
import dev.kiln.testing.GradientCases;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every differentiable op in the registry against central differences. The list of ops comes from the registry, so an
 * op added without a gradient case fails {@link #everyDifferentiableOpHasAGradientCase}.
 */
class OpGradientTest {

    static List<GradientCase> allCases() {
        return GradientCases.all();
    }

    /**
     * Ops whose MXNet gradient is not the derivative of their output, so no central-difference case can pass; each
     * names the test that checks its gradient instead.
     */
    private static final java.util.Map<String, String> CHECKED_ELSEWHERE = java.util.Map.of(
            "SoftmaxOutput", "its gradient is (softmax - one_hot(label)) by definition, ignoring the incoming "
                    + "gradient: NNSpecialGradientTest and the MXNet conformance suite check it");

    @Test
    void everyDifferentiableOpHasAGradientCase() {
        Set<String> covered = new TreeSet<>();
        for (GradientCase c : allCases()) {
            covered.add(OpRegistry.global().get(c.op()).name());
        }
        Set<String> missing = new TreeSet<>();
        for (OpDef op : OpRegistry.global().ops()) {
            if (op.isDifferentiable() && !op.name().startsWith("_backward_") && !covered.contains(op.name())
                    && !CHECKED_ELSEWHERE.containsKey(op.name())
                    && !op.family().equals(OpFamily.CUSTOM)) {
                missing.add(op.name());
            }
        }
        assertThat(missing).as("differentiable ops without a gradient case").isEmpty();
    }

    @TestFactory
    Stream<DynamicTest> gradientMatchesCentralDifferences() {
        return allCases().stream().map(c -> DynamicTest.dynamicTest(c.toString(),
                () -> c.checker().verify(c.inputs().toArray(dev.kiln.ndarray.NDArray[]::new))));
    }
}
