package dev.kiln.ndarray;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.io.NDArrayFile;
import dev.kiln.op.Ops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Deferred arrays: the source runs once, on the first access to the contents through any method or view made
 * before it, never for queries that do not need the contents, once under concurrent first reads, and its failure
 * names the array.
 */
class DeferredNDArrayTest {
    /** A source writing 1, 2, 3, ... (as the dtype holds them), counting its runs. */
    private static final class Counting implements PendingContents {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        public void writeInto(Object backingArray) {
            runs.incrementAndGet();
            switch (backingArray) {
                case float[] f -> {
                    for (int i = 0; i < f.length; i++) {
                        f[i] = i + 1;
                    }
                }
                case double[] d -> java.util.Arrays.setAll(d, i -> i + 1);
                case long[] l -> java.util.Arrays.setAll(l, i -> i + 1);
                default -> throw new IllegalArgumentException(backingArray.getClass().getSimpleName());
            }
        }
    }

    private static NDArray deferred(Counting source, int... dims) {
        return NDArray.deferred(Shape.of(dims), DType.FLOAT32, Device.gpu(0), source);
    }

    /** Asserts that {@code access} on a fresh pending 2x3 array (or on {@code view} of it) runs the source once. */
    private static void assertFillsOnce(String what, java.util.function.UnaryOperator<NDArray> view,
                                        Consumer<NDArray> access) {
        Counting source = new Counting();
        NDArray a = deferred(source, 2, 3);
        NDArray through = view.apply(a);
        assertThat(source.runs).as(what + ": before the access").hasValue(0);
        assertThat(through.isPending()).as(what).isTrue();
        access.accept(through);
        assertThat(source.runs).as(what).hasValue(1);
        assertThat(a.isPending()).as(what + ": the original").isFalse();
        assertThat(through.isPending()).as(what + ": the array accessed").isFalse();
        access.accept(through);
        a.data();
        assertThat(source.runs).as(what + ": accessed again").hasValue(1);
    }

    private static final List<Map.Entry<String, Consumer<NDArray>>> ACCESSES = accesses();

    private static List<Map.Entry<String, Consumer<NDArray>>> accesses() {
        Map<String, Consumer<NDArray>> m = new LinkedHashMap<>();
        m.put("data", a -> assertThat((float[]) a.data()).startsWith(1f, 2f));
        m.put("floatData", a -> assertThat(a.floatData()[0]).isEqualTo(1f));
        m.put("getDouble(flat)", a -> assertThat(a.getDouble(a.size() - 1)).isEqualTo(6));
        m.put("getDouble(index)", a -> a.getDouble(new int[a.rank()]));
        m.put("setDouble", a -> a.setDouble(0, 5));
        m.put("fill", a -> a.fill(0));
        m.put("toFloatArray", a -> assertThat(a.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6));
        m.put("toDoubleArray", a -> assertThat(a.toDoubleArray()).containsExactly(1, 2, 3, 4, 5, 6));
        m.put("toIntArray", a -> assertThat(a.toIntArray()).containsExactly(1, 2, 3, 4, 5, 6));
        m.put("toLongArray", a -> assertThat(a.toLongArray()).containsExactly(1, 2, 3, 4, 5, 6));
        m.put("toBooleanArray", a -> assertThat(a.toBooleanArray()).containsOnly(true));
        m.put("toJavaArray", a -> assertThat(a.toJavaArray()).isNotNull());
        m.put("copy", a -> assertThat(a.copy().toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6));
        m.put("astype", a -> assertThat(a.astype(DType.INT32).toIntArray()).containsExactly(1, 2, 3, 4, 5, 6));
        m.put("copyTo(device)", a -> assertThat(a.copyTo(Device.cpu()).getDouble(2)).isEqualTo(3));
        m.put("asInDevice", a -> assertThat(a.asInDevice(Device.cpu()).getDouble(3)).isEqualTo(4));
        m.put("copyTo(array) as source", a -> assertThat(a.copyTo(NDArray.zeros(a.shape(), DType.FLOAT64,
                Device.cpu())).getDouble(4)).isEqualTo(5));
        m.put("copyTo(array) as target", a -> {
            NDArray.zeros(a.shape(), DType.FLOAT32, Device.cpu()).copyTo(a);
            assertThat(a.toFloatArray()).containsOnly(0f);
        });
        m.put("an in-place op", a -> a.mulInPlace(2));
        m.put("an op reading it", a -> assertThat(Ops.call("_plus_scalar", Map.of("scalar", 1.0), a)
                .toFloatArray()).containsExactly(2, 3, 4, 5, 6, 7));
        m.put("toString", a -> assertThat(a.toString()).contains("1.", "6."));
        return new ArrayList<>(m.entrySet());
    }

    @Test
    void everyAccessToTheContentsRunsTheSourceOnceAndOnlyThen() {
        for (var e : ACCESSES) {
            assertFillsOnce(e.getKey(), a -> a, e.getValue());
        }
    }

    @Test
    void viewsMadeBeforeTheContentsArrivedShareThePendingState() {
        for (var e : ACCESSES) {
            if (!e.getKey().startsWith("getDouble(index)")) {
                assertFillsOnce(e.getKey() + " through a reshaped view", a -> a.reshape(3, 2), e.getValue());
            }
            assertFillsOnce(e.getKey() + " through a detached view", NDArray::detach, e.getValue());
        }
        Counting source = new Counting();
        NDArray a = deferred(source, 2, 3);
        NDArray view = a.reshape(6);
        a.getDouble(0);
        assertThat(view.isPending()).as("a view made before, after the original was read").isFalse();
        assertThat(view.getDouble(5)).isEqualTo(6);
        assertThat(a.reshape(3, 2).isPending()).as("a view made after").isFalse();
        assertThat(source.runs).hasValue(1);
        assertThat(view.sharesStorageWith(a)).isTrue();
    }

