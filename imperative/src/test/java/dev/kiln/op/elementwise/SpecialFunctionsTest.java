package dev.kiln.op.elementwise;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Special functions against values computed offline with mpmath at 40 digits. */
class SpecialFunctionsTest {

    private static void check(double actual, double expected) {
        double rel = actual == expected ? 0 : Math.abs(actual - expected) / Math.abs(expected);
        assertThat(rel).as("actual %s, expected %s", actual, expected).isLessThanOrEqualTo(6e-15);
    }

    @Test
    void matchHighPrecisionReferences() {
        check(SpecialFunctions.erf(1e-300), 1.1283791670955126e-300);
        check(SpecialFunctions.erf(1e-08), 1.1283791670955126e-08);
        check(SpecialFunctions.erf(0.3), 0.3286267594591274);
        check(SpecialFunctions.erf(1.9999), 0.9953201979070294);
        check(SpecialFunctions.erf(2.0), 0.9953222650189527);
        check(SpecialFunctions.erf(2.5), 0.999593047982555);
        check(SpecialFunctions.erf(4.5), 0.9999999998033839);
        check(SpecialFunctions.erf(-5.5), -0.9999999999999927);
        check(SpecialFunctions.erfc(0.5), 0.4795001221869535);
        check(SpecialFunctions.erfc(1.2), 0.08968602177036464);
        check(SpecialFunctions.erfc(2.0), 0.004677734981047266);
        check(SpecialFunctions.erfc(5.0), 1.537459794428035e-12);
        check(SpecialFunctions.erfc(10.0), 2.088487583762545e-45);
        check(SpecialFunctions.erfc(26.0), 5.663192408856143e-296);
        check(SpecialFunctions.erfinv(1e-300), 8.86226925452758e-301);
        check(SpecialFunctions.erfinv(0.3), 0.2724627147267543);
        check(SpecialFunctions.erfinv(0.91), 1.1988272177415733);
        check(SpecialFunctions.erfinv(0.9100001), 1.1988275907403325);
        check(SpecialFunctions.erfinv(0.999), 2.3267537655135246);
        check(SpecialFunctions.erfinv(0.9999999999990905), 5.05125408524939);
        check(SpecialFunctions.erfinv(-0.9999999), -3.7665625816384707);
        check(SpecialFunctions.gamma(0.001), 999.4237724845955);
        check(SpecialFunctions.gamma(0.5), 1.772453850905516);
        check(SpecialFunctions.gamma(1.5), 0.886226925452758);
        check(SpecialFunctions.gamma(14.5), 23092317922.31424);
        check(SpecialFunctions.gamma(15.5), 334838609873.55646);
        check(SpecialFunctions.gamma(100.25), 2.94846628183877e+156);
        check(SpecialFunctions.gamma(171.5), 9.4833675668248e+307);
        check(SpecialFunctions.gamma(-0.001), -1000.5782056293586);
        check(SpecialFunctions.gamma(-1.5), 2.363271801207355);
        check(SpecialFunctions.gamma(-20.25), -8.569032663885128e-19);
        check(SpecialFunctions.gamma(-170.75), -1.295310173883598e-308);
        check(SpecialFunctions.lgamma(0.001), 6.907178885383853);
        check(SpecialFunctions.lgamma(0.5), 0.5723649429247001);
        check(SpecialFunctions.lgamma(3.5), 1.2009736023470743);
        check(SpecialFunctions.lgamma(15.5), 26.536914491115613);
        check(SpecialFunctions.lgamma(100000.0), 1051287.7089736569);
        check(SpecialFunctions.lgamma(1e+300), 6.897755278982137e+302);
        check(SpecialFunctions.lgamma(-0.5), 1.2655121234846454);
        check(SpecialFunctions.lgamma(-20.25), -41.60096191534053);
        check(SpecialFunctions.lgamma(-100000.5), -1051303.8336357186);
        check(SpecialFunctions.asinh(1e-300), 1e-300);
        check(SpecialFunctions.asinh(1e-09), 1e-09);
        check(SpecialFunctions.asinh(0.75), 0.6931471805599453);
        check(SpecialFunctions.asinh(3.0), 1.8184464592320668);
        check(SpecialFunctions.asinh(1e+20), 46.74484904044086);
        check(SpecialFunctions.asinh(-3.0), -1.8184464592320668);
        check(SpecialFunctions.acosh(1.0000000000009095), 1.3486991523485068e-06);
        check(SpecialFunctions.acosh(1.5), 0.9624236501192069);
        check(SpecialFunctions.acosh(3.0), 1.762747174039086);
        check(SpecialFunctions.acosh(1e+20), 46.74484904044086);
        check(SpecialFunctions.atanh(1e-300), 1e-300);
        check(SpecialFunctions.atanh(1e-09), 1e-09);
        check(SpecialFunctions.atanh(0.25), 0.25541281188299536);
        check(SpecialFunctions.atanh(0.75), 0.9729550745276566);
        check(SpecialFunctions.atanh(0.9999999999990905), 14.20951720147865);
        check(SpecialFunctions.atanh(-0.25), -0.25541281188299536);
        check(SpecialFunctions.log2(0.75), -0.4150374992788438);
        check(SpecialFunctions.log2(3.0), 1.584962500721156);
        check(SpecialFunctions.log2(1e-310), -1029.7977094150824);
        check(SpecialFunctions.log2(5e-324), -1074.0);
        check(SpecialFunctions.log2(2.42843e-319), -1058.415037499279);
        check(SpecialFunctions.log2(1e+300), 996.5784284662087);
    }

