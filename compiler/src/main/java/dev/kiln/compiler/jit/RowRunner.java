package dev.kiln.compiler.jit;

import dev.kiln.ndarray.DType;

import java.util.List;

/**
 * Runs a {@link RowProgram} over a range of rows with one thread's buffers: a row-sized array per vector value and a
 * one-element array per scalar value (inputs of kind position and constant are read in place), plus a double
 * working row for reductions, softmax and LayerNorm, whose math runs in double as the ops' kernels do; their results
 * are rounded to the dtype when stored, as the ops store them.
 */
final class RowRunner {
    private static final int[] ROW_START = {0};

    private final RowProgram p;
    /** The program's lists as arrays: the row loop reads them per row and stage. */
    private final FusedKernel[] stageKernels;
    private final RowProgram.Kind[] kinds;
    private final RowProgram.Stage[] stages;
    private final int[] outputs;
    private final boolean f32;
    private final int m;
    private final Object[] value;
    private final double[] work;
    private final double[][] gamma;
    private final double[][] beta;
    /** Per pointwise stage: its read and write arrays and the row offsets of its per-row reads. */
    private final Object[][] reads;
    private final Object[][] writes;
    private final int[][][] offsets;

    /** A runner with its own row buffers; {@link #run} binds it to a call's arrays. */
    RowRunner(RowProgram p, List<FusedKernel> kernels) {
        this.p = p;
        this.stageKernels = kernels.toArray(FusedKernel[]::new);
        this.kinds = p.kinds().toArray(RowProgram.Kind[]::new);
        this.stages = p.stages().toArray(RowProgram.Stage[]::new);
        this.outputs = p.outputs().stream().mapToInt(Integer::intValue).toArray();
        this.f32 = p.dtype() == DType.FLOAT32;
        this.m = p.length();
        int values = p.kinds().size();
        this.value = new Object[values];
        for (int v = p.numInputs(); v < values; v++) {
            value[v] = newRow(p.kinds().get(v));
        }
        for (int v = 0; v < p.numInputs(); v++) {
            RowProgram.Kind k = p.kinds().get(v);
            value[v] = k == RowProgram.Kind.VECTOR || k == RowProgram.Kind.SCALAR ? newRow(k) : null;
        }
        this.work = new double[m];
        int count = stages.length;
        this.gamma = new double[count][];
        this.beta = new double[count][];
        this.reads = new Object[count][];
        this.writes = new Object[count][];
        this.offsets = new int[count][][];
        for (int s = 0; s < count; s++) {
            switch (p.stages().get(s)) {
                case RowProgram.Pointwise pw -> {
                    reads[s] = new Object[pw.reads().size()];
                    writes[s] = pw.writes().stream().map(v -> value[v]).toArray();
                    offsets[s] = new int[pw.reads().size()][];
                    for (int k = 0; k < pw.reads().size(); k++) {
                        offsets[s][k] = ROW_START;
                    }
                }
                case RowProgram.LayerNorm ignored -> {
                    gamma[s] = new double[m];
                    beta[s] = new double[m];
                }
                default -> {
                }
            }
        }
    }

    private Object newRow(RowProgram.Kind k) {
        int n = k == RowProgram.Kind.VECTOR ? m : 1;
        return f32 ? new float[n] : new double[n];
    }

    /**
     * Points this runner at one call's input arrays: inputs of kind position and constant are read in place, and
     * LayerNorm's gamma and beta are widened once per call rather than once per row.
     */
    private void bind(Object[] in) {
        for (int v = 0; v < p.numInputs(); v++) {
            if (kinds[v] == RowProgram.Kind.POSITION || kinds[v] == RowProgram.Kind.CONSTANT) {
                value[v] = in[v];
            }
        }
        for (int s = 0; s < stages.length; s++) {
            switch (stages[s]) {
                case RowProgram.Pointwise pw -> {
                    for (int k = 0; k < reads[s].length; k++) {
                        reads[s][k] = value[pw.reads().get(k)];
                    }
                }
                case RowProgram.LayerNorm ln -> {
                    load(value[ln.gamma()], gamma[s], m);
                    load(value[ln.beta()], beta[s], m);
                }
                default -> {
                }
            }
        }
    }

