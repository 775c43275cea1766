package dev.kiln.op.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The three transforms of Winograd's F(2x2, 3x3) on one vector of channels (or filters) at a time, for
 * {@link WinogradConv}: {@code U = G g G^T} of 3x3 kernels, {@code V = B^T d B} of 4x4 input tiles and {@code A^T m A}
 * of 4x4 products back to 2x2 outputs. Each of the sixteen transformed positions {@code t = 4 * row + column} lies
 * {@code ts} floats after the previous one. Only additions, subtractions and halvings; the methods are kept small
 * so that C2 compiles every vector operation in them to instructions rather than boxed objects.
 */
final class WinogradTiles {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private WinogradTiles() {
    }

    /**
     * One kernel's transform in scalar code, {@code out[t] = (G g G^T)[t]} of {@code g = w[at .. at + 9)}, with the
     * same operations in the same order as {@link #filter(float[], int, int, float[], int, int)} (the tests'
     * reference).
     */
    static void filter(float[] w, int at, float[] out) {
        float[] gg = new float[12];
        for (int col = 0; col < 3; col++) {
            float a = w[at + col];
            float b = w[at + 3 + col];
            float c = w[at + 6 + col];
            gg[col] = a;
            gg[3 + col] = (a + b + c) * 0.5f;
            gg[6 + col] = (a - b + c) * 0.5f;
            gg[9 + col] = c;
        }
        for (int r = 0; r < 4; r++) {
            float a = gg[3 * r];
            float b = gg[3 * r + 1];
            float c = gg[3 * r + 2];
            out[4 * r] = a;
            out[4 * r + 1] = (a + b + c) * 0.5f;
            out[4 * r + 2] = (a - b + c) * 0.5f;
            out[4 * r + 3] = c;
        }
    }

    /**
     * {@code G g G^T} of a vector of kernels whose tap {@code k} (row-major 3x3) is the vector at
     * {@code wt[at + k * ld]} ({@code ld} negative reads the taps in reverse: the flipped kernels), stored to
     * {@code u[uAt + t * ts]}. Each row of {@code G g} is computed where it is stored: no vector crosses a call that
     * HotSpot might not inline (such a vector is boxed on the heap, gigabytes per training run).
     */
    static void filter(float[] wt, int at, int ld, float[] u, int uAt, int ts) {
        // rows of G g: kernel row 0, (r0 + r1 + r2) / 2, (r0 - r1 + r2) / 2, kernel row 2
        kernelRow(wt, at, ld, u, uAt, ts);
        halfRow(wt, at, ld, 1f, u, uAt + 4 * ts, ts);
        halfRow(wt, at, ld, -1f, u, uAt + 8 * ts, ts);
        kernelRow(wt, at + 6 * ld, ld, u, uAt + 12 * ts, ts);
    }

    /** One kernel row (taps at {@code at}, {@code at + ld}, {@code at + 2 * ld}) times {@code G^T}. */
    private static void kernelRow(float[] wt, int at, int ld, float[] u, int uAt, int ts) {
        FloatVector x0 = FloatVector.fromArray(S, wt, at);
        FloatVector x1 = FloatVector.fromArray(S, wt, at + ld);
        FloatVector x2 = FloatVector.fromArray(S, wt, at + 2 * ld);
        x0.intoArray(u, uAt);
        x0.add(x1).add(x2).mul(0.5f).intoArray(u, uAt + ts);
        x0.sub(x1).add(x2).mul(0.5f).intoArray(u, uAt + 2 * ts);
        x2.intoArray(u, uAt + 3 * ts);
    }