    @Test
    void gammaIsExactOnSmallIntegersAndFollowsTgammaAtPoles() {
        assertThat(SpecialFunctions.gamma(1)).isEqualTo(1.0);
        assertThat(SpecialFunctions.gamma(5)).isEqualTo(24.0);
        assertThat(SpecialFunctions.gamma(19)).isEqualTo(6402373705728000.0);
        assertThat(SpecialFunctions.gamma(0.0)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(SpecialFunctions.gamma(-0.0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(SpecialFunctions.gamma(-3)).isNaN();
        assertThat(SpecialFunctions.gamma(Double.POSITIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(SpecialFunctions.gamma(-200.5)).isEqualTo(0.0);
        assertThat(SpecialFunctions.lgamma(1)).isEqualTo(0.0);
        assertThat(SpecialFunctions.lgamma(2)).isEqualTo(0.0);
        assertThat(SpecialFunctions.lgamma(-4)).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void erfAndErfinvAreInversesAndOdd() {
        for (double y = -0.999; y < 1; y += 0.0137) {
            assertThat(SpecialFunctions.erf(SpecialFunctions.erfinv(y))).isCloseTo(y,
                    org.assertj.core.data.Offset.offset(2e-16 + 1e-15 * Math.abs(y)));
            assertThat(SpecialFunctions.erfinv(-y)).isEqualTo(-SpecialFunctions.erfinv(y));
        }
        assertThat(SpecialFunctions.erf(Double.NaN)).isNaN();
        assertThat(SpecialFunctions.erfinv(1.0000001)).isNaN();
    }

    @Test
    void log2IsExactAtPowersOfTwo() {
        for (int e = -1074; e <= 1023; e += 7) {
            assertThat(SpecialFunctions.log2(Math.scalb(1.0, e))).isEqualTo(e);
        }
        assertThat(SpecialFunctions.log2(0)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(SpecialFunctions.log2(-1)).isNaN();
    }

    @Test
    void sinPiIsZeroAtIntegersAndExactAtHalves() {
        assertThat(SpecialFunctions.sinPi(3.0)).isEqualTo(0.0);
        assertThat(SpecialFunctions.sinPi(-7.0)).isEqualTo(0.0);
        assertThat(SpecialFunctions.sinPi(2.5)).isEqualTo(1.0);
        assertThat(SpecialFunctions.sinPi(-0.5)).isEqualTo(-1.0);
    }

    @Test
    void digammaAndTrigammaMatchHighPrecisionReferences() {
        double[][] rows = {
            // x, digamma(x), trigamma(x)
            {1e-8, -100000000.57721565, 10000000000000002.0},
            {0.25, -4.2274535333762654, 17.197329154507111},
            {0.5, -1.9635100260214235, 4.9348022005446793},
            {1, -0.57721566490153286, 1.6449340668482264},
            {3.7, 1.1671535393615114, 0.31003785767003832},
            {9.999, 2.2516474172057353, 0.10517738667672887},
            {10, 2.2517525890667211, 0.10516633568168575},
            {25, 3.198742512851974, 0.040810663257225579},
            {1000, 6.9072551956488121, 0.0010005001666666333},
            {-0.5, 0.036489973978576521, 8.9348022005446793},
            {-2.3, 3.3173231575618201, 14.725912160961279},
            {-7.9, -7.5400072244194418, 103.23693140003877},
        };
        for (double[] r : rows) {
            checkWithin(SpecialFunctions.digamma(r[0]), r[1], 2e-14);
            checkWithin(SpecialFunctions.trigamma(r[0]), r[2], 2e-14);
        }
        assertThat(SpecialFunctions.digamma(0.0)).isNaN();
        assertThat(SpecialFunctions.digamma(-3.0)).isNaN();
        assertThat(SpecialFunctions.trigamma(-1.0)).isNaN();
        assertThat(SpecialFunctions.digamma(Double.POSITIVE_INFINITY)).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(SpecialFunctions.trigamma(Double.POSITIVE_INFINITY)).isEqualTo(0.0);
    }

    private static void checkWithin(double actual, double expected, double relative) {
        double rel = actual == expected ? 0 : Math.abs(actual - expected) / Math.abs(expected);
        assertThat(rel).as("actual %s, expected %s", actual, expected).isLessThanOrEqualTo(relative);
    }
}
