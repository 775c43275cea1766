package dev.kiln.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A short, deterministic mutation fuzzer for the test suite: it starts from the seed files a Jazzer fuzz test keeps
 * in {@code <TestClass>Inputs/<method>/}, applies a fixed-seed sequence of byte-level mutations (bit flips, hostile
 * integers in length fields, insertions, deletions, truncations, splices, runs of brackets) and hands every input to
 * the property; an input that takes more than 10 s is a finding too. It is the in-suite counterpart of Jazzer's
 * coverage-guided runs (which are too slow and too timing-dependent for a build): the same inputs come out on every
 * machine, so it never flakes.
 */
public final class FuzzLoop {
    /** The property under test; it throws (anything) for a finding. */
    @FunctionalInterface
    public interface Target {
        void accept(byte[] data) throws Exception;
    }

    private static final long[] HOSTILE = {0, 1, -1, 0x7F, 0x80, 0xFF, 0x7FFF, 0xFFFF, 0x7FFF_FFFFL, 0x8000_0000L,
            0xFFFF_FFFFL, 1L << 32, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, 64, 65, 1 << 20, 1 << 30};
    private static final byte[][] TOKENS = {"[".repeat(4096).getBytes(), "{\"a\":".repeat(2048).getBytes(),
            "((((((((".getBytes(), "\u0000".getBytes(), "\"".getBytes(), "\\u".getBytes(), "99999999999999999999"
            .getBytes(), "-1".getBytes(), "1e999".getBytes(), "../".getBytes(), "/".getBytes(), "=".getBytes(),
            "\n".getBytes()};

    /** One input taking longer than this is a finding: inputs are a few KiB, so a reader should take milliseconds. */
    private static final long SLOW_MILLIS = 10_000;

    private FuzzLoop() {
    }

    /**
     * Runs {@code target} on every seed of {@code testClass}'s fuzz method {@code method}, then on {@code runs}
     * mutants drawn with {@code seed}; returns the number of inputs run. A finding fails with the seed, the input's
     * number and its bytes (also written to {@code target/fuzz-findings/}).
     */
    public static int run(Class<?> testClass, String method, long seed, int runs, Target target) {
        List<byte[]> seeds = seeds(testClass, method);
        if (seeds.isEmpty()) {
            throw new IllegalStateException("no seed inputs for " + testClass.getSimpleName() + "." + method);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int done = 0;
        for (byte[] s : seeds) {
            check(target, s, testClass, method, seed, done++);
        }
        for (int i = 0; i < runs; i++) {
            byte[] input = seeds.get(random.nextInt(seeds.size()));
            int rounds = 1 + random.nextInt(4);
            for (int r = 0; r < rounds; r++) {
                input = mutate(input, random, seeds);
            }
            check(target, input, testClass, method, seed, done++);
        }
        return done;
    }

    /** One file that a reader taking a path is fuzzed through, rewritten for every input. */
    public record Scratch(Path file) {
        /** Writes {@code data} to the file and returns its path. */
        public Path holding(byte[] data) {
            try {
                return Files.write(file, data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * A new scratch file, deleted when the JVM exits; on a memory file system ({@code /dev/shm}) where there is one,
     * since a disk write per input would dominate the run.
     */
    public static Scratch scratch(String suffix) {
        Path shm = Path.of("/dev/shm");
        try {
            Path file = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempFile(shm, "kiln-fuzz", suffix) : Files.createTempFile("kiln-fuzz", suffix);
            file.toFile().deleteOnExit();
            return new Scratch(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The seed files, in name order. */
    static List<byte[]> seeds(Class<?> testClass, String method) {
        String dir = testClass.getSimpleName() + "Inputs/" + method;
        URL url = testClass.getResource(dir);
        if (url == null) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
            List<byte[]> out = new ArrayList<>();
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                out.add(Files.readAllBytes(p));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void check(Target target, byte[] input, Class<?> testClass, String method, long seed, int n) {
        long start = System.nanoTime();
        try {
            target.accept(input);
            long millis = (System.nanoTime() - start) / 1_000_000;
            if (millis > SLOW_MILLIS) {
                throw new AssertionError("the reader took " + millis + " ms on one input (a hang, or work out of "
                        + "proportion to the input)");
            }
        } catch (Throwable t) {
            String name = testClass.getSimpleName() + "." + method + "-seed" + seed + "-input" + n;
            Path saved = Path.of("target", "fuzz-findings", name);
            try {
                Files.createDirectories(saved.getParent());
                Files.write(saved, input);
            } catch (IOException ignored) {
                // the failure below carries the bytes as well
            }
            byte[] head = Arrays.copyOf(input, Math.min(input.length, 256));
            throw new AssertionError("fuzz input " + n + " (seed " + seed + ", " + input.length + " bytes, saved to "
                    + saved + ") raised " + t + "\nfirst bytes: " + HexFormat.of().formatHex(head), t);
        }
    }

    /** One random mutation of {@code in}. */
    static byte[] mutate(byte[] in, SplittableRandom r, List<byte[]> seeds) {
        int n = in.length;
        switch (r.nextInt(9)) {
            case 0 -> {
                if (n == 0) {
                    return new byte[] {(byte) r.nextInt(256)};
                }
                byte[] out = in.clone();
                int at = r.nextInt(n);
                out[at] ^= (byte) (1 << r.nextInt(8));
                return out;
            }
            case 1 -> {
                if (n == 0) {
                    return in;
                }
                byte[] out = in.clone();
                out[r.nextInt(n)] = (byte) r.nextInt(256);
                return out;
            }
            case 2 -> {
                int width = 1 << r.nextInt(4);
                if (n < width) {
                    return in;
                }
                byte[] out = in.clone();
                long v = HOSTILE[r.nextInt(HOSTILE.length)];
                ByteBuffer b = ByteBuffer.allocate(8).order(r.nextBoolean() ? ByteOrder.LITTLE_ENDIAN
                        : ByteOrder.BIG_ENDIAN).putLong(v);
                System.arraycopy(b.array(), b.order() == ByteOrder.LITTLE_ENDIAN ? 0 : 8 - width, out,
                        r.nextInt(n - width + 1), width);
                return out;
            }
            case 3 -> {
                return n == 0 ? in : Arrays.copyOf(in, r.nextInt(n));
            }
            case 4 -> {
                if (n == 0) {
                    return in;
                }
                int from = r.nextInt(n);
                int len = 1 + r.nextInt(Math.min(64, n - from));
                return concat(Arrays.copyOf(in, from), Arrays.copyOfRange(in, from + len, n));
            }
            case 5 -> {
                byte[] extra = new byte[1 + r.nextInt(16)];
                r.nextBytes(extra);
                return insert(in, r.nextInt(n + 1), extra);
            }
            case 6 -> {
                return insert(in, r.nextInt(n + 1), TOKENS[r.nextInt(TOKENS.length)]);
            }
            case 7 -> {
                if (n == 0) {
                    return in;
                }
                int from = r.nextInt(n);
                int len = 1 + r.nextInt(Math.min(256, n - from));
                return insert(in, r.nextInt(n + 1), Arrays.copyOfRange(in, from, from + len));
            }
            default -> {
                byte[] other = seeds.get(r.nextInt(seeds.size()));
                int cut = r.nextInt(n + 1);
                int otherCut = r.nextInt(other.length + 1);
                return concat(Arrays.copyOf(in, cut), Arrays.copyOfRange(other, otherCut, other.length));
            }
        }
    }

    private static byte[] insert(byte[] in, int at, byte[] what) {
        return concat(concat(Arrays.copyOf(in, at), what), Arrays.copyOfRange(in, at, in.length));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
