package dev.kiln.op.reduce;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.kiln.op.Ops.attrs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tile form of the pairwise sums ({@link LaneMath#blockTile}: several lanes summed side by side) gives each lane
 * bitwise the partial its own {@link LaneMath#block} gives, and a reduction over a leading axis, which uses it, sums
 * each output as the lane-by-lane reduction of the same values laid out along the last axis does.
 */
class LaneMathTileTest {
    private static final Random R = new Random(17);

    /** Values of mixed sign and magnitude, so that a change in the order of additions changes the rounding. */
    private static double value() {
        return (R.nextDouble() - 0.5) * Math.pow(10, R.nextInt(12) - 6);
    }

    @Test
    void eachLaneOfATileSumsBitwiseAsItsOwnBlock() {
        for (LaneMath math : LaneMath.values()) {
            assertThat(math.hasTileForm()).as("%s", math).isEqualTo(math == LaneMath.SUM || math == LaneMath.MEAN);
            for (int n : new int[] {1, 5, 32, 33, 64, 65, 100, 777, LaneReducer.BLOCK}) {
                for (int w : new int[] {2, 10, 16}) {
                    double[] tile = new double[n * w];
                    for (int i = 0; i < tile.length; i++) {
                        tile[i] = value();
                    }
                    double[] out = new double[w];
                    math.blockTile(tile, n, w, out);
                    for (int k = 0; k < w; k++) {
                        double[] lane = new double[n];
                        for (int i = 0; i < n; i++) {
                            lane[i] = tile[i * w + k];
                        }
                        assertThat(out[k]).as("%s n=%d w=%d lane %d", math, n, w, k).isEqualTo(math.block(lane, n));
                    }
                }
            }
        }
    }

    @Test
    void aSumOverTheLeadingAxisEqualsTheSameLanesSummedAlongTheLastAxis() {
        // 3000 rows (two blocks of the lane) by 37 columns (tiles of 16, 16 and 5 lanes)
        for (DType t : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            int rows = 3000;
            int cols = 37;
            double[] v = new double[rows * cols];
            for (int i = 0; i < v.length; i++) {
                v[i] = value();
            }
            NDArray x = NDArray.of(Shape.of(rows, cols), t, v);
            NDArray xt = Ops.call("transpose", x);
            for (String op : new String[] {"sum", "mean"}) {
                assertThat(Ops.call(op, attrs("axis", 0), x).toDoubleArray()).as("%s %s", op, t)
                        .containsExactly(Ops.call(op, attrs("axis", 1), xt).toDoubleArray());
            }
        }
    }
}
