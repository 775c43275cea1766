package dev.kiln.data;

import dev.kiln.KilnException;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DataLoaderTest {
    /** Sample i: data [i, 10 i] as float32, label i as int32. */
    private static ArrayDataset pairs(int n) {
        float[] data = new float[2 * n];
        double[] labels = new double[n];
        for (int i = 0; i < n; i++) {
            data[2 * i] = i;
            data[2 * i + 1] = 10 * i;
            labels[i] = i;
        }
        return new ArrayDataset(NDArray.wrap(Shape.of(n, 2), data), NDArray.of(Shape.of(n), DType.INT32, labels));
    }

    /** The label column of every batch of one epoch. */
    private static List<List<Integer>> labels(DataLoader loader) {
        List<List<Integer>> out = new ArrayList<>();
        for (List<NDArray> batch : loader) {
            out.add(Arrays.stream(batch.get(1).toIntArray()).boxed().toList());
        }
        return out;
    }

    private static long liveWorkers() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("kiln-data-worker-") && t.isAlive()).count();
    }

    private static void awaitNoWorkers() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (liveWorkers() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(liveWorkers()).as("worker threads still alive").isZero();
    }

    @Test
    void batchesStackDataAndLabelsFieldByFieldWithTheLastBatchShorter() {
        DataLoader loader = DataLoader.builder(pairs(5)).batchSize(2).build();
        assertThat(loader.size()).isEqualTo(3);
        List<List<NDArray>> batches = new ArrayList<>();
        loader.forEach(batches::add);
        assertThat(batches).hasSize(3);
        assertThat(batches.get(0).get(0).shape()).isEqualTo(Shape.of(2, 2));
        assertThat(batches.get(0).get(0).toFloatArray()).containsExactly(0, 0, 1, 10);
        assertThat(batches.get(0).get(1).shape()).isEqualTo(Shape.of(2));
        assertThat(batches.get(0).get(1).dtype()).isEqualTo(DType.INT32);
        assertThat(batches.get(2).get(0).shape()).isEqualTo(Shape.of(1, 2));
        assertThat(batches.get(2).get(0).toFloatArray()).containsExactly(4, 40);
    }

    @Test
    void defaultBatchifyTurnsNumbersIntoArraysOfTheirKindAndStacksPlainArrays() {
        List<List<Object>> samples = List.of(List.of(NDArray.of(Shape.of(2), 1, 2), 3, 0.5f),
                List.of(NDArray.of(Shape.of(2), 4, 5), 6, 1.5f));
        List<NDArray> batch = DataLoader.builder(Dataset.of(samples)).batchSize(2).build().iterator().next();
        assertThat(batch.get(0).toFloatArray()).containsExactly(1, 2, 4, 5);
        assertThat(batch.get(1).dtype()).isEqualTo(DType.INT32);
        assertThat(batch.get(1).toIntArray()).containsExactly(3, 6);
        assertThat(batch.get(2).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(batch.get(2).toFloatArray()).containsExactly(0.5f, 1.5f);

        assertThat(DefaultBatchify.batchify(List.of(1, 2L)).getFirst().dtype()).isEqualTo(DType.INT64);
        assertThat(DefaultBatchify.batchify(List.of(1, 2.0)).getFirst().dtype()).isEqualTo(DType.FLOAT64);
        List<NDArray> plain = DefaultBatchify.batchify(List.of(NDArray.of(Shape.of(1), 7), NDArray.of(Shape.of(1), 8)));
        assertThat(plain).hasSize(1);
        assertThat(plain.getFirst().shape()).isEqualTo(Shape.of(2, 1));
    }

    @Test
    void batchifyNamesTheSamplesWhoseShapesDisagree() {
        Dataset<NDArray> ragged = Dataset.of(List.of(NDArray.zeros(2), NDArray.zeros(3)));
        DataLoader loader = DataLoader.builder(ragged).batchSize(2).build();
        assertThatThrownBy(() -> loader.iterator().next()).isInstanceOf(KilnException.class)
                .hasMessageContaining("batch 0")
                .hasMessageContaining("sample 0 has shape (2,) float32 but sample 1 has shape (3,) float32");
    }

    @Test
    void customBatchifyReceivesTheSamplesOfEachBatch() {
        DataLoader loader = DataLoader.builder(Dataset.of(List.of(1, 2, 3, 4))).batchSize(2)
                .batchify(samples -> List.of(NDArray.scalar(samples.stream().mapToInt(Integer::intValue).sum())))
                .build();
        List<Double> sums = new ArrayList<>();
        loader.forEach(b -> sums.add(b.getFirst().asScalar()));
        assertThat(sums).containsExactly(3.0, 7.0);
    }

    @Test
    void lastBatchModesApplyAcrossEpochs() {
        DataLoader discard = DataLoader.builder(pairs(5)).batchSize(2).lastBatch("discard").build();
        assertThat(discard.size()).isEqualTo(2);
        assertThat(labels(discard)).containsExactly(List.of(0, 1), List.of(2, 3));
        DataLoader rollover = DataLoader.builder(pairs(5)).batchSize(2).lastBatch(LastBatch.ROLLOVER).build();
        assertThat(labels(rollover)).containsExactly(List.of(0, 1), List.of(2, 3));
        assertThat(rollover.size()).isEqualTo(3);
        assertThat(labels(rollover)).containsExactly(List.of(4, 0), List.of(1, 2), List.of(3, 4));
    }

    @Test
    void shuffleWithASeedGivesTheSameBatchesWhateverTheNumberOfWorkers() {
        List<List<List<Integer>>> runs = new ArrayList<>();
        for (int workers : new int[] {0, 2, 4}) {
            DataLoader loader = DataLoader.builder(pairs(23)).batchSize(4).shuffle(true).seed(7).workers(workers)
                    .build();
            runs.add(List.of(List.of(), List.of()).stream().map(e -> labels(loader)).flatMap(List::stream).toList());
        }
        List<List<Integer>> serial = runs.getFirst();
        assertThat(serial).hasSize(12);
        assertThat(serial.subList(0, 6)).isNotEqualTo(serial.subList(6, 12));
        assertThat(serial.stream().flatMap(List::stream).sorted().toList())
                .isEqualTo(IntStream.range(0, 23).boxed().flatMap(i -> List.of(i, i).stream()).sorted().toList());
        assertThat(runs.get(1)).isEqualTo(serial);
        assertThat(runs.get(2)).isEqualTo(serial);
        DataLoader otherSeed = DataLoader.builder(pairs(23)).batchSize(4).shuffle(true).seed(8).build();
        assertThat(labels(otherSeed)).isNotEqualTo(serial.subList(0, 6));
    }

    @Test
    void randomTransformsDrawingFromSampleRandomAreReproducibleAcrossWorkerCounts() {
        Dataset<NDArray> noisy = Dataset.of(IntStream.range(0, 12).boxed().toList())
                .transform(i -> NDArray.scalar(i * 1000 + SampleRandom.current().nextInt(1000)));
        List<List<Double>> runs = new ArrayList<>();
        for (int workers : new int[] {0, 3}) {
            DataLoader loader = DataLoader.builder(noisy).batchSize(5).seed(11).workers(workers).build();
            List<Double> values = new ArrayList<>();
            for (int epoch = 0; epoch < 2; epoch++) {
                loader.forEach(b -> Arrays.stream(b.getFirst().toDoubleArray()).forEach(values::add));
            }
            runs.add(values);
        }
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
        List<Double> first = runs.get(0);
        assertThat(first.subList(0, 12)).isNotEqualTo(first.subList(12, 24));
        for (int i = 0; i < 24; i++) {
            assertThat((int) (first.get(i) / 1000)).isEqualTo(i % 12);
        }
    }

    @Test
    void randomOpsInsideASeededLoaderAreReproducibleAcrossWorkerCounts() {
        // the random ops (what RandomFlipLeftRight and friends run) draw from the loader's per-sample stream
        Dataset<NDArray> noisy = Dataset.of(IntStream.range(0, 12).boxed().toList())
                .transform(i -> dev.kiln.random.Random.uniform(0, 1, 3));
        List<List<Double>> runs = new ArrayList<>();
        for (int workers : new int[] {0, 3}) {
            dev.kiln.random.Random.seed(workers + 100); // the global generator must not matter inside the loader
            DataLoader loader = DataLoader.builder(noisy).batchSize(4).shuffle(true).seed(5).workers(workers).build();
            List<Double> values = new ArrayList<>();
            loader.forEach(b -> Arrays.stream(b.getFirst().toDoubleArray()).forEach(values::add));
            runs.add(values);
        }
        assertThat(runs.get(1)).hasSize(36).isEqualTo(runs.get(0));
        assertThat(runs.get(0).subList(0, 3)).isNotEqualTo(runs.get(0).subList(3, 6));
    }

    @Test
    void setEpochMakesTheNextEpochThatOfAnUnbrokenRunForEveryLastBatchMode() {
        for (LastBatch mode : LastBatch.values()) {
            DataLoader unbroken = DataLoader.builder(pairs(23)).batchSize(4).shuffle(true).lastBatch(mode).seed(9)
                    .build();
            List<List<Double>> epochs = new ArrayList<>();
            for (int e = 0; e < 4; e++) {
                List<Double> firsts = new ArrayList<>();
                unbroken.forEach(b -> Arrays.stream(b.getFirst().toDoubleArray()).forEach(firsts::add));
                epochs.add(firsts);
            }
            DataLoader resumed = DataLoader.builder(pairs(23)).batchSize(4).shuffle(true).lastBatch(mode).seed(9)
                    .build();
            resumed.setEpoch(3);
            List<Double> third = new ArrayList<>();
            resumed.forEach(b -> Arrays.stream(b.getFirst().toDoubleArray()).forEach(third::add));
            assertThat(third).as("%s", mode).isEqualTo(epochs.get(3)).isNotEqualTo(epochs.get(0));
        }
    }

    @Test
    void aSamplerThatCannotBePositionedSaysSo() {
        Sampler<Integer> custom = new Sampler<>() {
            @Override
            public int size() {
                return 3;
            }

            @Override
            public java.util.Iterator<Integer> iterator() {
                return List.of(2, 0, 1).iterator();
            }
        };
        DataLoader loader = DataLoader.builder(pairs(3)).batchSize(2).sampler(custom).build();
        assertThatThrownBy(() -> loader.setEpoch(1)).isInstanceOf(KilnException.class)
                .hasMessageContaining("cannot be positioned at epoch 1");
    }

    @Test
    void workersPreserveSamplerOrderAndPrefetchAhead() {
        DataLoader loader = DataLoader.builder(pairs(30)).batchSize(3).workers(3).prefetch(4).build();
        assertThat(loader.prefetch()).isEqualTo(4);
        assertThat(labels(loader)).isEqualTo(IntStream.range(0, 10)
                .mapToObj(b -> List.of(3 * b, 3 * b + 1, 3 * b + 2)).toList());
        assertThat(DataLoader.builder(pairs(4)).batchSize(1).workers(2).build().prefetch()).isEqualTo(4);
    }

    @Test
    void aWorkerFailureIsRethrownNamingTheSampleAndStopsTheWorkers() throws InterruptedException {
        Dataset<NDArray> failing = Dataset.of(IntStream.range(0, 20).boxed().toList()).transform(i -> {
            if (i == 13) {
                throw new IllegalStateException("corrupt record");
            }
            return NDArray.scalar(i);
        });
        for (int workers : new int[] {0, 2}) {
            DataLoader loader = DataLoader.builder(failing).batchSize(4).workers(workers).build();
            BatchIterator it = loader.iterator();
            it.next();
            it.next();
            it.next();
            assertThatThrownBy(it::next).isInstanceOf(KilnException.class)
                    .hasMessageContaining("loading sample 13 (batch 3) failed")
                    .hasMessageContaining("corrupt record");
            assertThat(it.hasNext()).isFalse();
        }
        awaitNoWorkers();
    }

    @Test
    void closingAnIteratorHalfwayStopsItsWorkerThreads() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Dataset<NDArray> slow = Dataset.of(IntStream.range(0, 400).boxed().toList()).transform(i -> {
            started.countDown();
            return NDArray.scalar(i);
        });
        DataLoader loader = DataLoader.builder(slow).batchSize(2).workers(4).build();
        try (BatchIterator it = loader.iterator()) {
            it.next();
            started.await();
            assertThat(liveWorkers()).isPositive();
        }
        awaitNoWorkers();
    }

    @Test
    void anIteratorAbandonedHalfwayLeavesNoRunningThreads() throws InterruptedException {
        DataLoader loader = DataLoader.builder(pairs(200)).batchSize(2).workers(3).build();
        BatchIterator it = loader.iterator();
        assertThat(labels(DataLoader.builder(pairs(4)).batchSize(2).build())).hasSize(2);
        it.next();
        it.next();
        it = null;
        awaitNoWorkers();
    }

    @Test
    void argumentsConflictAsInGluon() {
        ArrayDataset d = pairs(4);
        assertThatThrownBy(() -> DataLoader.builder(d).build()).isInstanceOf(KilnException.class)
                .hasMessageContaining("batch_size must be specified unless batch_sampler is specified");
        assertThatThrownBy(() -> DataLoader.builder(d).batchSize(2).shuffle(true).sampler(new SequentialSampler(4))
                .build()).hasMessageContaining("shuffle must not be specified if sampler is specified");
        BatchSampler batches = new BatchSampler(new SequentialSampler(4), 2);
        assertThatThrownBy(() -> DataLoader.builder(d).batchSampler(batches).batchSize(2).build())
                .hasMessageContaining("must not be specified if batch_sampler is specified");
        assertThatThrownBy(() -> DataLoader.builder(d).batchSize(0)).hasMessageContaining("got 0");
        assertThat(labels(DataLoader.builder(d).batchSampler(batches).build()))
                .containsExactly(List.of(0, 1), List.of(2, 3));
        assertThat(labels(DataLoader.builder(d).batchSize(3).sampler(new SequentialSampler(2, 2)).build()))
                .containsExactly(List.of(2, 3));
    }
}
