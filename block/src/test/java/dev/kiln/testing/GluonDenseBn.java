package dev.kiln.testing;

import dev.kiln.ndarray.NDArray;
import dev.kiln.random.Random;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model as MXNet 1.9 Gluon exports it, written by hand for import tests: {@code data -> FullyConnected(4) ->
 * BatchNorm -> relu} named {@code net0_...}, its symbol JSON with Gluon's variable annotations, random parameters
 * keyed {@code arg:}/{@code aux:}, and its predict-mode output computed by plain loops.
 */
public final class GluonDenseBn {
    private GluonDenseBn() {
    }

    /** The variable annotations Gluon 1.x's {@code Parameter.var()} writes, with {@code extra} added. */
    private static String gluonVar(String name, String shape, String extra) {
        return "{\"op\": \"null\", \"name\": \"" + name + "\", \"attrs\": {\"__dtype__\": \"0\", " + extra
                + "\"__lr_mult__\": \"1.0\", \"__shape__\": \"" + shape + "\", \"__storage_type__\": \"0\", "
                + "\"__wd_mult__\": \"1.0\"}, \"inputs\": []}";
    }

    /** data -> FullyConnected(4) -> BatchNorm -> relu, as MXNet 1.9 Gluon exports it (weight shape deferred). */
    public static String json(String weightInit) {
        return "{\n  \"nodes\": [\n"
                + "    {\"op\": \"null\", \"name\": \"data\", \"inputs\": []},\n"
                + "    " + gluonVar("net0_dense0_weight", "(4, 0)", weightInit) + ",\n"
                + "    " + gluonVar("net0_dense0_bias", "(4,)", "\"__init__\": \"zeros\", ") + ",\n"
                + "    {\"op\": \"FullyConnected\", \"name\": \"net0_dense0_fwd\", \"attrs\": {\"flatten\": \"True\", "
                + "\"no_bias\": \"False\", \"num_hidden\": \"4\"}, \"inputs\": [[0, 0, 0], [1, 0, 0], [2, 0, 0]]},\n"
                + "    " + gluonVar("net0_batchnorm0_gamma", "(0,)", "\"__init__\": \"ones\", ") + ",\n"
                + "    " + gluonVar("net0_batchnorm0_beta", "(0,)", "\"__init__\": \"zeros\", ") + ",\n"
                + "    " + gluonVar("net0_batchnorm0_running_mean", "(0,)", "\"__init__\": \"zeros\", ") + ",\n"
                + "    " + gluonVar("net0_batchnorm0_running_var", "(0,)", "\"__init__\": \"ones\", ") + ",\n"
                + "    {\"op\": \"BatchNorm\", \"name\": \"net0_batchnorm0_fwd\", \"attrs\": {\"axis\": \"1\", "
                + "\"eps\": \"1e-05\", \"fix_gamma\": \"False\", \"momentum\": \"0.9\", \"use_global_stats\": "
                + "\"False\"}, \"inputs\": [[3, 0, 0], [4, 0, 0], [5, 0, 0], [6, 0, 1], [7, 0, 1]]},\n"
                + "    {\"op\": \"Activation\", \"name\": \"net0_relu0_fwd\", \"attrs\": {\"act_type\": \"relu\"}, "
                + "\"inputs\": [[8, 0, 0]]}\n  ],\n"
                + "  \"arg_nodes\": [0, 1, 2, 4, 5, 6, 7],\n"
                + "  \"node_row_ptr\": [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12],\n"
                + "  \"heads\": [[9, 0, 0]],\n"
                + "  \"attrs\": {\"mxnet_version\": [\"int\", 10900]}\n}";
    }

    /** relu(gamma (x W^T + b - mean) / sqrt(var + 1e-5) + beta), by plain loops. */
    public static double[] predict(NDArray x, Map<String, NDArray> p) {
        int rows = x.shape().get(0);
        int in = x.shape().get(1);
        double[] xs = x.toDoubleArray();
        double[] w = p.get("arg:net0_dense0_weight").toDoubleArray();
        double[] b = p.get("arg:net0_dense0_bias").toDoubleArray();
        double[] g = p.get("arg:net0_batchnorm0_gamma").toDoubleArray();
        double[] beta = p.get("arg:net0_batchnorm0_beta").toDoubleArray();
        double[] mean = p.get("aux:net0_batchnorm0_running_mean").toDoubleArray();
        double[] var = p.get("aux:net0_batchnorm0_running_var").toDoubleArray();
        double[] out = new double[rows * 4];
        for (int r = 0; r < rows; r++) {
            for (int u = 0; u < 4; u++) {
                double s = b[u];
                for (int k = 0; k < in; k++) {
                    s += xs[r * in + k] * w[u * in + k];
                }
                double y = g[u] * (s - mean[u]) / Math.sqrt(var[u] + 1e-5) + beta[u];
                out[r * 4 + u] = Math.max(0, y);
            }
        }
        return out;
    }

    public static Map<String, NDArray> params() {
        Map<String, NDArray> p = new LinkedHashMap<>();
        p.put("arg:net0_dense0_weight", Random.uniform(-1, 1, 4, 3));
        p.put("arg:net0_dense0_bias", Random.uniform(-1, 1, 4));
        p.put("arg:net0_batchnorm0_gamma", Random.uniform(0.5, 1.5, 4));
        p.put("arg:net0_batchnorm0_beta", Random.uniform(-1, 1, 4));
        p.put("aux:net0_batchnorm0_running_mean", Random.uniform(-0.5, 0.5, 4));
        p.put("aux:net0_batchnorm0_running_var", Random.uniform(0.5, 2, 4));
        return p;
    }
}
