package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InitializerDispatchTest {

    /** Fills weights with 7 and remembers what it was asked to fill, so tests see which path ran. */
    private static class Sevens extends Initializer {
        final List<String> weights = new ArrayList<>();
        boolean recordingSeen;

        @Override
        protected void initWeight(InitDesc desc, NDArray target) {
            weights.add(desc.name());
            recordingSeen |= Autograd.isRecording();
            target.fill(7);
        }
    }

    private static double[] filled(Initializer init, InitDesc desc) {
        NDArray target = NDArray.zeros(3).fill(-5);
        init.initialize(desc, target);
        return target.toDoubleArray();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "dense0_weight, 7", "dense0_bias, 0", "batchnorm0_gamma, 1", "batchnorm0_beta, 0",
            "quant_min, 0", "quant_max, 1", "mybias, 0",
            // Kiln extension: batch-norm running statistics
            "batchnorm0_running_mean, 0", "batchnorm0_running_var, 1", "bn_moving_mean, 0", "bn_moving_var, 1"})
    void theNameSuffixPicksTheRole(String name, double expected) {
        assertThat(filled(new Sevens(), new InitDesc(name))).containsOnly(expected);
    }

    @Test
    void onlyWeightsReachTheInitializersOwnRule() {
        Sevens init = new Sevens();
        filled(init, new InitDesc("fc_weight"));
        filled(init, new InitDesc("fc_bias"));
        filled(init, new InitDesc("bn_gamma"));
        assertThat(init.weights).containsExactly("fc_weight");
    }

    @Test
    void anyOtherNameIsFilledByTheWeightRuleAsGluonDoes() {
        Sevens init = new Sevens();
        assertThat(filled(init, new InitDesc("lstm0_state"))).containsOnly(7);
        assertThat(init.weights).containsExactly("lstm0_state");
    }

    @Test
    void theParametersOwnInitializerWinsOverAttributeAndSuffix() {
        Sevens own = new Sevens();
        InitDesc desc = new InitDesc("dense0_bias", Map.of(InitDesc.INIT_ATTR, "zeros"), own);
        assertThat(filled(new One(), desc)).containsOnly(7);
        assertThat(own.weights).containsExactly("dense0_bias");
    }

    @Test
    void theInitAttributeIsCreatedAndFillsAsAWeightWhateverTheSuffix() {
        assertThat(filled(new Zero(), new InitDesc("bn_running_mean", Map.of(InitDesc.INIT_ATTR, "ones"))))
                .containsOnly(1);
        String json = "[\"constant\", {\"value\": 2.5}]";
        assertThat(filled(new Zero(), new InitDesc("odd_name", Map.of(InitDesc.INIT_ATTR, json)))).containsOnly(2.5);
    }

    @Test
    void anEmptyInitAttributeCountsAsUnset() {
        assertThat(filled(new Sevens(), new InitDesc("fc_bias", Map.of(InitDesc.INIT_ATTR, "")))).containsOnly(0);
    }

    @Test
    void aBadInitAttributeFailsWithTheCreateError() {
        assertThatThrownBy(() -> filled(new Zero(), new InitDesc("w", Map.of(InitDesc.INIT_ATTR, "nosuchinit"))))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("'nosuchinit' is not registered");
    }

    @Test
    void subclassesMayOverrideTheBiasGammaAndBetaRules() {
        Initializer custom = new Sevens() {
            @Override
            protected void initBias(InitDesc desc, NDArray target) {
                target.fill(0.5);
            }
        };
        assertThat(filled(custom, new InitDesc("fc_bias"))).containsOnly(0.5);
        assertThat(filled(custom, new InitDesc("bn_gamma"))).containsOnly(1);
    }

    @Test
    void initializationIsNotRecordedByAutograd() {
        Sevens init = new Sevens();
        NDArray target = NDArray.zeros(4).attachGrad();
        NDArray sampled = NDArray.zeros(4, 4).attachGrad();
        var entry = target.autogradEntry();
        var sampledEntry = sampled.autogradEntry();
        try (Autograd.Scope ignored = Autograd.record()) {
            init.initialize(new InitDesc("w_weight"), target);
            new Xavier().initialize(new InitDesc("x_weight"), sampled);
            assertThat(Autograd.isRecording()).isTrue();
        }
        assertThat(init.recordingSeen).isFalse();
        assertThat(target.autogradEntry()).isSameAs(entry);
        assertThat(sampled.autogradEntry()).isSameAs(sampledEntry);
    }

    @Test
    void roleFillsWorkForIntegerTargets() {
        NDArray ints = NDArray.of(Shape.of(2), DType.INT32, 9, 9);
        new Uniform().initialize(new InitDesc("count_max"), ints);
        assertThat(ints.toIntArray()).containsExactly(1, 1);
    }

    @Test
    void initDescCopiesItsAttributesAndDefaultsThemToEmpty() {
        Map<String, String> attrs = new HashMap<>(Map.of("k", "v"));
        InitDesc desc = new InitDesc("p", attrs, null);
        attrs.put("k", "changed");
        assertThat(desc.attrs()).containsEntry("k", "v");
        assertThat(new InitDesc("p", null, null).attrs()).isEmpty();
        assertThat(new InitDesc("p").explicit()).isNull();
    }
}
