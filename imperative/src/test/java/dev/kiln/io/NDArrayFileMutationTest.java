package dev.kiln.io;

import dev.kiln.KilnException;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A deterministic mutation fuzzer for the NDArray file reader: thousands of truncations, bit flips, overwritten
 * length fields and spliced bytes of valid files, each of which must either load or fail with a
 * {@link KilnException} naming the source (never an OutOfMemoryError, IndexOutOfBounds or any other type).
 */
class NDArrayFileMutationTest {
    private static final long SEED = 0x5EEDL;
    private static final int MUTANTS_PER_FILE = 1500;
    /** Values that break length fields: zero, one, negative, just past the file, and the type limits. */
    private static final long[] HOSTILE = {0, 1, -1, -2, 31, 32, 33, 255, 1L << 31, (1L << 31) - 1, 1L << 32,
        (1L << 32) - 1, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, 0xF993FAC8L, 0xF993FAC9L, 0xF993FACAL,
        0x112};

    private static final List<String> SEEDS = List.of("params_every_dtype.params", "params_v3_list.params",
            "params_gpu_device.params", "params_legacy_v0.params", "params_legacy_v1.params");

    @Test
    void mutatedFilesLoadOrFailWithAKilnException() {
        SplittableRandom random = new SplittableRandom(SEED);
        int loaded = 0;
        int rejected = 0;
        for (String name : SEEDS) {
            byte[] original = NDArrayFileTest.fixture(name);
            for (int m = 0; m < MUTANTS_PER_FILE; m++) {
                StringBuilder how = new StringBuilder(name);
                byte[] mutant = mutate(original, random, how);
                try {
                    NDArrayFile.Contents c = NDArrayFile.read(mutant, "mutant");
                    assertThat(c.keys().isEmpty() || c.keys().size() == c.arrays().size()).isTrue();
                    loaded++;
                } catch (KilnException e) {
                    // the reader's last-resort wrapping of stray runtime exceptions must never be needed
                    assertThat(e.getMessage()).as(how.toString()).startsWith("cannot read mutant: ")
                            .doesNotContain(NDArrayFileReader.MALFORMED);
                    rejected++;
                } catch (Throwable t) {
                    fail("mutant " + how + " of " + mutant.length + " bytes threw " + t, t);
                }
            }
        }
        // both outcomes must actually occur, or the mutations are too weak (or too strong) to test anything
        assertThat(loaded).isGreaterThan(100);
        assertThat(rejected).isGreaterThan(SEEDS.size() * MUTANTS_PER_FILE / 2);
    }

    private static byte[] mutate(byte[] original, SplittableRandom random, StringBuilder how) {
        byte[] b = original.clone();
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            int kind = random.nextInt(5);
            int at = random.nextInt(Math.max(1, b.length));
            switch (kind) {
                case 0 -> {
                    how.append(" truncate@").append(at);
                    b = Arrays.copyOf(b, at);
                }
                case 1 -> {
                    int bit = random.nextInt(8);
                    how.append(" flip@").append(at).append('.').append(bit);
                    if (b.length > 0) {
                        b[at] ^= (byte) (1 << bit);
                    }
                }
                case 2, 3 -> {
                    // overwrite an aligned 4- or 8-byte field, where counts, ranks, dims and lengths live
                    int width = kind == 2 ? 4 : 8;
                    int pos = (at / width) * width;
                    long value = random.nextInt(4) == 0 ? random.nextLong() : HOSTILE[random.nextInt(HOSTILE.length)];
                    how.append(" field").append(width).append('@').append(pos).append('=').append(value);
                    if (pos + width <= b.length) {
                        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                        if (width == 4) {
                            buf.putInt(pos, (int) value);
                        } else {
                            buf.putLong(pos, value);
                        }
                    }
                }
                default -> {
                    int len = random.nextInt(1, 17);
                    boolean insert = random.nextBoolean();
                    how.append(insert ? " insert@" : " delete@").append(at).append('x').append(len);
                    b = insert ? splice(b, at, new byte[len], random) : delete(b, at, len);
                }
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int at, byte[] extra, SplittableRandom random) {
        for (int i = 0; i < extra.length; i++) {
            extra[i] = (byte) random.nextInt(256);
        }
        byte[] out = new byte[b.length + extra.length];
        int cut = Math.min(at, b.length);
        System.arraycopy(b, 0, out, 0, cut);
        System.arraycopy(extra, 0, out, cut, extra.length);
        System.arraycopy(b, cut, out, cut + extra.length, b.length - cut);
        return out;
    }

    private static byte[] delete(byte[] b, int at, int len) {
        int from = Math.min(at, b.length);
        int to = Math.min(b.length, from + len);
        byte[] out = new byte[b.length - (to - from)];
        System.arraycopy(b, 0, out, 0, from);
        System.arraycopy(b, to, out, from, b.length - to);
        return out;
    }
}
