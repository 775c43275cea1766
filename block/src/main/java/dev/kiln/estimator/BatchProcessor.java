package dev.kiln.estimator;

import dev.kiln.autograd.Autograd;
import dev.kiln.ndarray.NDArray;

import java.util.List;

/**
 * How the estimator turns one batch into a prediction and a loss (Gluon's {@code BatchProcessor}). The default
 * methods are Gluon's: training records the net and the loss under autograd and runs backward on the loss;
 * evaluation runs the evaluation net and loss in predict mode. Override one to customise a step (several inputs,
 * an auxiliary loss) without rewriting the loop.
 */
public interface BatchProcessor {
    /** Gluon's processor. */
    BatchProcessor DEFAULT = new BatchProcessor() { };

    /** Runs forward under autograd and backward on the loss; the optimizer step is a handler's job. */
    default BatchResult fitBatch(Estimator estimator, List<NDArray> batch) {
        NDArray data = estimator.onDevice(batch, 0);
        NDArray label = estimator.onDevice(batch, 1);
        NDArray pred;
        NDArray loss;
        try (var ignored = Autograd.record()) {
            pred = estimator.net().call(data);
            loss = estimator.loss().callAll(List.of(pred, label)).getFirst();
        }
        loss.backward();
        return new BatchResult(batch, data, label, pred, loss);
    }

    /** Runs the evaluation net and loss without recording, in predict mode. */
    default BatchResult evaluateBatch(Estimator estimator, List<NDArray> batch) {
        NDArray data = estimator.onDevice(batch, 0);
        NDArray label = estimator.onDevice(batch, 1);
        try (var ignored = Autograd.pause()) {
            NDArray pred = estimator.evalNet().call(data);
            NDArray loss = estimator.evalLoss().callAll(List.of(pred, label)).getFirst();
            return new BatchResult(batch, data, label, pred, loss);
        }
    }
}
