package dev.kiln.ndarray;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CastingTest {

    @Test
    void floatToIntTruncatesTowardZero() {
        NDArray a = NDArray.of(Shape.of(4), DType.FLOAT32, 1.7, -1.7, 2.5, -0.5);
        assertThat(a.astype(DType.INT32).toIntArray()).containsExactly(1, -1, 2, 0);
    }

    @Test
    void narrowingToEightBitsWrapsLikeX86() {
        NDArray a = NDArray.of(Shape.of(3), DType.FLOAT32, -1, 300, 255.9);
        assertThat(a.astype(DType.UINT8).toIntArray()).containsExactly(255, 44, 255);
        assertThat(a.astype(DType.INT8).toIntArray()).containsExactly(-1, 44, -1);
    }

    @Test
    void nanAndOverflowBecomeTheIntegerMinimum() {
        assertThat(Casting.doubleToInt32(Double.NaN)).isEqualTo(Integer.MIN_VALUE);
        assertThat(Casting.doubleToInt32(3e9)).isEqualTo(Integer.MIN_VALUE);
        assertThat(Casting.doubleToInt64(Double.POSITIVE_INFINITY)).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void halfRoundsToNearestEven() {
        // 2049 lies halfway between the float16 values 2048 and 2050: ties go to the even mantissa, 2048.
        assertThat(Casting.halfToFloat(Casting.floatToHalf(2049f))).isEqualTo(2048f);
        assertThat(Casting.halfToFloat(Casting.floatToHalf(2051f))).isEqualTo(2052f);
        assertThat(Casting.halfToFloat(Casting.floatToHalf(70000f))).isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void bfloat16RoundsToNearestEvenAndKeepsNaN() {
        // bfloat16 has 8 significand bits: 257 is halfway between 256 and 258 -> 256; 259 -> 260.
        assertThat(Casting.bfloat16ToFloat(Casting.floatToBfloat16(257f))).isEqualTo(256f);
        assertThat(Casting.bfloat16ToFloat(Casting.floatToBfloat16(259f))).isEqualTo(260f);
        assertThat(Casting.bfloat16ToFloat(Casting.floatToBfloat16(Float.NaN))).isNaN();
        assertThat(Casting.bfloat16ToFloat(Casting.floatToBfloat16(1.5f))).isEqualTo(1.5f);
    }

    @Test
    void boolIsNonZero() {
        NDArray a = NDArray.of(Shape.of(3), DType.FLOAT32, 0, -0.1, 2);
        assertThat(a.astype(DType.BOOL).toIntArray()).containsExactly(0, 1, 1);
    }

    @Test
    void int64SurvivesRoundTripExactly() {
        long big = (1L << 60) + 1;
        NDArray a = NDArray.from(new long[] {big, -big});
        assertThat(a.dtype()).isEqualTo(DType.INT64);
        assertThat(a.astype(DType.INT64).toLongArray()).containsExactly(big, -big);
        assertThat(a.asInDevice(Device.cpu()).toLongArray()).containsExactly(big, -big);
    }

    @Test
    void dtypeFlagsAreMXNets() {
        assertThat(DType.FLOAT32.flag()).isZero();
        assertThat(DType.FLOAT16.flag()).isEqualTo(2);
        assertThat(DType.BOOL.flag()).isEqualTo(7);
        assertThat(DType.BFLOAT16.flag()).isEqualTo(12);
        assertThat(DType.fromFlag(6)).isEqualTo(DType.INT64);
        assertThat(DType.fromName("float")).isEqualTo(DType.FLOAT32);
    }
}
