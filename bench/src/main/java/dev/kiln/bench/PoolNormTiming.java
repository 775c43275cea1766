package dev.kiln.bench;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpContext;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.op.Ops;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Eager Pooling and BatchNorm calls (forward and gradient) at the small CNN's shapes, timed in one JVM with the
 * minimum and median over rounds, which stay readable on a loaded machine. Arguments: rounds (default 30), threads
 * (2).
 */
public final class PoolNormTiming {
    private PoolNormTiming() {
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        KilnThreads.use(args.length > 1 ? Integer.parseInt(args[1]) : 2);
        for (int[] dims : new int[][] {{64, 16, 28, 28}, {64, 32, 14, 14}}) {
            Shape s = Shape.of(dims);
            NDArray x = random(s, 1);
            String tag = s.toString();
            Map<String, Object> pool = Map.of("kernel", "(2, 2)", "stride", "(2, 2)");
            NDArray y = Ops.call("Pooling", pool, x);
            NDArray dy = random(y.shape(), 2);
            report("max pool 2x2 fwd " + tag, rounds, () -> Ops.call("Pooling", pool, x));
            report("max pool 2x2 bwd " + tag, rounds, () -> Ops.call("_backward_Pooling", pool, dy, x, y));
            Map<String, Object> avg = Map.of("kernel", "(3, 3)", "stride", "(1, 1)", "pad", "(1, 1)",
                    "pool_type", "avg");
            report("avg pool 3x3/1 fwd " + tag, rounds, () -> Ops.call("Pooling", avg, x));

            int c = dims[1];
            NDArray gamma = random(Shape.of(c), 3);
            NDArray beta = random(Shape.of(c), 4);
            NDArray mm = NDArray.zeros(Shape.of(c), DType.FLOAT32, Device.cpu());
            NDArray mv = NDArray.full(Shape.of(c), 1, DType.FLOAT32, Device.cpu());
            OpDef bn = OpRegistry.global().get("BatchNorm");
            var bnAttrs = bn.attrs(Map.of("fix_gamma", false));
            List<NDArray> in = List.of(x, gamma, beta, mm, mv);
            report("batchnorm train fwd " + tag, rounds, () -> training(() -> Ops.invokeAll(bn, bnAttrs, in)));
            report("batchnorm infer fwd " + tag, rounds, () -> Ops.invokeAll(bn, bnAttrs, in));
            List<NDArray> fwd = training(() -> Ops.invokeAll(bn, bnAttrs, in));
            OpDef back = OpRegistry.global().get("_backward_BatchNorm");
            var backAttrs = back.attrs(Map.of("fix_gamma", false, "use_global_stats", false));
            NDArray zeros = NDArray.zeros(Shape.of(c), DType.FLOAT32, Device.cpu());
            NDArray og = random(s, 5);
            List<NDArray> backIn = List.of(og, x, gamma, fwd.get(1), fwd.get(2), zeros, zeros);
            report("batchnorm train bwd " + tag, rounds, () -> Ops.invokeAll(back, backAttrs, backIn));
        }
    }

    private static <T> T training(java.util.function.Supplier<T> body) {
        boolean prev = OpContext.setTraining(true);
        try {
            return body.get();
        } finally {
            OpContext.setTraining(prev);
        }
    }

    private static NDArray random(Shape s, long seed) {
        Random r = new Random(seed);
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return NDArray.wrap(s, v);
    }

    private static void report(String what, int rounds, Runnable call) {
        long until = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() < until) {
            call.run();
        }
        double[] t = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                call.run();
            }
            t[r] = (System.nanoTime() - t0) / 5e3;
        }
        Arrays.sort(t);
        System.out.println(String.format(Locale.ROOT, "%-44s min %9.1f us  median %9.1f us", what, t[0],
                t[rounds / 2]));
    }
}