    /**
     * Row {@code (r0 + sign * r1 + r2) / 2} of {@code G g} times {@code G^T}; {@code sign} is 1 or -1, and adding
     * {@code -1 * r1} rounds exactly as subtracting {@code r1}.
     */
    private static void halfRow(float[] wt, int at, int ld, float sign, float[] u, int uAt, int ts) {
        FloatVector x0 = FloatVector.fromArray(S, wt, at).add(FloatVector.fromArray(S, wt, at + 3 * ld).mul(sign))
                .add(FloatVector.fromArray(S, wt, at + 6 * ld)).mul(0.5f);
        FloatVector x1 = FloatVector.fromArray(S, wt, at + ld).add(FloatVector.fromArray(S, wt, at + 4 * ld).mul(sign))
                .add(FloatVector.fromArray(S, wt, at + 7 * ld)).mul(0.5f);
        FloatVector x2 = FloatVector.fromArray(S, wt, at + 2 * ld)
                .add(FloatVector.fromArray(S, wt, at + 5 * ld).mul(sign))
                .add(FloatVector.fromArray(S, wt, at + 8 * ld)).mul(0.5f);
        x0.intoArray(u, uAt);
        x0.add(x1).add(x2).mul(0.5f).intoArray(u, uAt + ts);
        x0.sub(x1).add(x2).mul(0.5f).intoArray(u, uAt + 2 * ts);
        x2.intoArray(u, uAt + 3 * ts);
    }

    /**
     * {@code B^T d B} of a vector of 4x4 input tiles, {@code d(r, c)} at {@code x[at + r * rs + c * cs]}, stored to
     * {@code v[vAt + t * ts]}.
     */
    static void input(float[] x, int at, int rs, int cs, float[] v, int vAt, int ts) {
        // rows of B^T d: d0 - d2, d1 + d2, d2 - d1, d1 - d3
        inputRow(x, at, at + 2 * rs, -1f, cs, v, vAt, ts);
        inputRow(x, at + rs, at + 2 * rs, 1f, cs, v, vAt + 4 * ts, ts);
        inputRow(x, at + 2 * rs, at + rs, -1f, cs, v, vAt + 8 * ts, ts);
        inputRow(x, at + rs, at + 3 * rs, -1f, cs, v, vAt + 12 * ts, ts);
    }

    /**
     * Row {@code d_p + sign * d_q} of {@code B^T d} (rows starting at {@code x[p]}, {@code x[q]}; {@code sign} 1 or -1)
     * times {@code B}.
     */
    private static void inputRow(float[] x, int p, int q, float sign, int cs, float[] v, int at, int ts) {
        FloatVector e0 = FloatVector.fromArray(S, x, p).add(FloatVector.fromArray(S, x, q).mul(sign));
        FloatVector e1 = FloatVector.fromArray(S, x, p + cs).add(FloatVector.fromArray(S, x, q + cs).mul(sign));
        FloatVector e2 = FloatVector.fromArray(S, x, p + 2 * cs)
                .add(FloatVector.fromArray(S, x, q + 2 * cs).mul(sign));
        FloatVector e3 = FloatVector.fromArray(S, x, p + 3 * cs)
                .add(FloatVector.fromArray(S, x, q + 3 * cs).mul(sign));
        e0.sub(e2).intoArray(v, at);
        e1.add(e2).intoArray(v, at + ts);
        e2.sub(e1).intoArray(v, at + 2 * ts);
        e1.sub(e3).intoArray(v, at + 3 * ts);
    }

    /**
     * {@code A^T m A} of a vector of 4x4 products ({@code m[at + t * ts]}): output (0, 0) to {@code y[y00]}, (0, 1)
     * to {@code y[y00 + cs]} unless {@code !right}, and the second row {@code rs} further unless {@code !bottom}
     * (the right and bottom edges of an odd grid).
     */
    static void output(float[] m, int at, int ts, float[] y, int y00, int rs, int cs, boolean right,
                       boolean bottom) {
        // rows of A^T m: m0 + m1 + m2 and m1 - m2 - m3
        outputRow(m, at, ts, 1f, y, y00, right ? y00 + cs : -1);
        if (bottom) {
            outputRow(m, at + 4 * ts, ts, -1f, y, y00 + rs, right ? y00 + rs + cs : -1);
        }
    }

