package dev.kiln.estimator;

import dev.kiln.testing.FreshNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(FreshNames.class)
class ProgressBarHandlerTest {

    @Test
    void noBarUnlessTheBuilderNamesAStream() {
        assertThat(ProgressBarHandler.interactive()).isFalse();
        Estimator est = FitFixtures.estimator(FitFixtures.net());
        assertThat(DefaultHandlers.forFit(est, null, List.of())).noneMatch(ProgressBarHandler.class::isInstance);
    }

    @Test
    void aStreamGivenToTheBuilderGetsTheDefaultBar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Estimator est = FitFixtures.builder(FitFixtures.net()).progressBar(out).build();
        assertThat(DefaultHandlers.forFit(est, null, List.of())).anyMatch(ProgressBarHandler.class::isInstance);

        est.fit(FitFixtures.linearData(2, 4, 0), null, 1);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("Epoch 1/1").contains("8/8 samples");
    }

    @Test
    void barShowsEpochsSamplesThroughputAndTheEpochsValues() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Estimator est = FitFixtures.estimator(FitFixtures.net());
        est.fit(FitFixtures.linearData(3, 4, 0), null, 2, List.of(new ProgressBarHandler(out)));
        String text = bytes.toString(StandardCharsets.UTF_8);

        assertThat(text).contains("Epoch 1/2").contains("Epoch 2/2");
        assertThat(text).contains("12/12 samples");
        assertThat(text).contains("samples/s");
        assertThat(text).contains("training loss:");
    }
}
