package dev.kiln.conformance;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.ArrayList;
import java.util.List;

import static dev.kiln.conformance.CaseSpec.fixed;
import static dev.kiln.conformance.CaseSpec.random;

/** Case table entries for matrix products: dot, batch_dot, FullyConnected, linalg_gemm and linalg_gemm2. */
final class LinalgCases {
    private LinalgCases() {
    }

    private static NDArray mat(CaseRandom r, DType t, int... dims) {
        return r.array(Shape.of(dims), t, -1, 1);
    }

    /** A symmetric positive definite float64 matrix: {@code A A^T + n I}. */
    private static NDArray positiveDefinite(CaseRandom r, int n) {
        NDArray a = mat(r, DType.FLOAT64, n, n);
        NDArray spd = NDArray.zeros(Shape.of(n, n), DType.FLOAT64, Device.cpu());
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = i == j ? n : 0;
                for (int k = 0; k < n; k++) {
                    v += a.getDouble(i * n + k) * a.getDouble(j * n + k);
                }
                spd.setDouble(i * n + j, v);
            }
        }
        return spd;
    }

    static List<CaseSpec> specs() {
        List<CaseSpec> specs = new ArrayList<>();
        specs.add(random("dot 2-D", 16, r -> {
            DType t = r.pick(DType.FLOAT32, DType.FLOAT32, DType.FLOAT64);
            int m = r.intIn(1, 7);
            int k = r.intIn(1, 12);
            int n = r.intIn(1, 7);
            boolean ta = r.bool();
            boolean tb = r.bool();
            return OpCase.of("dot", ta ? mat(r, t, k, m) : mat(r, t, m, k), tb ? mat(r, t, n, k) : mat(r, t, k, n))
                    .attr("transpose_a", ta).attr("transpose_b", tb);
        }));
        // no float16 (or bfloat16) dot/FullyConnected: MXNet 1.9 supports them on GPUs only, so Kiln's CPU
        // float16 paths have no reference here
        specs.add(random("dot 1-D", 6, r -> {
            int k = r.intIn(1, 10);
            return OpCase.of("dot", mat(r, DType.FLOAT32, k), mat(r, DType.FLOAT32, k));
        }));
        specs.add(random("dot N-D", 8, r -> {
            int k = r.intIn(1, 6);
            return OpCase.of("dot", mat(r, DType.FLOAT32, r.intIn(1, 3), r.intIn(1, 3), k),
                    mat(r, DType.FLOAT32, k, r.intIn(1, 3), r.intIn(1, 3)));
        }));
        specs.add(random("dot matrix-vector", 2, r -> {
            int k = r.intIn(1, 6);
            return OpCase.of("dot", mat(r, DType.FLOAT32, r.intIn(1, 4), k), mat(r, DType.FLOAT32, k));
        }));
        specs.add(fixed("dot inner dims mismatch", OpCase.of("dot", NDArray.zeros(2, 3), NDArray.zeros(4, 2))
                .expectRejected()));
        specs.add(random("batch_dot", 16, r -> {
            DType t = r.pick(DType.FLOAT32, DType.FLOAT32, DType.FLOAT64);
            int b = r.intIn(1, 4);
            int m = r.intIn(1, 5);
            int k = r.intIn(1, 8);
            int n = r.intIn(1, 5);
            boolean ta = r.bool();
            boolean tb = r.bool();
            return OpCase.of("batch_dot", ta ? mat(r, t, b, k, m) : mat(r, t, b, m, k),
                    tb ? mat(r, t, b, n, k) : mat(r, t, b, k, n)).attr("transpose_a", ta).attr("transpose_b", tb);
        }));
        specs.add(random("FullyConnected", 20, r -> {
            DType t = r.pick(DType.FLOAT32, DType.FLOAT32, DType.FLOAT64);
            boolean flatten = r.bool();
            boolean noBias = r.bool();
            int hidden = r.intIn(1, 8);
            Shape x = r.shape(2, 4, 1, 4);
            int in = flatten ? x.size() / x.get(0) : x.get(x.rank() - 1);
            List<NDArray> inputs = new ArrayList<>(List.of(r.array(x, t, -1, 1), mat(r, t, hidden, in)));
            if (!noBias) {
                inputs.add(mat(r, t, hidden));
            }
            return OpCase.of("FullyConnected", inputs).attr("num_hidden", hidden).attr("no_bias", noBias)
                    .attr("flatten", flatten);
        }));
        specs.add(fixed("FullyConnected weight shape mismatch", OpCase.of("FullyConnected", NDArray.zeros(2, 3),
                NDArray.zeros(4, 5), NDArray.zeros(4)).attr("num_hidden", 4).expectRejected()));
        specs.add(random("_npi_matmul", 12, r -> {
            int k = r.intIn(1, 6);
            int batch = r.intIn(1, 3);
            boolean broadcastLeft = r.bool();
            return OpCase.of("_npi_matmul", mat(r, DType.FLOAT32, broadcastLeft ? 1 : batch, r.intIn(1, 4), k),
                    mat(r, DType.FLOAT32, batch, k, r.intIn(1, 4)));
        }));
        specs.add(random("linalg_gemm2", 12, r -> {
            int b = r.intIn(1, 3);
            int m = r.intIn(1, 5);
            int k = r.intIn(1, 6);
            int n = r.intIn(1, 5);
            boolean ta = r.bool();
            boolean tb = r.bool();
            return OpCase.of("linalg_gemm2", ta ? mat(r, DType.FLOAT32, b, k, m) : mat(r, DType.FLOAT32, b, m, k),
                    tb ? mat(r, DType.FLOAT32, b, n, k) : mat(r, DType.FLOAT32, b, k, n))
                    .attr("transpose_a", ta).attr("transpose_b", tb).attr("alpha", r.pick("1.0", "0.5", "-2"));
        }));
        specs.add(random("linalg_gemm", 12, r -> {
            int m = r.intIn(1, 5);
            int k = r.intIn(1, 6);
            int n = r.intIn(1, 5);
            boolean ta = r.bool();
            boolean tb = r.bool();
            return OpCase.of("linalg_gemm", ta ? mat(r, DType.FLOAT32, k, m) : mat(r, DType.FLOAT32, m, k),
                    tb ? mat(r, DType.FLOAT32, n, k) : mat(r, DType.FLOAT32, k, n), mat(r, DType.FLOAT32, m, n))
                    .attr("transpose_a", ta).attr("transpose_b", tb).attr("alpha", r.pick("1.0", "0.5"))
                    .attr("beta", r.pick("1.0", "0.0", "-1.5"));
        }));
        specs.add(random("khatri_rao", 3, r -> {
            int k = r.intIn(1, 3);
            return OpCase.of("khatri_rao", mat(r, DType.FLOAT32, r.intIn(1, 3), k), mat(r, DType.FLOAT32,
                    r.intIn(1, 3), k));
        }));
        for (String op : List.of("linalg_potrf", "linalg_potri", "linalg_inverse", "linalg_det", "linalg_slogdet",
                "linalg_sumlogdiag", "linalg_extractdiag", "linalg_extracttrian", "linalg_syrk")) {
            specs.add(random(op, 2, r -> OpCase.of(op, positiveDefinite(r, r.intIn(1, 4)))));
        }
        specs.add(random("linalg_trmm and trsm", 4, r -> {
            int n = r.intIn(1, 4);
            NDArray tri = mat(r, DType.FLOAT64, n, n);
            for (int i = 0; i < n; i++) {
                tri.setDouble(i * n + i, 2 + r.uniform(0, 1));
                for (int j = i + 1; j < n; j++) {
                    tri.setDouble(i * n + j, 0);
                }
            }
            return OpCase.of(r.pick("linalg_trmm", "linalg_trsm"), tri, mat(r, DType.FLOAT64, n, r.intIn(1, 3)))
                    .attr("alpha", r.pick("1.0", "0.5"));
        }));
        specs.add(random("linalg_makediag", 2, r -> OpCase.of("linalg_makediag", mat(r, DType.FLOAT32, r.intIn(1, 2),
                r.intIn(1, 4))).attr("offset", r.intIn(-1, 1))));
        return specs;
    }
}
