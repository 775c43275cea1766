package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MixedTest {

    private static double[] filled(Initializer init, InitDesc desc) {
        NDArray target = NDArray.zeros(2, 2).fill(-9);
        init.initialize(desc, target);
        return target.toDoubleArray();
    }

    @Test
    void theFirstMatchingPatternWins() {
        Mixed mixed = new Mixed(List.of("dense0_", "dense", ".*"),
                List.of(new Constant(1), new Constant(2), new Constant(3)));
        assertThat(filled(mixed, new InitDesc("dense0_weight"))).containsOnly(1);
        assertThat(filled(mixed, new InitDesc("dense1_weight"))).containsOnly(2);
        assertThat(filled(mixed, new InitDesc("conv0_weight"))).containsOnly(3);
    }

    @Test
    void patternsMatchAtTheStartOfTheNameOnlyLikePythonsReMatch() {
        Mixed mixed = new Mixed(List.of("weight", ".*weight", ".*"),
                List.of(new Constant(1), new Constant(2), new Constant(3)));
        // "weight" is not at the start of "fc_weight"; ".*weight" is, and need not reach the end
        assertThat(filled(mixed, new InitDesc("fc_weight"))).containsOnly(2);
        assertThat(filled(mixed, new InitDesc("weight_extra_weight"))).containsOnly(1);
    }

    @Test
    void theChosenInitializerStillDispatchesByRole() {
        Mixed mixed = new Mixed(List.of(".*"), List.of(new Constant(5)));
        assertThat(filled(mixed, new InitDesc("fc_weight"))).containsOnly(5);
        assertThat(filled(mixed, new InitDesc("fc_bias"))).containsOnly(0);
        assertThat(filled(mixed, new InitDesc("bn_gamma"))).containsOnly(1);
    }

    @Test
    void aParametersOwnInitializerStillWins() {
        Mixed mixed = new Mixed(List.of(".*"), List.of(new Constant(5)));
        assertThat(filled(mixed, new InitDesc("fc_weight", Map.of(), new Constant(8)))).containsOnly(8);
        assertThat(filled(mixed, new InitDesc("fc_weight", Map.of(InitDesc.INIT_ATTR, "ones")))).containsOnly(1);
    }

    @Test
    void asAParametersOwnInitializerItPicksTheWeightRuleByPattern() {
        Mixed own = new Mixed(List.of("a", "b"), List.of(new Constant(1), new Constant(2)));
        assertThat(filled(new Zero(), new InitDesc("b_bias", Map.of(), own))).containsOnly(2);
    }

    @Test
    void aNameNoPatternMatchesIsAnErrorNamingParameterAndPatterns() {
        Mixed mixed = new Mixed(List.of("dense.*", "conv.*"), List.of(new Zero(), new One()));
        assertThatThrownBy(() -> filled(mixed, new InitDesc("lstm0_weight")))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("'lstm0_weight'")
                .hasMessageContaining("[dense.*, conv.*]")
                .hasMessageContaining("\".*\"");
    }

    @Test
    void patternsAndInitializersMustPairUpAndPatternsMustCompile() {
        assertThatThrownBy(() -> new Mixed(List.of("a", "b"), List.of(new Zero())))
                .isInstanceOf(KilnException.class).hasMessageContaining("2 patterns and 1 initializers");
        assertThatThrownBy(() -> new Mixed(List.of("(unclosed"), List.of(new Zero())))
                .isInstanceOf(KilnException.class).hasMessageContaining("bad pattern '(unclosed'");
    }
}
