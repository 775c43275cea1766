package dev.kiln.random;

import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.Ops;

import java.util.List;
import java.util.Map;

/**
 * Kiln's random numbers, like {@code mx.random}: a process-wide generator that the random ops draw from, reset by
 * {@link #seed(long)}, and sampling methods that take an explicit {@link Generator} instead. Every method runs the
 * op definitions ({@code _random_uniform}, ...), so eager calls and these methods give the same values for the same
 * generator state.
 */
public final class Random {
    private static volatile Generator global = new Generator(System.nanoTime() ^ 0x5DEECE66DL);
    private static final ThreadLocal<Generator> SCOPED = new ThreadLocal<>();

    private Random() {
    }

    /** Reseeds the global generator, like {@code mx.random.seed(seed)}: later draws repeat for the same seed. */
    public static void seed(long seed) {
        global = new Generator(seed);
    }

    /**
     * The generator the random ops draw from: this thread's scoped one inside {@link #withGenerator}, else the
     * process-wide one.
     */
    public static Generator global() {
        Generator scoped = SCOPED.get();
        return scoped != null ? scoped : global;
    }

    /**
     * Runs {@code body} with {@code generator} as this thread's source for the random ops, then restores what was
     * there. A data loader uses it so that a random augmentation of a sample draws the same numbers whichever worker
     * thread loads it.
     */
    public static <T> T withGenerator(Generator generator, java.util.function.Supplier<T> body) {
        Generator previous = SCOPED.get();
        SCOPED.set(generator);
        try {
            return body.get();
        } finally {
            if (previous == null) {
                SCOPED.remove();
            } else {
                SCOPED.set(previous);
            }
        }
    }

    /** Float32 CPU values uniform on {@code [low, high)}, from the global generator. */
    public static NDArray uniform(double low, double high, int... shape) {
        return uniform(global(), low, high, Shape.of(shape), DType.FLOAT32, Device.cpu());
    }

    /** Values uniform on {@code [low, high)} from {@code generator}. */
    public static NDArray uniform(Generator generator, double low, double high, Shape shape, DType dtype,
                                  Device device) {
        return single(UniformOp.INSTANCE.invokeWith(generator, Ops.attrs("low", low, "high", high, "shape", shape,
                "dtype", dtype, "ctx", device.toString())));
    }

    /** Float32 CPU normal values, from the global generator. */
    public static NDArray normal(double loc, double scale, int... shape) {
        return normal(global(), loc, scale, Shape.of(shape), DType.FLOAT32, Device.cpu());
    }

    /** Normal values with mean {@code loc} and standard deviation {@code scale} from {@code generator}. */
    public static NDArray normal(Generator generator, double loc, double scale, Shape shape, DType dtype,
                                 Device device) {
        return single(NormalOp.INSTANCE.invokeWith(generator, Ops.attrs("loc", loc, "scale", scale, "shape", shape,
                "dtype", dtype, "ctx", device.toString())));
    }

    /** Int32 CPU integers in {@code [low, high)}, from the global generator. */
    public static NDArray randint(long low, long high, int... shape) {
        return randint(global(), low, high, Shape.of(shape), DType.INT32, Device.cpu());
    }

    /** Integers in {@code [low, high)} (int32 or int64) from {@code generator}. */
    public static NDArray randint(Generator generator, long low, long high, Shape shape, DType dtype,
                                  Device device) {
        return single(RandIntOp.INSTANCE.invokeWith(generator, Ops.attrs("low", low, "high", high, "shape", shape,
                "dtype", dtype, "ctx", device.toString())));
    }

    /** A copy of {@code data} with its first-axis slices shuffled, from the global generator. */
    public static NDArray shuffle(NDArray data) {
        return shuffle(global(), data);
    }

    /** A copy of {@code data} with its first-axis slices shuffled by {@code generator}. */
    public static NDArray shuffle(Generator generator, NDArray data) {
        return single(ShuffleOp.INSTANCE.invokeWith(generator, Map.of(), data));
    }

    /** {@code sampleShape} int32 category indices per distribution in {@code probabilities}' last axis. */
    public static NDArray multinomial(NDArray probabilities, int... sampleShape) {
        return multinomial(global(), probabilities, sampleShape);
    }

    /** Category indices drawn by {@code generator}; see {@code _sample_multinomial}. */
    public static NDArray multinomial(Generator generator, NDArray probabilities, int... sampleShape) {
        return single(MultinomialOp.INSTANCE.invokeWith(generator, Ops.attrs("shape", Shape.of(sampleShape)),
                probabilities));
    }

    /** Indices and their log probabilities ({@code get_prob=True}). */
    public static List<NDArray> multinomialWithLogProb(Generator generator, NDArray probabilities,
                                                       int... sampleShape) {
        return MultinomialOp.INSTANCE.invokeWith(generator, Ops.attrs("shape", Shape.of(sampleShape),
                "get_prob", true), probabilities);
    }

    private static NDArray single(List<NDArray> out) {
        return out.get(0);
    }
}
