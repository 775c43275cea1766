package dev.kiln.parameter;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.init.Constant;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.kiln.op.surface.ND.nd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ParameterTest {

    private static double[] filled(int n, double v) {
        double[] out = new double[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    @Test
    void newParameterHasGluonDefaults() {
        Parameter p = new Parameter("w");
        assertThat(p.shape()).isNull();
        assertThat(p.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(p.gradReq()).isEqualTo(GradReq.WRITE);
        assertThat(p.lrMult()).isEqualTo(1.0);
        assertThat(p.wdMult()).isEqualTo(1.0);
        assertThat(p.differentiable()).isTrue();
        assertThat(p.allowDeferredInit()).isFalse();
        assertThat(p.isInitialized()).isFalse();
    }

    @Test
    void initializeFillsDataByTheGlobalInitializerAndZeroGradient() {
        Parameter p = new Parameter("dense0_weight", ParameterSpec.of().shape(2, 3));
        p.initialize(new Constant(0.5));
        assertThat(p.data().shape()).isEqualTo(Shape.of(2, 3));
        assertThat(p.data().toDoubleArray()).containsExactly(filled(6, 0.5));
        assertThat(p.grad().toDoubleArray()).containsExactly(filled(6, 0));
        assertThat(p.devices()).containsExactly(Device.cpu());
    }

    @Test
    void ownInitializerWinsOverTheGlobalOne() {
        Parameter p = new Parameter("w", ParameterSpec.of().shape(3).init(new Constant(2)));
        p.initialize(new Constant(1));
        assertThat(p.data().toDoubleArray()).containsExactly(2, 2, 2);
    }

    @Test
    void biasTakesZeroFromTheGlobalInitializerByItsRole() {
        Parameter p = new Parameter("dense0_bias", ParameterSpec.of().shape(3));
        p.initialize(new Constant(1));
        assertThat(p.data().toDoubleArray()).containsExactly(0, 0, 0);
    }

    @Test
    void secondInitializeKeepsDataUnlessForced() {
        Parameter p = new Parameter("w", ParameterSpec.of().shape(2));
        p.initialize(new Constant(1));
        NDArray first = p.data();
        p.initialize(new Constant(3));
        assertThat(p.data()).isSameAs(first);
        p.initialize(new Constant(3), List.of(Device.cpu()), false, true);
        assertThat(p.data().toDoubleArray()).containsExactly(3, 3);
    }

    @Test
    void incompleteShapeWithoutDeferralFailsNamingParameterAndShape() {
        Parameter p = new Parameter("dense0_weight", ParameterSpec.of().shape(10, 0));
        assertThatThrownBy(() -> p.initialize(new Constant(1)))
                .isInstanceOf(KilnException.class)
                .hasMessageContaining("dense0_weight").hasMessageContaining("(10, 0)");
        assertThat(p.isDeferred()).isFalse();
    }

    @Test
    void deferredParameterIsMaterialisedInPlaceWhenItsShapeIsKnown() {
        Parameter p = new Parameter("dense0_weight", ParameterSpec.of().shape(10, 0).allowDeferredInit(true));
        p.initialize(new Constant(0.25));
        assertThat(p.isDeferred()).isTrue();
        assertThat(p.devices()).containsExactly(Device.cpu());
        assertThatThrownBy(p::data).isInstanceOf(DeferredInitializationException.class)
                .hasMessageContaining("dense0_weight").hasMessageContaining("deferred")
                .hasMessageContaining("(10, 0)");
        p.setShape(Shape.of(10, 4));
        p.finishDeferredInit();
        assertThat(p.isInitialized()).isTrue();
        assertThat(p.data().shape()).isEqualTo(Shape.of(10, 4));
        assertThat(p.data().toDoubleArray()).containsExactly(filled(40, 0.25));
        assertThat(p.grad().shape()).isEqualTo(Shape.of(10, 4));
    }

    @Test
    void readingAnUninitializedParameterSaysToInitialize() {
        Parameter p = new Parameter("w", ParameterSpec.of().shape(2));
        assertThatThrownBy(p::data).isNotInstanceOf(DeferredInitializationException.class)
                .hasMessageContaining("'w' has not been initialized").hasMessageContaining("initialize()");
    }

    @Test
    void shapesMergeDimensionWiseAndConflictsNameBothShapes() {
        Parameter p = new Parameter("w", ParameterSpec.of().shape(0, 5));
        p.setShape(Shape.partial(10, -1));
        assertThat(p.shape()).isEqualTo(Shape.of(10, 5));
        assertThatThrownBy(() -> p.setShape(Shape.of(10, 4)))
                .hasMessageContaining("'w'").hasMessageContaining("(10, 4)").hasMessageContaining("(10, 5)")
                .hasMessageContaining("dimension 1");
        assertThatThrownBy(() -> p.setShape(Shape.of(10, 5, 1))).hasMessageContaining("ranks differ");
    }

    @Test
    void gradReqNullDropsGradientAndWriteBringsItBack() {
        Parameter p = new Parameter("w", ParameterSpec.of().shape(2));
        p.initialize(new Constant(1));
        p.setGradReq(GradReq.NULL);
        assertThatThrownBy(p::grad).hasMessageContaining("gradReq is null").hasMessageContaining("'w'");
        p.setGradReq(GradReq.WRITE);
        assertThat(p.grad().toDoubleArray()).containsExactly(0, 0);
    }

    @Test
    void nonDifferentiableParameterKeepsGradReqNull() {
        Parameter p = new Parameter("running_mean", ParameterSpec.of().shape(2).differentiable(false));
        assertThat(p.gradReq()).isEqualTo(GradReq.NULL);
        p.setGradReq(GradReq.WRITE);
        assertThat(p.gradReq()).isEqualTo(GradReq.NULL);
    }

    @Test
    void backwardFillsGradientAndZeroGradClearsIt() {
        Parameter p = new Parameter("w", ParameterSpec.of().shape(3));
        p.initialize(new Constant(2));
        try (Autograd.Scope ignored = Autograd.record()) {
            NDArray y = nd.sum(nd.elemwiseMul(p.data(), p.data()));
            y.backward();
        }
        assertThat(p.grad().toDoubleArray()).containsExactly(4, 4, 4);
        p.zeroGrad();
        assertThat(p.grad().toDoubleArray()).containsExactly(0, 0, 0);
    }

    @Test
    void gradReqAddAccumulatesOverBackwards() {
        Parameter p = new Parameter("w", ParameterSpec.of().shape(2).gradReq("add"));
        p.initialize(new Constant(1));
        for (int i = 0; i < 2; i++) {
            try (Autograd.Scope ignored = Autograd.record()) {
                nd.sum(nd.elemwiseMul(p.data(), p.data())).backward();
            }
        }
        assertThat(p.grad().toDoubleArray()).containsExactly(4, 4);
    }

    @Test
    void setDataCopiesIntoEveryDevice() {
        Parameter p = new Parameter("w", ParameterSpec.of().shape(2));
        p.initialize(new Constant(0), List.of(Device.cpu(), Device.gpu(0)), false, false);
        p.setData(NDArray.of(Shape.of(2), 1f, 2f));
        assertThat(p.data(Device.cpu()).toDoubleArray()).containsExactly(1, 2);
        assertThat(p.data(Device.gpu(0)).toDoubleArray()).containsExactly(1, 2);
        assertThat(p.data(Device.gpu(0)).device()).isEqualTo(Device.gpu(0));
        assertThatThrownBy(() -> p.setData(NDArray.zeros(3))).hasMessageContaining("(3,)");
    }

    @Test
    void dataOnAnotherDeviceNamesTheDevicesItLivesOn() {
        Parameter p = new Parameter("w", ParameterSpec.of().shape(2));
        p.initialize(new Constant(0), List.of(Device.cpu(), Device.gpu(0)), false, false);
        assertThat(p.data().device()).isEqualTo(Device.cpu());
        assertThat(p.listData()).hasSize(2);
        assertThatThrownBy(() -> p.data(Device.gpu(1))).hasMessageContaining("gpu(1)")
                .hasMessageContaining("only initialized on");
    }

    @Test
    void setDataOnDeferredParameterBecomesItsData() {
        Parameter p = new Parameter("w", ParameterSpec.of().shape(0).allowDeferredInit(true));
        p.initialize(new Constant(9));
        p.setData(NDArray.of(Shape.of(3), 1f, 2f, 3f));
        assertThat(p.isInitialized()).isTrue();
        assertThat(p.data().toDoubleArray()).containsExactly(1, 2, 3);
    }

    @Test
    void castConvertsDataAndGradient() {
        Parameter p = new Parameter("w", ParameterSpec.of().shape(2));
        p.initialize(new Constant(1.5));
        p.cast(DType.FLOAT16);
        assertThat(p.dtype()).isEqualTo(DType.FLOAT16);
        assertThat(p.data().dtype()).isEqualTo(DType.FLOAT16);
        assertThat(p.grad().dtype()).isEqualTo(DType.FLOAT16);
        assertThat(p.data().toDoubleArray()).containsExactly(1.5, 1.5);
    }

    @Test
    void resetDeviceMovesTheAveragedData() {
        Parameter p = new Parameter("w", ParameterSpec.of().shape(2));
        p.initialize(new Constant(0), List.of(Device.cpu(), Device.gpu(0)), false, false);
        p.data(Device.cpu()).fill(1);
        p.data(Device.gpu(0)).fill(3);
        assertThat(p.reduce().toDoubleArray()).containsExactly(2, 2);
        p.resetDevice(List.of(Device.gpu(1)));
        assertThat(p.devices()).containsExactly(Device.gpu(1));
        assertThat(p.data().device()).isEqualTo(Device.gpu(1));
        assertThat(p.data().toDoubleArray()).containsExactly(2, 2);
        assertThat(p.grad().device()).isEqualTo(Device.gpu(1));
    }

    @Test
    void varCarriesGluonAnnotations() {
        Parameter p = new Parameter("dense0_weight", ParameterSpec.of().shape(10, 0).lrMult(2));
        var v = p.var();
        assertThat(v.name()).isEqualTo("dense0_weight");
        assertThat(v.listAttr()).containsEntry("__shape__", "(10, 0)").containsEntry("__dtype__", "0")
                .containsEntry("__lr_mult__", "2.0").containsEntry("__wd_mult__", "1.0")
                .containsEntry("__storage_type__", "0").doesNotContainKey("__init__");
        assertThat(p.var()).isSameAs(v);
        Parameter b = new Parameter("dense0_bias", ParameterSpec.of().shape(10).init("zeros"));
        assertThat(b.var().listAttr()).containsEntry("__init__", b.init().dumps());
    }

    @Test
    void toStringShowsNameShapeAndDtype() {
        assertThat(new Parameter("dense0_weight", ParameterSpec.of().shape(10, 0)))
                .hasToString("Parameter dense0_weight (shape=(10, 0), dtype=float32)");
        assertThat(new Parameter("w")).hasToString("Parameter w (shape=None, dtype=float32)");
    }

    @Test
    void setDataWritesTheSameArrayAndCountsAsAMutationWhileForcedReinitialisationReplacesIt() {
        Parameter p = new Parameter("w", ParameterSpec.of().shape(2));
        p.initialize(new Constant(1.0));
        NDArray data = p.data();
        long before = data.mutationCount();

        p.setData(NDArray.from(new float[] {3, 4}));
        assertThat(p.data()).isSameAs(data);
        assertThat(data.mutationCount()).isGreaterThan(before);

        p.initialize(new Constant(2.0), List.of(Device.cpu()), false, true);
        assertThat(p.data()).isNotSameAs(data);
    }
}
