package dev.kiln.op.reduce;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Shape;
import dev.kiln.ndarray.Storage;

import java.util.ArrayList;
import java.util.List;

/**
 * How a reduction walks its input: {@link #outputs()} lanes of {@link #laneLength()} elements each, element
 * {@code r} of lane {@code o} living at flat index {@code base(o) + offset(r)}. Adjacent dimensions with the same
 * role are merged first, so the common layouts (reduced axes innermost, or one reduced block followed by kept axes)
 * need no index tables; only scattered reduced axes build them.
 */
public final class LanePlan {
    private enum Layout { CONTIGUOUS, STRIDED, TABLE }

    private final int outputs;
    private final int laneLength;
    private final Layout layout;
    private final int stride;
    private final int[] baseTable;
    private final int[] offsetTable;

    private LanePlan(int outputs, int laneLength, Layout layout, int stride, int[] baseTable, int[] offsetTable) {
        this.outputs = outputs;
        this.laneLength = laneLength;
        this.layout = layout;
        this.stride = stride;
        this.baseTable = baseTable;
        this.offsetTable = offsetTable;
    }

    /** The plan for reducing the dimensions of {@code in} marked in {@code reduced}. */
    public static LanePlan of(Shape in, boolean[] reduced) {
        int[] dims = in.dims();
        long outs = 1;
        long lane = 1;
        List<int[]> groups = new ArrayList<>(); // {size, reduced ? 1 : 0}
        for (int i = 0; i < dims.length; i++) {
            if (reduced[i]) {
                lane *= dims[i];
            } else {
                outs *= dims[i];
            }
            if (dims[i] == 1) {
                continue;
            }
            int flag = reduced[i] ? 1 : 0;
            if (!groups.isEmpty() && groups.getLast()[1] == flag) {
                groups.getLast()[0] *= dims[i];
            } else {
                groups.add(new int[] {dims[i], flag});
            }
        }
        int o = Math.toIntExact(outs);
        int r = Math.toIntExact(lane);
        if (o == 0 || r == 0) {
            return new LanePlan(o, r, Layout.CONTIGUOUS, 1, null, null);
        }
        int reducedGroups = 0;
        int lastReduced = -1;
        for (int g = 0; g < groups.size(); g++) {
            if (groups.get(g)[1] == 1) {
                reducedGroups++;
                lastReduced = g;
            }
        }
        if (reducedGroups == 0 || (reducedGroups == 1 && lastReduced == groups.size() - 1)) {
            return new LanePlan(o, r, Layout.CONTIGUOUS, 1, null, null);
        }
        if (reducedGroups == 1 && lastReduced == groups.size() - 2) {
            return new LanePlan(o, r, Layout.STRIDED, groups.getLast()[0], null, null);
        }
        int[] strides = in.strides();
        List<Integer> keptSizes = new ArrayList<>();
        List<Integer> keptStrides = new ArrayList<>();
        List<Integer> redSizes = new ArrayList<>();
        List<Integer> redStrides = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            (reduced[i] ? redSizes : keptSizes).add(dims[i]);
            (reduced[i] ? redStrides : keptStrides).add(strides[i]);
        }
        return new LanePlan(o, r, Layout.TABLE, 0, offsets(keptSizes, keptStrides, o),
                offsets(redSizes, redStrides, r));
    }

    /** Flat offsets of every index over {@code sizes} (row-major order) with the given element strides. */
    private static int[] offsets(List<Integer> sizes, List<Integer> strides, int count) {
        int[] out = new int[count];
        int nd = sizes.size();
        int[] idx = new int[nd];
        int pos = 0;
        for (int f = 0; f < count; f++) {
            out[f] = pos;
            for (int d = nd - 1; d >= 0; d--) {
                idx[d]++;
                pos += strides.get(d);
                if (idx[d] < sizes.get(d)) {
                    break;
                }
                pos -= strides.get(d) * idx[d];
                idx[d] = 0;
            }
        }
        return out;
    }

    /** Number of lanes (output elements). */
    public int outputs() {
        return outputs;
    }

    /** Elements per lane. */
    public int laneLength() {
        return laneLength;
    }

    /** Flat input index of element 0 of lane {@code o}. */
    public int base(int o) {
        return switch (layout) {
            case CONTIGUOUS -> o * laneLength;
            case STRIDED -> (o / stride) * laneLength * stride + o % stride;
            case TABLE -> baseTable[o];
        };
    }

    /** Offset of lane element {@code r} from the lane's base. */
    public int offset(int r) {
        return switch (layout) {
            case CONTIGUOUS -> r;
            case STRIDED -> r * stride;
            case TABLE -> offsetTable[r];
        };
    }

    /** Copies lane elements {@code [r0, r0 + n)} of the lane at {@code base} into {@code buf} as doubles. */
    public void gather(DType t, Object data, int base, int r0, int n, double[] buf) {
        switch (data) {
            case float[] a -> {
                if (layout == Layout.CONTIGUOUS) {
                    int s = base + r0;
                    for (int i = 0; i < n; i++) {
                        buf[i] = a[s + i];
                    }
                } else if (layout == Layout.STRIDED) {
                    int s = base + r0 * stride;
                    for (int i = 0; i < n; i++) {
                        buf[i] = a[s + i * stride];
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        buf[i] = a[base + offsetTable[r0 + i]];
                    }
                }
            }
            case double[] a -> {
                for (int i = 0; i < n; i++) {
                    buf[i] = a[base + offset(r0 + i)];
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    buf[i] = Storage.get(t, data, base + offset(r0 + i));
                }
            }
        }
    }

    /**
     * Lanes are processed in tiles of up to {@code width} neighbours: in the strided layout neighbouring lanes sit
     * side by side in memory, so reading them together touches each cache line once. Elsewhere a tile is one lane.
     */
    public int tileCount(int width) {
        if (layout != Layout.STRIDED) {
            return outputs;
        }
        return outputs / stride * ((stride + width - 1) / width);
    }

    /** The first lane of tile {@code tile}. */
    public int tileStart(int tile, int width) {
        if (layout != Layout.STRIDED) {
            return tile;
        }
        int perGroup = (stride + width - 1) / width;
        return tile / perGroup * stride + tile % perGroup * width;
    }

    /** The number of lanes in the tile starting at lane {@code o}. */
    public int tileWidth(int o, int width) {
        return layout != Layout.STRIDED ? 1 : Math.min(width, stride - o % stride);
    }

    /** Copies elements {@code [r0, r0 + n)} of the {@code w} lanes from lane {@code o} into {@code bufs[0..w)}. */
    public void gatherTile(DType t, Object data, int o, int w, int r0, int n, double[][] bufs) {
        if (w == 1) {
            gather(t, data, base(o), r0, n, bufs[0]);
            return;
        }
        int base = base(o);
        switch (data) {
            case float[] a -> {
                for (int i = 0; i < n; i++) {
                    int row = base + (r0 + i) * stride;
                    for (int k = 0; k < w; k++) {
                        bufs[k][i] = a[row + k];
                    }
                }
            }
            case double[] a -> {
                for (int i = 0; i < n; i++) {
                    int row = base + (r0 + i) * stride;
                    for (int k = 0; k < w; k++) {
                        bufs[k][i] = a[row + k];
                    }
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    int row = base + (r0 + i) * stride;
                    for (int k = 0; k < w; k++) {
                        bufs[k][i] = Storage.get(t, data, row + k);
                    }
                }
            }
        }
    }

    /**
     * Copies elements {@code [r0, r0 + n)} of the {@code w} lanes from lane {@code o} into {@code tile}, position by
     * position: element {@code r0 + i} of lane {@code o + k} at {@code tile[i * w + k]} (the layout of
     * {@link LaneMath#blockTile}). Strided plans only, whose neighbouring lanes are neighbouring elements.
     */
    public void gatherTileRows(DType t, Object data, int o, int w, int r0, int n, double[] tile) {
        int base = base(o);
        switch (data) {
            case float[] a -> {
                for (int i = 0; i < n; i++) {
                    int row = base + (r0 + i) * stride;
                    int at = i * w;
                    for (int k = 0; k < w; k++) {
                        tile[at + k] = a[row + k];
                    }
                }
            }
            case double[] a -> {
                for (int i = 0; i < n; i++) {
                    System.arraycopy(a, base + (r0 + i) * stride, tile, i * w, w);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    int row = base + (r0 + i) * stride;
                    for (int k = 0; k < w; k++) {
                        tile[i * w + k] = Storage.get(t, data, row + k);
                    }
                }
            }
        }
    }

    /** Copies lane elements {@code [r0, r0 + n)} of the lane at {@code base} into {@code buf} as exact longs. */
    public void gatherLong(DType t, Object data, int base, int r0, int n, long[] buf) {
        for (int i = 0; i < n; i++) {
            buf[i] = Storage.getLong(t, data, base + offset(r0 + i));
        }
    }
}
