package dev.kiln.metric;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.kiln.metric.MetricArrays.mat;
import static dev.kiln.metric.MetricArrays.row;
import static dev.kiln.metric.MetricArrays.vec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RegressionMetricTest {
    /** Differences label - pred: -0.5, 0.5, 0, 1. */
    private static final NDArray LABEL_1 = NDArray.of(Shape.of(4, 1), 2.5f, 0f, 2f, 8f);
    private static final NDArray PRED_1 = NDArray.of(Shape.of(4, 1), 3f, -0.5f, 2f, 7f);
    /** A 1-D label against a column prediction: differences -0.5, -0.5. */
    private static final NDArray LABEL_2 = vec(1, 2);
    private static final NDArray PRED_2 = mat(row(1.5), row(2.5));

    @Test
    void eachPairAddsItsMeanErrorAndTheValueAveragesThePairs() {
        MAE mae = new MAE();
        MSE mse = new MSE();
        RMSE rmse = new RMSE();
        for (EvalMetric m : List.of(mae, mse, rmse)) {
            m.update(LABEL_1, PRED_1);
        }
        assertThat(mae.get()).isEqualTo(new MetricValue("mae", 0.5));
        assertThat(mse.get()).isEqualTo(new MetricValue("mse", 0.375));
        assertThat(rmse.get().name()).isEqualTo("rmse");
        assertThat(rmse.get().value()).isCloseTo(Math.sqrt(0.375), within(1e-12));
        for (EvalMetric m : List.of(mae, mse, rmse)) {
            m.update(LABEL_2, PRED_2);
        }
        assertThat(mae.get().value()).isCloseTo((0.5 + 0.5) / 2, within(1e-12));
        assertThat(mse.get().value()).isCloseTo((0.375 + 0.25) / 2, within(1e-12));
        assertThat(rmse.get().value()).isCloseTo((Math.sqrt(0.375) + 0.5) / 2, within(1e-12));
    }

    @Test
    void localAndGlobalErrorsFollowTheResets() {
        MSE mse = new MSE();
        mse.update(LABEL_1, PRED_1);
        mse.resetLocal();
        mse.update(LABEL_2, PRED_2);
        assertThat(mse.get().value()).isCloseTo(0.25, within(1e-12));
        assertThat(mse.getGlobal().value()).isCloseTo((0.375 + 0.25) / 2, within(1e-12));
        mse.reset();
        assertThat(mse.getGlobalNameValue()).hasSize(1);
        assertThat(mse.getGlobal().value()).isNaN();
    }

    @Test
    void aOneDimensionalLabelBroadcastsAgainstWiderPredictionsAsAColumn() {
        MAE mae = new MAE();
        MSE mse = new MSE();
        // label [1, 2] read as [[1], [2]]; differences [[0, -2], [0, -2]]
        NDArray pred = mat(row(1, 3), row(2, 4));
        mae.update(vec(1, 2), pred);
        mse.update(vec(1, 2), pred);
        assertThat(mae.get().value()).isCloseTo(1.0, within(1e-12));
        assertThat(mse.get().value()).isCloseTo(2.0, within(1e-12));
    }

    @Test
    void shapesThatDoNotBroadcastAreReportedWithBothShapes() {
        assertThatThrownBy(() -> new RMSE().update(vec(1, 2, 3), vec(1, 2))).isInstanceOf(KilnException.class)
                .hasMessageContaining("'rmse'").hasMessageContaining("(3,)").hasMessageContaining("(2,)");
        assertThatThrownBy(() -> new MAE().update(List.of(LABEL_1, LABEL_2), List.of(PRED_1)))
                .hasMessageContaining("shape of labels 2").hasMessageContaining("predictions 1");
    }
}
