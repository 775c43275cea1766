package dev.kiln.optimizer;

import dev.kiln.ndarray.NDArray;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where the optimizers' fused update ops run when a weight lives on an accelerator: an accelerator backend (the
 * {@code tornado} one) registers a {@link Runner} that takes the updates of the weights its device holds, so
 * weights and optimizer state stay on the device between steps. Without a runner, or for weights no runner
 * claims, the ops run on the host as always.
 */
public final class DeviceUpdates {
    private static final List<Runner> RUNNERS = new CopyOnWriteArrayList<>();

    private DeviceUpdates() {
    }

    /** Runs fused update ops on a device for the weights it holds. */
    public interface Runner {
        /**
         * Runs update op {@code op} with {@code attrs} on {@code inputs} (weight, gradient, then the states the op
         * moves in place) on the device and leaves the new weight in {@code weight}'s host array too; false when
         * the device does not hold {@code weight} or cannot run the op, and the host runs it.
         */
        boolean run(String op, Map<String, ?> attrs, NDArray weight, NDArray[] inputs);

        /** Copies the device's contents of {@code array} into its host array when the host copy is behind. */
        void toHost(NDArray array);
    }

    /** Adds {@code runner}; registering the same runner again does nothing. */
    public static void register(Runner runner) {
        if (!RUNNERS.contains(runner)) {
            RUNNERS.add(runner);
        }
    }

    /** Removes {@code runner} (tests). */
    public static void unregister(Runner runner) {
        RUNNERS.remove(runner);
    }

    /** True when a registered runner ran the update on its device. */
    static boolean tryRun(String op, Map<String, ?> attrs, NDArray weight, NDArray[] inputs) {
        for (Runner r : RUNNERS) {
            if (r.run(op, attrs, weight, inputs)) {
                return true;
            }
        }
        return false;
    }

    /** Brings the host copy of {@code array} up to date with every device holding it (before saving states). */
    public static void toHost(NDArray array) {
        for (Runner r : RUNNERS) {
            r.toHost(array);
        }
    }
}