    /**
     * Row {@code m_p + sign * (m_q + ...)}: {@code m_0 + m_1 + m_2} ({@code sign} 1, {@code p} at row 0) or
     * {@code m_1 - m_2 - m_3} ({@code sign} -1, {@code p} at row 1) of {@code A^T m}, rows {@code 4 * ts} apart, times
     * {@code A}: columns {@code a + b + c} to {@code y[left]} and {@code b - c - e} to {@code y[right]} unless
     * {@code right < 0}. Adding {@code -1 * m} rounds exactly as subtracting {@code m}.
     */
    private static void outputRow(float[] m, int p, int ts, float sign, float[] y, int left, int right) {
        int q = p + 4 * ts;
        int r = p + 8 * ts;
        FloatVector a = FloatVector.fromArray(S, m, p).add(FloatVector.fromArray(S, m, q).mul(sign))
                .add(FloatVector.fromArray(S, m, r).mul(sign));
        FloatVector b = FloatVector.fromArray(S, m, p + ts).add(FloatVector.fromArray(S, m, q + ts).mul(sign))
                .add(FloatVector.fromArray(S, m, r + ts).mul(sign));
        FloatVector c = FloatVector.fromArray(S, m, p + 2 * ts)
                .add(FloatVector.fromArray(S, m, q + 2 * ts).mul(sign))
                .add(FloatVector.fromArray(S, m, r + 2 * ts).mul(sign));
        a.add(b).add(c).intoArray(y, left);
        if (right >= 0) {
            FloatVector e = FloatVector.fromArray(S, m, p + 3 * ts)
                    .add(FloatVector.fromArray(S, m, q + 3 * ts).mul(sign))
                    .add(FloatVector.fromArray(S, m, r + 3 * ts).mul(sign));
            b.sub(c).sub(e).intoArray(y, right);
        }
    }

    /**
     * {@code A g A^T} of a vector of 2x2 output-gradient tiles, {@code g(r, c)} at {@code g[at + r * rs + c * cs]},
     * stored to {@code m[mAt + t * ts]}: the gradient of the products {@code M} that {@link #output} turns into those
     * outputs.
     */
    static void gradient(float[] g, int at, int rs, int cs, float[] m, int mAt, int ts) {
        // rows of A g: g0, g0 + g1, g0 - g1, -g1; each row (a, b) times A^T: a, a + b, a - b, -b
        FloatVector g00 = FloatVector.fromArray(S, g, at);
        FloatVector g01 = FloatVector.fromArray(S, g, at + cs);
        FloatVector g10 = FloatVector.fromArray(S, g, at + rs);
        FloatVector g11 = FloatVector.fromArray(S, g, at + rs + cs);
        g00.intoArray(m, mAt);
        g00.add(g01).intoArray(m, mAt + ts);
        g00.sub(g01).intoArray(m, mAt + 2 * ts);
        g01.neg().intoArray(m, mAt + 3 * ts);
        FloatVector a = g00.add(g10);
        FloatVector b = g01.add(g11);
        a.intoArray(m, mAt + 4 * ts);
        a.add(b).intoArray(m, mAt + 5 * ts);
        a.sub(b).intoArray(m, mAt + 6 * ts);
        b.neg().intoArray(m, mAt + 7 * ts);
        FloatVector c = g00.sub(g10);
        FloatVector d = g01.sub(g11);
        c.intoArray(m, mAt + 8 * ts);
        c.add(d).intoArray(m, mAt + 9 * ts);
        c.sub(d).intoArray(m, mAt + 10 * ts);
        d.neg().intoArray(m, mAt + 11 * ts);
        FloatVector e = g10.neg();
        FloatVector f = g11.neg();
        e.intoArray(m, mAt + 12 * ts);
        e.add(f).intoArray(m, mAt + 13 * ts);
        e.sub(f).intoArray(m, mAt + 14 * ts);
        f.neg().intoArray(m, mAt + 15 * ts);
    }

    /**
     * {@code G^T u G} of a vector of 4x4 filter gradients ({@code u[at + t * ts]}): the 3x3 kernel gradient, tap
     * {@code k} (row-major) stored to {@code out[outAt + k * ld]}. Each kernel row is computed where it is stored, as
     * in {@link #filter}.
     */
    static void filterGradient(float[] u, int at, int ts, float[] out, int outAt, int ld) {
        // rows of G^T u: u0 + (u1 + u2) / 2, (u1 - u2) / 2, (u1 + u2) / 2 + u3
        firstGradientRow(u, at, ts, out, outAt, ld);
        middleGradientRow(u, at, ts, out, outAt + 3 * ld, ld);
        lastGradientRow(u, at, ts, out, outAt + 6 * ld, ld);
    }

