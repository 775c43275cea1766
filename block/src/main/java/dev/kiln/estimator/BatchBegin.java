package dev.kiln.estimator;

import dev.kiln.ndarray.NDArray;

import java.util.List;

/** Called before each batch is processed, with the batch as the data loader gave it ({@code [data, label]}). */
public interface BatchBegin extends EventHandler {
    void batchBegin(Estimator estimator, List<NDArray> batch);
}