    /** Runs rows {@code [from, to)} of one call, reading {@code in} and writing {@code out}. */
    void run(Object[] in, Object[] out, int from, int to) {
        bind(in);
        int stride = p.stride();
        int inputs = p.numInputs();
        int kernel;
        for (int r = from; r < to; r++) {
            int base = p.base(r);
            for (int v = 0; v < inputs; v++) {
                switch (kinds[v]) {
                    case VECTOR -> gather(in[v], base, stride, value[v]);
                    case SCALAR -> copy(in[v], r, value[v], 0);
                    default -> {
                    }
                }
            }
            kernel = 0;
            for (int s = 0; s < stages.length; s++) {
                switch (stages[s]) {
                    case RowProgram.Pointwise pw -> stageKernels[kernel++].run(reads[s], writes[s], offsets[s], m, 0,
                            pw.vector() ? m : 1);
                    case RowProgram.Reduce rd -> {
                        load(value[rd.in()], work, m);
                        store(rd.math().reduceLane(work, m), value[rd.out()]);
                    }
                    case RowProgram.Softmax sm when f32 ->
                            sm.math().floatRow((float[]) value[sm.in()], (float[]) value[sm.out()], m);
                    case RowProgram.Softmax sm -> {
                        load(value[sm.in()], work, m);
                        sm.math().row(work, m, p.dtype());
                        storeRow(work, value[sm.out()]);
                    }
                    case RowProgram.LayerNorm ln when f32 && ln.math().takesFloatRow(m) -> ln.math().floatRow(
                            (float[]) value[ln.in()], (float[]) value[ln.out()], m, gamma[s], beta[s]);
                    case RowProgram.LayerNorm ln -> {
                        load(value[ln.in()], work, m);
                        ln.math().row(work, m, gamma[s], beta[s]);
                        storeRow(work, value[ln.out()]);
                    }
                }
            }
            for (int k = 0; k < out.length; k++) {
                int v = outputs[k];
                if (kinds[v] == RowProgram.Kind.VECTOR) {
                    scatter(value[v], out[k], base, stride);
                } else {
                    copy(value[v], 0, out[k], r);
                }
            }
        }
    }

    private void gather(Object src, int base, int stride, Object dst) {
        if (stride == 1) {
            System.arraycopy(src, base, dst, 0, m);
        } else if (f32) {
            float[] s = (float[]) src;
            float[] d = (float[]) dst;
            for (int j = 0; j < m; j++) {
                d[j] = s[base + j * stride];
            }
        } else {
            double[] s = (double[]) src;
            double[] d = (double[]) dst;
            for (int j = 0; j < m; j++) {
                d[j] = s[base + j * stride];
            }
        }
    }

    private void scatter(Object src, Object dst, int base, int stride) {
        if (stride == 1) {
            System.arraycopy(src, 0, dst, base, m);
        } else if (f32) {
            float[] s = (float[]) src;
            float[] d = (float[]) dst;
            for (int j = 0; j < m; j++) {
                d[base + j * stride] = s[j];
            }
        } else {
            double[] s = (double[]) src;
            double[] d = (double[]) dst;
            for (int j = 0; j < m; j++) {
                d[base + j * stride] = s[j];
            }
        }
    }

    private static void copy(Object src, int from, Object dst, int to) {
        System.arraycopy(src, from, dst, to, 1);
    }

    /** Widens the first {@code n} values of a row array into {@code d} (exact). */
    private void load(Object a, double[] d, int n) {
        if (f32) {
            float[] f = (float[]) a;
            for (int j = 0; j < n; j++) {
                d[j] = f[j];
            }
        } else {
            System.arraycopy(a, 0, d, 0, n);
        }
    }

    private void storeRow(double[] d, Object a) {
        if (f32) {
            float[] f = (float[]) a;
            for (int j = 0; j < m; j++) {
                f[j] = (float) d[j];
            }
        } else {
            System.arraycopy(d, 0, a, 0, m);
        }
    }

    private void store(double v, Object a) {
        if (f32) {
            ((float[]) a)[0] = (float) v;
        } else {
            ((double[]) a)[0] = v;
        }
    }
}
