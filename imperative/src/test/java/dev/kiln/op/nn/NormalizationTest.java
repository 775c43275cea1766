package dev.kiln.op.nn;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.kiln.testing.NDArrayAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** LayerNorm, InstanceNorm, GroupNorm, L2Normalization and LRN; expectations from numpy (float64) offline. */
class NormalizationTest {
    private static final double[] X = {0.5, -1.0, 2.0, 3.5, -0.25, 1.0, 4.0, 0.0, 1.5, -2.0, 0.75, 2.5, 1.0, 1.0,
            -3.0, 0.25, 2.0, -0.5, 0.0, 1.25, 3.0, -1.5, 0.5, 2.0};

    private static NDArray x(DType t, int... dims) {
        return NDArray.of(Shape.of(dims), t, X);
    }

    private static NDArray vec(DType t, double... v) {
        return NDArray.of(Shape.of(v.length), t, v);
    }

    @Test
    void layerNormOverLastAxisWithOutputMeanVarGivesMeanAndStd() {
        List<NDArray> out = Ops.invoke("LayerNorm", Map.of("output_mean_var", true), x(DType.FLOAT32, 2, 3, 4),
                vec(DType.FLOAT32, 1.0, 0.5, 2.0, -1.0), vec(DType.FLOAT32, 0.0, 0.1, 0.2, 0.3));
        assertThat(out).hasSize(3);
        assertThat(out.get(0)).hasShape(2, 3, 4).isCloseTo(new double[] {-0.44721280045568607, -0.5708192006835291,
                1.0944256009113722, -1.041638401367058, -0.8506842401046945, 0.04452059303665037, 3.5287644178009785,
                1.0027391548690954, 0.48617156445608234, -0.7040529719850593, 0.27479562530093576,
                -0.7845365668635682, 0.7186446847767276, 0.4593223423883638, -3.2041064015739726,
                0.03523616876646879, 1.3255014869931265, -0.49963162506831926, -1.1886206054213708,
                -0.26807206585419713, 1.179533597878182, -0.6372084986738638, -0.389766798939091,
                -0.289766798939091}, 1e-5, 1e-6);
        assertThat(out.get(1)).hasShape(2, 3, 1).isCloseTo(new double[] {1.25, 1.1875, 0.6875, -0.1875, 0.6875, 1.0},
                1e-6, 0);
        assertThat(out.get(2)).hasShape(2, 3, 1).isCloseTo(new double[] {1.6770539645461622, 1.689816188228767,
                1.6712207364678073, 1.652416034175413, 0.9901912694020282, 1.695585444617876}, 1e-6, 0);
    }

    @Test
    void layerNormAlongAxisZero() {
        NDArray out = Ops.call("LayerNorm", Map.of("axis", 0), x(DType.FLOAT64, 2, 3, 4), vec(DType.FLOAT64, 2, 0.5),
                vec(DType.FLOAT64, 1, -1));
        assertThat(out).hasDType(DType.FLOAT64).isCloseTo(new double[] {-0.9998400191974406, -0.9999900000749995,
                2.99999840000192, 2.999996213028507, -0.9999920988122539, 2.9999822224592556, 2.9999975000046875,
                -0.9999744004915097, -0.9999822224592558, -0.9998400191974406, 2.999360307036252, 2.999840019197441,
                -0.5000399952006398, -0.5000024999812501, -1.49999960000048, -1.4999990532571268,
                -0.5000019752969365, -1.499995555614814, -1.4999993750011718, -0.5000063998771226,
                -0.5000044443851861, -0.5000399952006398, -1.499840076759063, -1.4999600047993602}, 1e-6, 0);
    }

    @Test
    void layerNormGammaOfWrongShapeNamesGammaAndShapes() {
        assertThatThrownBy(() -> Ops.call("LayerNorm", x(DType.FLOAT32, 2, 3, 4), NDArray.zeros(3), NDArray.zeros(4)))
                .isInstanceOf(KilnException.class).hasMessageContaining("LayerNorm").hasMessageContaining("'gamma'")
                .hasMessageContaining("(3,)").hasMessageContaining("(4,)").hasMessageContaining("(2, 3, 4)");
    }

    @Test
    void layerNormParametersMustShareTheDataDtype() {
        assertThatThrownBy(() -> Ops.call("LayerNorm", x(DType.FLOAT64, 2, 3, 4), NDArray.zeros(4),
                vec(DType.FLOAT64, 0, 0, 0, 0)))
                .isInstanceOf(KilnException.class).hasMessageContaining("'gamma'").hasMessageContaining("float32");
    }

