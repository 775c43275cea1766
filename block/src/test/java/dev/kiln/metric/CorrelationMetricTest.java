package dev.kiln.metric;

import dev.kiln.KilnException;
import dev.kiln.ndarray.NDArray;
import org.junit.jupiter.api.Test;

import static dev.kiln.metric.MetricArrays.mat;
import static dev.kiln.metric.MetricArrays.row;
import static dev.kiln.metric.MetricArrays.vec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CorrelationMetricTest {
    /** Correlation 4 / sqrt(5 * 5) = 0.8. */
    private static final NDArray LABEL_1 = vec(1, 2, 3, 4);
    private static final NDArray PRED_1 = vec(1, 3, 2, 4);
    /** Correlation 0.5 / sqrt(2/3 * 1/2) = sqrt(3)/2. */
    private static final NDArray LABEL_2 = vec(0, 1, 0);
    private static final NDArray PRED_2 = vec(0.5, 1, 0);

    @Test
    void macroPearsonAveragesTheCorrelationOfEachPair() {
        PearsonCorrelation r = new PearsonCorrelation();
        assertThat(r.name()).isEqualTo("pearsonr");
        r.update(LABEL_1, PRED_1);
        assertThat(r.get().value()).isCloseTo(0.8, within(1e-12));
        r.update(LABEL_2, PRED_2);
        assertThat(r.get().value()).isCloseTo((0.8 + Math.sqrt(3) / 2) / 2, within(1e-12));
        r.resetLocal();
        assertThat(r.get().value()).isNaN();
        assertThat(r.getGlobal().value()).isCloseTo((0.8 + Math.sqrt(3) / 2) / 2, within(1e-12));
    }

    @Test
    void microPearsonIsTheCorrelationOfAllValuesPooled() {
        PearsonCorrelation r = new PearsonCorrelation(Average.MICRO);
        assertThat(r.get().value()).isNaN();
        r.update(LABEL_1, PRED_1);
        assertThat(r.get().value()).isCloseTo(0.8, within(1e-12));
        r.update(LABEL_2, PRED_2);
        double pooled = twoPassCorrelation(new double[] {1, 3, 2, 4, 0.5, 1, 0}, new double[] {1, 2, 3, 4, 0, 1, 0});
        assertThat(r.get().value()).isCloseTo(pooled, within(1e-12));
        assertThat(r.getGlobal().value()).isCloseTo(pooled, within(1e-12));
        r.resetLocal();
        assertThat(r.get().value()).isNaN();
        assertThat(r.getGlobal().value()).isCloseTo(pooled, within(1e-12));
        r.reset();
        r.update(LABEL_2, PRED_2);
        assertThat(r.get().value()).isCloseTo(Math.sqrt(3) / 2, within(1e-12));
    }

    private static double twoPassCorrelation(double[] x, double[] y) {
        double mx = 0;
        double my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i] / x.length;
            my += y[i] / y.length;
        }
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    @Test
    void pearsonNeedsEqualShapes() {
        assertThatThrownBy(() -> new PearsonCorrelation().update(vec(1, 2), mat(row(1), row(2))))
                .isInstanceOf(KilnException.class).hasMessageContaining("(2,)").hasMessageContaining("(2, 1)");
    }

    @Test
    void pccOfTwoClassesIsTheMatthewsCorrelation() {
        PCC pcc = new PCC();
        MCC mcc = new MCC();
        // tp 2, fp 1, fn 1, tn 1: every factor non-zero, so MCC's convention does not apply
        NDArray label = vec(1, 1, 0, 0, 1);
        NDArray pred = mat(row(0.2, 0.8), row(0.6, 0.4), row(0.9, 0.1), row(0.3, 0.7), row(0.1, 0.9));
        pcc.update(label, pred);
        mcc.update(label, pred);
        assertThat(pcc.name()).isEqualTo("pcc");
        assertThat(pcc.get().value()).isCloseTo(1.0 / 6, within(1e-12)).isCloseTo(mcc.get().value(), within(1e-12));
    }

    @Test
    void pccGrowsItsConfusionMatrixForMoreClasses() {
        PCC pcc = new PCC();
        // confusion (rows predicted): [[1,0,0],[1,1,0],[0,1,2]]; x = [1,2,3], y = [2,2,2], n = 6
        // cov_xy = 4 + 2 + 6, cov_xx = 5 + 8 + 9, cov_yy = 3 * 8
        pcc.update(vec(0, 1, 2, 2, 1, 0), vec(0, 2, 2, 2, 1, 1));
        assertThat(pcc.get().value()).isCloseTo(12 / Math.sqrt(22.0 * 24), within(1e-12));
        pcc.resetLocal();
        assertThat(pcc.get().value()).isNaN();
        // a perfect batch: local 1, global confusion adds the identity
        pcc.update(vec(0, 1, 2), vec(0, 1, 2));
        assertThat(pcc.get().value()).isCloseTo(1.0, within(1e-12));
        // global: [[2,0,0],[1,2,0],[0,1,3]]; x = [2,3,4], y = [3,3,3], n = 9
        double covXY = (2 * 9 - 2 * 3) + (2 * 9 - 3 * 3) + (3 * 9 - 4 * 3);
        double covXX = 2 * 7 + 3 * 6 + 4 * 5;
        double covYY = 3 * (3 * 6);
        assertThat(pcc.getGlobal().value()).isCloseTo(covXY / Math.sqrt(covXX * covYY), within(1e-12));
    }

    @Test
    void pccIsUndefinedWhenEverySamplePredictsOneClass() {
        PCC pcc = new PCC();
        pcc.update(vec(0, 1), vec(1, 1));
        assertThat(pcc.get().value()).isNaN();
    }
}
