package dev.kiln.ndarray;

import dev.kiln.KilnException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * MXNet's reshape special codes (0, -1, -2, -3, -4 and {@code reverse}), applied to a shape. Unknown input dims (of a
 * partial shape, in graph inference) give unknown output dims wherever they count, as in MXNet's reshape inference.
 */
final class ReshapeCodes {
    private ReshapeCodes() {
    }

    static Shape apply(Shape in, int[] spec, boolean reverse) {
        int[] src = in.dims();
        int[] codes = spec.clone();
        if (reverse) {
            reverseInPlace(src);
            codes = reverseSpec(codes);
        }
        List<Integer> out = new ArrayList<>();
        int inferIndex = -1;
        int si = 0;
        for (int i = 0; i < codes.length; i++) {
            int c = codes[i];
            switch (c) {
                case 0 -> {
                    requireSource(in, spec, si, src.length, "0");
                    out.add(src[si++]);
                }
                case -1 -> {
                    if (inferIndex >= 0) {
                        throw error(in, spec, "more than one -1");
                    }
                    inferIndex = out.size();
                    out.add(-1);
                    si++;
                }
                case -2 -> {
                    while (si < src.length) {
                        out.add(src[si++]);
                    }
                }
                case -3 -> {
                    requireSource(in, spec, si + 1, src.length, "-3");
                    out.add(src[si] == Shape.UNKNOWN || src[si + 1] == Shape.UNKNOWN ? Shape.UNKNOWN
                            : src[si] * src[si + 1]);
                    si += 2;
                }
                case -4 -> {
                    if (i + 2 >= codes.length) {
                        throw error(in, spec, "-4 must be followed by two dims");
                    }
                    requireSource(in, spec, si, src.length, "-4");
                    int d = src[si++];
                    int a = codes[++i];
                    int b = codes[++i];
                    if (a < -1 || b < -1 || (a == -1 && b == -1)) {
                        throw error(in, spec, "-4 split needs two dims >= -1, at most one of them -1");
                    }
                    if (d == Shape.UNKNOWN) {
                        out.add(a);
                        out.add(b);
                        continue;
                    }
                    if (a == -1) {
                        a = b == 0 ? 0 : d / b;
                    }
                    if (b == -1) {
                        b = a == 0 ? 0 : d / a;
                    }
                    if ((long) a * b != d) {
                        throw error(in, spec, "-4 split of " + d + " into " + a + " x " + b + " does not match");
                    }
                    out.add(a);
                    out.add(b);
                }
                default -> {
                    if (c < -4) {
                        throw error(in, spec, "unknown code " + c);
                    }
                    out.add(c);
                    si++;
                }
            }
        }
        long known = 1;
        boolean partial = !in.isKnown();
        for (int i = 0; i < out.size(); i++) {
            if (i != inferIndex) {
                known *= out.get(i);
                partial |= out.get(i) == Shape.UNKNOWN;
            }
        }
        // with an unknown dim on either side the -1 dim stays unknown and the sizes cannot be checked yet
        if (!partial) {
            long total = in.sizeLong();
            if (inferIndex >= 0) {
                if (known == 0 || total % known != 0) {
                    throw error(in, spec, "cannot infer the -1 dim: " + total + " elements do not divide by "
                            + known);
                }
                out.set(inferIndex, (int) (total / known));
            } else if (known != total) {
                throw error(in, spec, "target has " + known + " elements, input has " + total);
            }
        }
        int[] dims = out.stream().mapToInt(Integer::intValue).toArray();
        if (reverse) {
            reverseInPlace(dims);
        }
        return Shape.partial(dims);
    }

    /** Reverses the code list while keeping each {@code -4 a b} group in its original order of a and b. */
    private static int[] reverseSpec(int[] codes) {
        List<int[]> groups = new ArrayList<>();
        for (int i = 0; i < codes.length; i++) {
            if (codes[i] == -4 && i + 2 < codes.length) {
                groups.add(new int[] {-4, codes[i + 2], codes[i + 1]});
                i += 2;
            } else {
                groups.add(new int[] {codes[i]});
            }
        }
        int[] out = new int[codes.length];
        int k = 0;
        for (int g = groups.size() - 1; g >= 0; g--) {
            for (int v : groups.get(g)) {
                out[k++] = v;
            }
        }
        return out;
    }

    private static void reverseInPlace(int[] a) {
        for (int i = 0, j = a.length - 1; i < j; i++, j--) {
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    private static void requireSource(Shape in, int[] spec, int index, int length, String code) {
        if (index >= length) {
            throw error(in, spec, "code " + code + " has no input dim left to use");
        }
    }

    private static KilnException error(Shape in, int[] spec, String why) {
        return new KilnException("Reshape: cannot reshape " + in + " with shape=" + Arrays.toString(spec) + ": " + why);
    }
}