    @Test
    void instanceNormNormalisesEachInstanceAndChannel() {
        NDArray out = Ops.call("InstanceNorm", x(DType.FLOAT32, 2, 3, 4), vec(DType.FLOAT32, 1.5, 0.5, -1.0),
                vec(DType.FLOAT32, 0.5, 0.0, 0.25));
        assertThat(out).hasShape(2, 3, 4).isCloseTo(new double[] {-0.17070116808357283, -1.5121035042507183,
                1.1707011680835728, 2.5121035042507183, -0.4252684057520258, -0.055469792054612055,
                0.8320468808191809, -0.35130868301254303, -0.2360854231038288, 1.8578210148818952,
                0.21260881360739778, -0.8343444053854643, 1.5777716590004547, 1.5777716590004547, -2.05261708710634,
                0.8970737691054307, 0.6624164033679649, -0.5993291268567302, -0.3469800208117912,
                0.2838927443005564, -0.929330566102925, 1.7241632076286562, 0.5448326415257312,
                -0.3396652830514625}, 1e-5, 1e-6);
    }

    @Test
    void instanceNormNeedsRankThreeAndFloat32() {
        assertThatThrownBy(() -> Ops.call("InstanceNorm", NDArray.zeros(2, 3), NDArray.zeros(3), NDArray.zeros(3)))
                .isInstanceOf(KilnException.class).hasMessageContaining("(2, 3)");
        assertThatThrownBy(() -> Ops.call("InstanceNorm", x(DType.FLOAT64, 2, 3, 4), NDArray.zeros(3),
                NDArray.zeros(3))).isInstanceOf(KilnException.class).hasMessageContaining("float32");
    }

    @Test
    void groupNormUsesOneGammaPerGroup() {
        List<NDArray> out = Ops.invoke("GroupNorm", Map.of("num_groups", 2, "output_mean_var", true),
                x(DType.FLOAT32, 2, 4, 3), vec(DType.FLOAT32, 2.0, -0.5), vec(DType.FLOAT32, 0.1, 0.2));
        assertThat(out.get(0)).hasShape(2, 4, 3).isCloseTo(new double[] {-0.5215071755468614, -2.5555306591547713,
                1.5125163080610484, 3.546539791668958, -1.5385189173508163, 0.1565006523224419, -0.5599403285987452,
                0.49736795466907424, 0.10087734844364193, 1.026022096302984, 0.2991226515563581,
                -0.1634497223733129, 1.1988118296569654, 1.1988118296569654, -3.8243279630605906,
                0.25697311852242366, 2.4545967778363544, -0.6848655926121182, 0.5034877591382082,
                0.06993381751219649, -0.5370417007642199, 1.0237524890894223, 0.3300661824878035,
                -0.19019854746341053}, 1e-5, 1e-6);
        assertThat(out.get(1)).hasShape(2, 2).isCloseTo(new double[] {0.9583333333333334, 1.125, 0.125, 0.875},
                1e-6, 0);
        assertThat(out.get(2)).hasShape(2, 2).isCloseTo(new double[] {1.4749092250786902, 1.8915958870752494,
                1.592629377266831, 1.441573792769555}, 1e-6, 0);
    }

    @Test
    void groupNormChecksGroupsAndGammaShape() {
        NDArray data = x(DType.FLOAT32, 2, 4, 3);
        assertThatThrownBy(() -> Ops.call("GroupNorm", Map.of("num_groups", 3), data, NDArray.zeros(3),
                NDArray.zeros(3))).isInstanceOf(KilnException.class).hasMessageContaining("num_groups")
                .hasMessageContaining("(2, 4, 3)");
        assertThatThrownBy(() -> Ops.call("GroupNorm", Map.of("num_groups", 2), data, NDArray.zeros(4),
                NDArray.zeros(2))).isInstanceOf(KilnException.class).hasMessageContaining("'gamma'")
                .hasMessageContaining("(4,)").hasMessageContaining("(2,)");
    }

    @Test
    void l2NormalizationInstanceMode() {
        assertThat(Ops.call("L2Normalization", x(DType.FLOAT32, 2, 3, 4))).isCloseTo(new double[] {
                0.07245235560014578, -0.14490471120029155, 0.2898094224005831, 0.5071664892010205,
                -0.03622617780007289, 0.14490471120029155, 0.5796188448011662, 0.0, 0.21735706680043732,
                -0.2898094224005831, 0.10867853340021866, 0.3622617780007289, 0.17574991006522728,
                0.17574991006522728, -0.5272497301956819, 0.04393747751630682, 0.35149982013045455,
                -0.08787495503261364, 0.0, 0.2196873875815341, 0.5272497301956819, -0.26362486509784094,
                0.08787495503261364, 0.35149982013045455}, 1e-6, 1e-7);
    }

    @Test
    void l2NormalizationChannelMode() {
        assertThat(Ops.call("L2Normalization", Map.of("mode", "channel"), x(DType.FLOAT64, 2, 3, 4)))
                .isCloseTo(new double[] {0.3123475237711175, -0.40824829046046096, 0.4410542771349045,
                        0.8137334712045358, -0.15617376188555876, 0.40824829046046096, 0.882108554269809, 0.0,
                        0.9370425713133527, -0.8164965809209219, 0.16539535392558918, 0.5812381937175255,
                        0.2672612419114699, 0.5345224838172127, -0.9863939238268118, 0.105409255338009,
                        0.5345224838229398, -0.26726124190860634, 0.0, 0.527046276690045, 0.8017837257344097,
                        -0.8017837257258191, 0.16439898730446864, 0.843274042704072}, 1e-9, 1e-12);
    }