    @Test
    void queriesThatDoNotNeedTheContentsLeaveThemPending() {
        Counting source = new Counting();
        NDArray a = deferred(source, 2, 3);
        assertThat(a.shape()).isEqualTo(Shape.of(2, 3));
        assertThat(a.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(a.device()).isEqualTo(Device.gpu(0));
        assertThat(a.size()).isEqualTo(6);
        assertThat(a.rank()).isEqualTo(2);
        assertThat(a.mutationCount()).isZero();
        assertThat(a.pendingContents()).isSameAs(source);
        NDArray view = a.reshape(6);
        assertThat(view.sharesStorageWith(a)).isTrue();
        assertThat(view.pendingContents()).isSameAs(source);
        a.attachGrad();
        assertThat(a.grad().toFloatArray()).containsOnly(0f);
        assertThat(source.runs).hasValue(0);
        assertThat(a.isPending()).isTrue();
        a.getDouble(0);
        assertThat(a.pendingContents()).isNull();
        assertThat(view.pendingContents()).isNull();
    }

    @Test
    void producingTheContentsIsNotAMutationButLaterWritesAre() {
        NDArray a = deferred(new Counting(), 3);
        NDArray view = a.reshape(1, 3);
        assertThat(a.getDouble(1)).isEqualTo(2);
        assertThat(a.mutationCount()).isZero();
        view.setDouble(0, 4);
        assertThat(a.mutationCount()).isEqualTo(1);
        assertThat(a.getDouble(0)).isEqualTo(4);
    }

    @Test
    void otherDtypesAndAutogradAndSavingReadTheContents(@TempDir Path dir) {
        Counting doubles = new Counting();
        NDArray d = NDArray.deferred(Shape.of(2), DType.FLOAT64, Device.cpu(), doubles);
        assertThat(d.doubleData()).containsExactly(1, 2);
        Counting longs = new Counting();
        NDArray one = NDArray.deferred(Shape.of(1), DType.INT64, Device.cpu(), longs);
        assertThat(one.asLong()).isEqualTo(1);
        assertThat(NDArray.deferred(Shape.scalar(), DType.FLOAT32, Device.cpu(), new Counting()).asFloat())
                .isEqualTo(1f);

        Counting recorded = new Counting();
        NDArray x = NDArray.deferred(Shape.of(3), DType.FLOAT32, Device.cpu(), recorded);
        x.attachGrad();
        NDArray y;
        try (var ignored = Autograd.record()) {
            y = Ops.call("square", x);
        }
        y.backward();
        assertThat(x.grad().toFloatArray()).containsExactly(2, 4, 6);
        assertThat(recorded.runs).hasValue(1);

        Counting saved = new Counting();
        NDArray s = NDArray.deferred(Shape.of(2, 2), DType.FLOAT32, Device.cpu(), saved);
        Path file = dir.resolve("deferred.params");
        NDArrayFile.save(file, Map.of("s", s));
        assertThat(saved.runs).hasValue(1);
        assertThat(NDArrayFile.loadDict(file).get("s").toFloatArray()).containsExactly(1, 2, 3, 4);
    }

    @Test
    void concurrentFirstReadsRunTheSourceOnceAndAllSeeItsValues() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        NDArray a = NDArray.deferred(Shape.of(1000), DType.FLOAT32, Device.gpu(0), data -> {
            runs.incrementAndGet();
            float[] f = (float[]) data;
            for (int i = 0; i < f.length; i++) {
                f[i] = i;
                Thread.onSpinWait();
            }
        });
        List<NDArray> views = List.of(a, a.reshape(10, 100), a.detach(), a.reshape(1000));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Double>> sums = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                NDArray v = views.get(t % views.size());
                sums.add(pool.submit(() -> {
                    started.await();
                    double sum = 0;
                    for (float f : v.toFloatArray()) {
                        sum += f;
                    }
                    return sum;
                }));
            }
            started.countDown();
            for (Future<Double> s : sums) {
                assertThat(s.get()).isEqualTo(999 * 1000 / 2.0);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(runs).hasValue(1);
    }

    @Test
    void aFailingSourceIsReportedNamingTheArrayOnEveryAccessAndNotRunAgain() {
        AtomicInteger runs = new AtomicInteger();
        NDArray a = NDArray.deferred(Shape.of(2, 3), DType.FLOAT32, Device.gpu(1), new PendingContents() {
            @Override
            public void writeInto(Object backingArray) {
                runs.incrementAndGet();
                throw new IllegalStateException("device lost");
            }

            @Override
            public String describe() {
                return "output 'fc1_output' of a test segment";
            }
        });
        NDArray view = a.reshape(6);
        for (NDArray x : List.of(a, view, a)) {
            assertThatThrownBy(x::toFloatArray).isInstanceOf(KilnException.class)
                    .hasMessageContaining("deferred array " + x.shape() + " float32 @gpu(1)")
                    .hasMessageContaining("from output 'fc1_output' of a test segment")
                    .hasMessageContaining("device lost")
                    .hasRootCauseInstanceOf(IllegalStateException.class);
        }
        assertThat(runs).hasValue(1);
        assertThat(a.isPending()).as("still without contents").isTrue();
    }

    @Test
    void aDeferredArrayNeedsAKnownShapeAndASource() {
        assertThatThrownBy(() -> NDArray.deferred(Shape.partial(Shape.UNKNOWN, 2), DType.FLOAT32, Device.cpu(),
                new Counting())).isInstanceOf(KilnException.class).hasMessageContaining("partial shape");
        assertThatThrownBy(() -> NDArray.deferred(Shape.of(2), DType.FLOAT32, Device.cpu(), null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("source");
    }
}
