package dev.kiln.init;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.random.Random;

import java.util.List;

/**
 * Orthogonal initialisation (Saxe et al.): a weight of shape {@code (out, rest...)} is viewed as an
 * {@code out x prod(rest)} matrix and filled with {@code scale} times a matrix with orthonormal rows when it is
 * square or wide, or orthonormal columns when it is tall, as MXNet's SVD-based version gives. The matrix is
 * orthonormalised from random values (uniform on [-1, 1) or standard normal) by a Householder QR in float64.
 */
public final class Orthogonal extends Initializer {
    static final double DEFAULT_SCALE = 1.414;
    static final String UNIFORM = "uniform";

    private final double scale;
    private final String randType;

    /** MXNet's defaults: {@code scale=1.414}, {@code rand_type="uniform"}. */
    public Orthogonal() {
        this(DEFAULT_SCALE, UNIFORM);
    }

    /**
     * @param scale    factor applied to the orthonormal matrix, finite
     * @param randType {@code "uniform"} or {@code "normal"}: the distribution of the matrix orthonormalised
     */
    public Orthogonal(Number scale, String randType) {
        super(kwargs("scale", scale, "rand_type", randType));
        this.scale = ArgChecks.finite("orthogonal", "scale", scale);
        this.randType = ArgChecks.oneOf("orthogonal", "rand_type", randType, List.of(UNIFORM, "normal"));
    }

    @Override
    protected void initWeight(InitDesc desc, NDArray target) {
        FloatTarget.requireFloating(name(), desc, target);
        Shape shape = target.shape();
        if (shape.rank() < 1) {
            throw new KilnException("initializer 'orthogonal' cannot fill scalar '" + desc.name()
                    + "': it needs a shape (out, ...) to form a matrix");
        }
        if (target.size() == 0) {
            return;
        }
        int rows = shape.get(0);
        int cols = shape.sizeOf(1, shape.rank());
        Shape matrix = Shape.of(rows, cols);
        double[] m = (randType.equals(UNIFORM)
                ? Random.uniform(generator(), -1, 1, matrix, DType.FLOAT64, Device.cpu())
                : Random.normal(generator(), 0, 1, matrix, DType.FLOAT64, Device.cpu())).toDoubleArray();
        boolean tall = rows > cols;
        // Orthonormalise the columns of the tall matrix, or the columns of the wide matrix's transpose (its rows).
        int len = tall ? rows : cols;
        int count = tall ? cols : rows;
        double[][] vectors = new double[count][len];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (tall) {
                    vectors[c][r] = m[r * cols + c];
                } else {
                    vectors[r][c] = m[r * cols + c];
                }
            }
        }
        double[][] q = orthonormalize(vectors, len);
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = scale * (tall ? q[c][r] : q[r][c]);
            }
        }
        FloatTarget.write(out, target);
    }

    /**
     * The Q factor of a thin QR decomposition, with R's diagonal made non-negative: {@code a[j]} is column j of a
     * {@code len x a.length} matrix ({@code len >= a.length}); returns Q's columns in the same layout.
     */
    private static double[][] orthonormalize(double[][] a, int len) {
        int n = a.length;
        double[][] v = new double[n][];
        double[] diag = new double[n];
        for (int k = 0; k < n; k++) {
            double[] col = a[k];
            double norm = 0;
            for (int i = k; i < len; i++) {
                norm += col[i] * col[i];
            }
            norm = Math.sqrt(norm);
            if (norm == 0) {
                continue; // a zero column: no reflection, R[k][k] = 0
            }
            double alpha = col[k] >= 0 ? -norm : norm;
            double[] h = new double[len];
            for (int i = k; i < len; i++) {
                h[i] = col[i];
            }
            h[k] -= alpha;
            v[k] = h;
            diag[k] = alpha;
            for (int j = k; j < n; j++) {
                reflect(h, k, a[j]);
            }
        }
        double[][] q = new double[n][len];
        for (int j = 0; j < n; j++) {
            q[j][j] = 1;
        }
        for (int k = n - 1; k >= 0; k--) {
            if (v[k] != null) {
                for (double[] col : q) {
                    reflect(v[k], k, col);
                }
            }
        }
        for (int j = 0; j < n; j++) {
            if (diag[j] < 0) {
                for (int i = 0; i < len; i++) {
                    q[j][i] = -q[j][i];
                }
            }
        }
        return q;
    }

    /** Applies the reflection {@code I - 2 h h^T / (h^T h)} (h zero above {@code from}) to {@code x} in place. */
    private static void reflect(double[] h, int from, double[] x) {
        double hh = 0;
        double hx = 0;
        for (int i = from; i < h.length; i++) {
            hh += h[i] * h[i];
            hx += h[i] * x[i];
        }
        double f = 2 * hx / hh;
        for (int i = from; i < h.length; i++) {
            x[i] -= f * h[i];
        }
    }
}