    @Test
    void l2NormalizationSpatialMode() {
        assertThat(Ops.call("L2Normalization", Map.of("mode", "spatial"), x(DType.FLOAT32, 2, 3, 4)))
                .isCloseTo(new double[] {0.11952286093309787, -0.23904572186619574, 0.4780914437323915,
                        0.8366600265316851, -0.06052275326670289, 0.24209101306681155, 0.9683640522672462, 0.0,
                        0.4150286783180562, -0.5533715710907415, 0.2075143391590281, 0.6917144638634269,
                        0.30065841119977266, 0.30065841119977266, -0.901975233599318, 0.07516460279994316,
                        0.8295613557772042, -0.20739033894430106, 0.0, 0.5184758473607527, 0.7620007619986849,
                        -0.38100038099934247, 0.12700012699978083, 0.5080005079991233}, 1e-6, 1e-7);
    }

    @Test
    void l2NormalizationEpsKeepsZeroRowsFinite() {
        assertThat(Ops.call("L2Normalization", NDArray.zeros(2, 3))).isCloseTo(new double[6], 0, 0);
        assertThatThrownBy(() -> Ops.call("L2Normalization", Map.of("mode", "channel"), NDArray.zeros(2, 3)))
                .isInstanceOf(KilnException.class).hasMessageContaining("channel");
    }

    @Test
    void lrnWithDefaultsAcrossThreeChannels() {
        NDArray xl = NDArray.of(Shape.of(1, 5, 1, 2), DType.FLOAT32, 1.0, -2.0, 0.5, 3.0, -1.0, 2.0, 4.0, 0.0, -0.5,
                1.5);
        assertThat(Ops.call("LRN", Map.of("nsize", 3), xl)).hasShape(1, 5, 1, 2).isCloseTo(new double[] {
                0.5945942669901327, -1.1890139054755087, 0.2972934174125089, 1.7834317066870073,
                -0.5944753783539548, 1.1890139054755087, 2.3779015134158192, 0.0, -0.2972414036343548,
                0.8918802522375268}, 1e-6, 0);
        assertThat(Ops.call("LRN", Map.of("nsize", 5, "alpha", 0.5, "beta", 0.6, "knorm", 1.0), xl))
                .isCloseTo(new double[] {0.8853568398260856, -1.1020764880917402, 0.26813835027097227,
                        1.6531147321376103, -0.533449219443905, 1.0503994203297815, 2.1800194834267996, 0.0,
                        -0.2739997082353645, 1.1209319288364117}, 1e-6, 0);
    }

    @Test
    void lrnWindowWiderThanTheChannelsCoversEveryChannelAsMXNetDoes() {
        NDArray x = NDArray.of(Shape.of(1, 3, 1, 1), DType.FLOAT32, 1.0, 2.0, 3.0);
        assertThat(Ops.call("LRN", Map.of("nsize", 5), x))
                .isCloseTo(new double[] {0.5945411317749297, 1.1890822635498595, 1.7836233953247893}, 1e-6, 0);
    }

    @Test
    void lrnChecksNsizeAndRank() {
        NDArray four = NDArray.zeros(1, 3, 2, 2);
        assertThatThrownBy(() -> Ops.call("LRN", four)).isInstanceOf(KilnException.class)
                .hasMessageContaining("nsize");
        assertThatThrownBy(() -> Ops.call("LRN", Map.of("nsize", 2), four)).isInstanceOf(KilnException.class)
                .hasMessageContaining("odd");
        assertThatThrownBy(() -> Ops.call("LRN", Map.of("nsize", 3), NDArray.zeros(3, 2, 2)))
                .isInstanceOf(KilnException.class).hasMessageContaining("4-D");
    }

    @Test
    void epsIsAddedToTheVarianceBeforeTheSquareRoot() {
        // hand-worked: [1, 3] has mean 2 and variance 1; with eps = 3 the deviation is sqrt(4) = 2
        double[] expected = {-0.5, 0.5};
        NDArray one = NDArray.ones(1);
        NDArray zero = NDArray.zeros(1);
        assertThat(Ops.call("LayerNorm", Map.of("eps", 3.0), NDArray.of(Shape.of(1, 2), 1f, 3f),
                NDArray.ones(2), NDArray.zeros(2))).isCloseTo(expected, 1e-7, 0);
        assertThat(Ops.call("InstanceNorm", Map.of("eps", "3"), NDArray.of(Shape.of(1, 1, 2), 1f, 3f), one, zero))
                .isCloseTo(expected, 1e-7, 0);
        assertThat(Ops.call("GroupNorm", Map.of("eps", 3), NDArray.of(Shape.of(1, 2, 1), 1f, 3f), one, zero))
                .isCloseTo(expected, 1e-7, 0);
    }
}
