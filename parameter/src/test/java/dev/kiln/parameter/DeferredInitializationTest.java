package dev.kiln.parameter;

import dev.kiln.init.Constant;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.kiln.symbol.Sym.sym;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeferredInitializationTest {

    private static ParameterDict dense(String prefix, int units) {
        ParameterDict d = new ParameterDict(prefix);
        d.get("weight", ParameterSpec.of().shape(units, 0).allowDeferredInit(true));
        d.get("bias", ParameterSpec.of().shape(units).allowDeferredInit(true).init(new Constant(0)));
        return d;
    }

    @Test
    void firstForwardMaterialisesDeferredParametersInPlace() {
        ParameterDict d = dense("dense0_", 10);
        Parameter w = d.parameter("dense0_weight");
        d.initialize(new Constant(0.5));
        Symbol out = sym.fullyConnected(Symbol.var("data"), w.var(), d.parameter("dense0_bias").var(), 10);
        DeferredInitialization.complete("dense0", out, Map.of("data", Shape.of(4, 7)), d.values());
        assertThat(d.parameter("dense0_weight")).isSameAs(w);
        assertThat(w.shape()).isEqualTo(Shape.of(10, 7));
        assertThat(w.data().shape()).isEqualTo(Shape.of(10, 7));
        assertThat(w.data().getDouble(0)).isEqualTo(0.5);
        assertThat(d.parameter("dense0_bias").data().shape()).isEqualTo(Shape.of(10));
    }

    @Test
    void parameterTheForwardDoesNotUseStaysDeferredAndSaysWhy() {
        ParameterDict d = dense("net0_", 3);
        Parameter unused = d.get("unused_weight", ParameterSpec.of().shape(5, 0).allowDeferredInit(true));
        d.initialize(new Constant(1));
        Symbol out = sym.fullyConnected(Symbol.var("data"), d.parameter("net0_weight").var(),
                d.parameter("net0_bias").var(), 3);
        DeferredInitialization.complete("net0", out, Map.of("data", Shape.of(2, 4)), d.values());
        assertThat(d.parameter("net0_weight").isInitialized()).isTrue();
        assertThat(unused.isDeferred()).isTrue();
        assertThatThrownBy(unused::data).isInstanceOf(DeferredInitializationException.class)
                .hasMessageContaining("net0_unused_weight").hasMessageContaining("(5, 0)")
                .hasMessageContaining("did not use it").hasMessageContaining("'net0'");
    }

    @Test
    void failingOpIsTheChainedCauseAndTheMessageNamesBlockParameterAndPartialShape() {
        ParameterDict d = new ParameterDict("enc0_");
        Parameter p = d.get("offset", ParameterSpec.of().shape(3, 0).allowDeferredInit(true));
        d.initialize(new Constant(1));
        Symbol out = sym.elemwiseAdd(Symbol.var("data"), p.var(), Map.of("name", "enc0_add"));
        assertThatThrownBy(() -> DeferredInitialization.complete("encoder.layers.3", out,
                Map.of("data", Shape.of(4, 7)), List.of(p)))
                .isInstanceOf(DeferredInitializationException.class)
                .hasMessageContaining("'encoder.layers.3'").hasMessageContaining("enc0_offset")
                .hasMessageContaining("(3, 0)").hasMessageContaining("(4, 7)")
                .cause().hasMessageContaining("enc0_add");
        assertThat(p.isDeferred()).isTrue();
    }

    @Test
    void shapeLeftUnknownNamesTheParameterAndWhereInferenceStopped() {
        ParameterDict d = new ParameterDict("blk0_");
        Parameter p = d.get("scale", ParameterSpec.of().shape(0, 0).allowDeferredInit(true));
        d.initialize(new Constant(1));
        Symbol out = sym.broadcastMul(Symbol.var("data"), p.var(), Map.of("name", "blk0_mul"));
        assertThatThrownBy(() -> DeferredInitialization.complete("blk0", out, Map.of("data", Shape.of(4, 7)),
                List.of(p)))
                .isInstanceOf(DeferredInitializationException.class)
                .hasMessageContaining("cannot be inferred").hasMessageContaining("blk0_scale")
                .cause().hasMessageContaining("blk0_mul");
    }
}