    /** Row {@code u0 + (u1 + u2) / 2} of {@code G^T u} times {@code G}. */
    private static void firstGradientRow(float[] u, int at, int ts, float[] out, int o, int ld) {
        FloatVector a = FloatVector.fromArray(S, u, at + 4 * ts).add(FloatVector.fromArray(S, u, at + 8 * ts))
                .mul(0.5f);
        a = FloatVector.fromArray(S, u, at).add(a);
        FloatVector b = FloatVector.fromArray(S, u, at + 5 * ts).add(FloatVector.fromArray(S, u, at + 9 * ts))
                .mul(0.5f);
        b = FloatVector.fromArray(S, u, at + ts).add(b);
        FloatVector c = FloatVector.fromArray(S, u, at + 6 * ts).add(FloatVector.fromArray(S, u, at + 10 * ts))
                .mul(0.5f);
        c = FloatVector.fromArray(S, u, at + 2 * ts).add(c);
        FloatVector d = FloatVector.fromArray(S, u, at + 7 * ts).add(FloatVector.fromArray(S, u, at + 11 * ts))
                .mul(0.5f);
        d = FloatVector.fromArray(S, u, at + 3 * ts).add(d);
        FloatVector h = b.add(c).mul(0.5f);
        a.add(h).intoArray(out, o);
        b.sub(c).mul(0.5f).intoArray(out, o + ld);
        h.add(d).intoArray(out, o + 2 * ld);
    }

    /** Row {@code (u1 - u2) / 2} of {@code G^T u} times {@code G}. */
    private static void middleGradientRow(float[] u, int at, int ts, float[] out, int o, int ld) {
        FloatVector a = FloatVector.fromArray(S, u, at + 4 * ts).sub(FloatVector.fromArray(S, u, at + 8 * ts))
                .mul(0.5f);
        FloatVector b = FloatVector.fromArray(S, u, at + 5 * ts).sub(FloatVector.fromArray(S, u, at + 9 * ts))
                .mul(0.5f);
        FloatVector c = FloatVector.fromArray(S, u, at + 6 * ts).sub(FloatVector.fromArray(S, u, at + 10 * ts))
                .mul(0.5f);
        FloatVector d = FloatVector.fromArray(S, u, at + 7 * ts).sub(FloatVector.fromArray(S, u, at + 11 * ts))
                .mul(0.5f);
        FloatVector h = b.add(c).mul(0.5f);
        a.add(h).intoArray(out, o);
        b.sub(c).mul(0.5f).intoArray(out, o + ld);
        h.add(d).intoArray(out, o + 2 * ld);
    }

    /** Row {@code (u1 + u2) / 2 + u3} of {@code G^T u} times {@code G}. */
    private static void lastGradientRow(float[] u, int at, int ts, float[] out, int o, int ld) {
        FloatVector a = FloatVector.fromArray(S, u, at + 4 * ts).add(FloatVector.fromArray(S, u, at + 8 * ts))
                .mul(0.5f).add(FloatVector.fromArray(S, u, at + 12 * ts));
        FloatVector b = FloatVector.fromArray(S, u, at + 5 * ts).add(FloatVector.fromArray(S, u, at + 9 * ts))
                .mul(0.5f).add(FloatVector.fromArray(S, u, at + 13 * ts));
        FloatVector c = FloatVector.fromArray(S, u, at + 6 * ts).add(FloatVector.fromArray(S, u, at + 10 * ts))
                .mul(0.5f).add(FloatVector.fromArray(S, u, at + 14 * ts));
        FloatVector d = FloatVector.fromArray(S, u, at + 7 * ts).add(FloatVector.fromArray(S, u, at + 11 * ts))
                .mul(0.5f).add(FloatVector.fromArray(S, u, at + 15 * ts));
        FloatVector h = b.add(c).mul(0.5f);
        a.add(h).intoArray(out, o);
        b.sub(c).mul(0.5f).intoArray(out, o + ld);
        h.add(d).intoArray(out, o + 2 * ld);
    }
}
