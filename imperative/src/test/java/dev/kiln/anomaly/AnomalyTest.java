package dev.kiln.anomaly;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import dev.kiln.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnomalyTest {
    @AfterEach
    void globalModeIsOff() {
        Anomaly.setEnabled(false);
    }

    @Test
    void everyFloatingDTypeIsScannedAndIntegersNever() {
        for (DType t : List.of(DType.FLOAT16, DType.BFLOAT16, DType.FLOAT32, DType.FLOAT64)) {
            NDArray a = NDArray.of(Shape.of(5), t, 1, Double.NaN, -2, Double.POSITIVE_INFINITY,
                    Double.NEGATIVE_INFINITY);
            NonFinite f = NonFinite.find(a);
            assertThat(f).as(t.mxnetName()).isEqualTo(new NonFinite(1, 1, 1, 1, 5));
            assertThat(f.kinds()).isEqualTo("NaN and +inf and -inf");
            assertThat(NonFinite.find(NDArray.of(Shape.of(3), t, 65504, -1e-3, 0))).as(t.mxnetName()).isNull();
        }
        assertThat(NonFinite.find(NDArray.zeros(Shape.of(4), DType.INT32, Device.cpu()))).isNull();
    }

    @Test
    void scopesNestAndRestoreTheModeTheyReplaced() {
        assertThat(Anomaly.mode()).isEqualTo(Anomaly.Mode.OFF);
        try (var outer = Anomaly.detect()) {
            assertThat(Anomaly.mode()).isEqualTo(Anomaly.Mode.THROW);
            try (var inner = Anomaly.detect(Anomaly.Mode.OFF)) {
                assertThat(Anomaly.isEnabled()).isFalse();
                assertThat(Ops.call("log", NDArray.of(Shape.of(1), -1f)).toFloatArray()[0]).isNaN();
            }
            assertThat(Anomaly.mode()).isEqualTo(Anomaly.Mode.THROW);
            assertThatThrownBy(() -> Ops.call("log", NDArray.of(Shape.of(1), -1f)))
                    .isInstanceOf(NumericAnomalyException.class);
        }
        assertThat(Anomaly.mode()).isEqualTo(Anomaly.Mode.OFF);
        Anomaly.setMode(Anomaly.Mode.WARN);
        try (var off = Anomaly.detect(Anomaly.Mode.OFF)) {
            assertThat(Anomaly.isEnabled()).isFalse();
        }
        assertThat(Anomaly.mode()).isEqualTo(Anomaly.Mode.WARN);
    }

    @Test
    void scopesMustBeClosedInnermostFirst() {
        var outer = Anomaly.detect();
        var inner = Anomaly.detect(Anomaly.Mode.WARN);
        assertThatThrownBy(outer::close).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("innermost first");
        inner.close();
        outer.close();
        outer.close();
        assertThat(Anomaly.isEnabled()).isFalse();
    }

    @Test
    void thePropertyAcceptsTheModesAndIgnoresOtherValues() {
        assertThat(Anomaly.fromProperty(null)).isEqualTo(Anomaly.Mode.OFF);
        assertThat(Anomaly.fromProperty("true")).isEqualTo(Anomaly.Mode.THROW);
        assertThat(Anomaly.fromProperty(" Throw ")).isEqualTo(Anomaly.Mode.THROW);
        assertThat(Anomaly.fromProperty("warn")).isEqualTo(Anomaly.Mode.WARN);
        assertThat(Anomaly.fromProperty("false")).isEqualTo(Anomaly.Mode.OFF);
        assertThat(Anomaly.fromProperty("yes please")).isEqualTo(Anomaly.Mode.OFF);
    }

    @Test
    void warnModeLogsOnlyTheOpWhereTheValuesStartedAndGoesOn() {
        List<LogRecord> records;
        try (var logs = LogCapture.of(Anomaly.class.getName());
             var scope = Anomaly.detect(Anomaly.Mode.WARN)) {
            NDArray y = Ops.call("log", NDArray.of(Shape.of(2), -1f, 1f));
            NDArray z = Ops.call("relu", Ops.call("exp", y));
            assertThat(z.toFloatArray()[0]).isNaN();
            assertThat(z.toFloatArray()[1]).isEqualTo(1f);
            records = logs.records();
        }
        assertThat(records).hasSize(1);
        assertThat(records.get(0).getLevel()).isEqualTo(java.util.logging.Level.WARNING);
        assertThat(records.get(0).getMessage()).startsWith("numeric anomaly: op 'log' produced NaN in the forward "
                + "pass, from finite inputs");
    }

    @Test
    void integerOutputsAndFiniteFloatsPassUnchecked() {
        try (var scope = Anomaly.detect()) {
            NDArray a = NDArray.of(Shape.of(3), DType.INT32, 1, 2, 3);
            assertThat(Ops.call("elemwise_add", a, a).toIntArray()).containsExactly(2, 4, 6);
            NDArray f = NDArray.of(Shape.of(2), DType.FLOAT64, 1e300, -1e300);
            assertThat(Ops.call("elemwise_add", f, f).toDoubleArray()).containsExactly(2e300, -2e300);
        }
    }
}
