package dev.kiln.tornado.kernel;

import dev.kiln.ndarray.Shape;

/**
 * The 2-D sliding-window geometry of Convolution and Pooling in NCHW layout (1-D data read as height 1): data
 * {@code (n, c, h, w)}, output {@code (n, oc, oh, ow)}, kernel, stride, pad and dilation per axis.
 */
record Window2d(int n, int c, int h, int w, int oc, int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw,
                int dh, int dw) {

    /** Null when the node's data is 1-D or 2-D spatial in channel-first layout, else the reason. */
    static String check(NodeCall c) {
        int rank = c.in(0).rank() - 2;
        if (rank < 1 || rank > 2) {
            return "the device computes 1-D and 2-D " + c.op() + ", got data " + c.in(0);
        }
        String layout = c.stringAttr("layout");
        if (layout != null && !layout.equals("NCW") && !layout.equals("NCHW")) {
            return "layout " + layout + " (the device computes channel-first layouts)";
        }
        return null;
    }

    /** The geometry for data {@code data} and output {@code out}; {@code global} windows cover the whole image. */
    static Window2d of(NodeCall c, Shape data, Shape out, boolean global) {
        boolean oneD = data.rank() == 3;
        int h = oneD ? 1 : data.get(2);
        int w = data.get(data.rank() - 1);
        int oh = oneD ? 1 : out.get(2);
        int ow = out.get(out.rank() - 1);
        int[] k = global ? (oneD ? new int[] {w} : new int[] {h, w}) : c.tupleAttr("kernel");
        int[] s = orFill(c.tupleAttr("stride"), k.length, 1);
        int[] p = orFill(c.tupleAttr("pad"), k.length, 0);
        int[] d = c.attrs().values().containsKey("dilate") ? orFill(c.tupleAttr("dilate"), k.length, 1)
                : orFill(new int[0], k.length, 1);
        if (global) {
            s = orFill(new int[0], k.length, 1);
            p = orFill(new int[0], k.length, 0);
        }
        if (oneD) {
            return new Window2d(data.get(0), data.get(1), 1, w, out.get(1), 1, ow, 1, k[0], 1, s[0], 0, p[0], 1, d[0]);
        }
        return new Window2d(data.get(0), data.get(1), h, w, out.get(1), oh, ow, k[0], k[1], s[0], s[1], p[0], p[1],
                d[0], d[1]);
    }

    private static int[] orFill(int[] t, int rank, int fill) {
        if (t.length == rank) {
            return t;
        }
        int[] out = new int[rank];
        java.util.Arrays.fill(out, fill);
        return out;
    }
}
