package dev.kiln.trainer;

import dev.kiln.KilnException;
import dev.kiln.autograd.Autograd;
import dev.kiln.autograd.GradReq;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.optimizer.DeviceUpdates;
import dev.kiln.optimizer.Optimizer;
import dev.kiln.optimizer.OptimizerState;
import dev.kiln.parameter.Parameter;
import dev.kiln.parameter.ParameterDict;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Applies an {@link Optimizer} to a set of parameters after backward, as Gluon's {@code gluon.Trainer} with the
 * {@code device} kvstore: {@link #allreduceGrads} sums each parameter's gradients over its devices, {@link #update}
 * runs the optimizer once per parameter with the gradient rescaled by {@code 1 / batchSize} and copies the new
 * weight to every device, and {@link #step} does both. Parameters are indexed in the order given (a
 * {@link ParameterDict} in sorted key order, as Gluon); the optimizer's state for a parameter is created at its
 * first update, so parameters whose initialisation is deferred until the first forward pass are fine.
 */
public final class Trainer {
    private final List<Parameter> params;
    private final Optimizer optimizer;
    private final double scale;
    private final Map<Integer, OptimizerState> states = new HashMap<>();
    private final Map<Integer, Map<String, NDArray>> pendingStates = new HashMap<>();

    /** A trainer for {@code params} (in sorted key order) with the optimizer registered as {@code optimizer}. */
    public Trainer(ParameterDict params, String optimizer, Map<String, ?> options) {
        this(sorted(params), Optimizer.create(optimizer, options));
    }

    /** A trainer for {@code params} (in sorted key order) with an optimizer built by the caller. */
    public Trainer(ParameterDict params, Optimizer optimizer) {
        this(sorted(params), optimizer);
    }

    /** A trainer for {@code params} in the given order with the optimizer registered as {@code optimizer}. */
    public Trainer(List<Parameter> params, String optimizer, Map<String, ?> options) {
        this(params, Optimizer.create(optimizer, options));
    }

    /**
     * A trainer for {@code params} in the given order; a parameter listed twice (shared) is kept once. Every
     * parameter must be initialised (or deferred) on the same devices.
     */
    public Trainer(List<Parameter> params, Optimizer optimizer) {
        if (optimizer == null) {
            throw new KilnException("Trainer: optimizer must not be null");
        }
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<Parameter> kept = new ArrayList<>();
        for (Parameter p : params) {
            if (p == null) {
                throw new KilnException("Trainer: the parameter list holds a null at index " + kept.size());
            }
            if (seen.add(p)) {
                kept.add(p);
            }
        }
        this.params = List.copyOf(kept);
        checkDevices();
        this.optimizer = optimizer;
        Map<Integer, Parameter> byIndex = new HashMap<>();
        for (int i = 0; i < this.params.size(); i++) {
            byIndex.put(i, this.params.get(i));
        }
        optimizer.setParameters(byIndex);
        this.scale = optimizer.rescaleGrad();
    }

    private static List<Parameter> sorted(ParameterDict dict) {
        List<Parameter> out = new ArrayList<>();
        Map<String, Parameter> map = dict.asMap();
        for (String key : new TreeSet<>(map.keySet())) {
            out.add(map.get(key));
        }
        return out;
    }

    private void checkDevices() {
        List<Device> first = null;
        Parameter firstParam = null;
        for (Parameter p : params) {
            List<Device> on = p.devices();
            if (first == null) {
                first = on;
                firstParam = p;
            } else if (!first.equals(on)) {
                throw new KilnException("Trainer: all parameters must be initialized on the same devices, but '"
                        + p.name() + "' is on " + on + " while '" + firstParam.name() + "' is on " + first);
            }
        }
    }

    /** The parameters, in index order (the index the optimizer sees). */
    public List<Parameter> parameters() {
        return params;
    }

    public Optimizer optimizer() {
        return optimizer;
    }

    /** The optimizer's current learning rate (its schedule's, when it has one). */
    public double learningRate() {
        return optimizer.learningRate();
    }

    /** Sets the optimizer's learning rate; an error when a schedule owns the rate, as in Gluon. */
    public void setLearningRate(double lr) {
        optimizer.setLearningRate(lr);
    }

    /** {@link #step(int, boolean)} without ignoring stale gradients. */
    public void step(int batchSize) {
        step(batchSize, false);
    }

    /**
     * One update of every parameter after backward: sums gradients over devices, rescales them by
     * {@code rescale_grad / batchSize} and applies the optimizer. A parameter whose gradient backward has not
     * written since the last update is an error, or with {@code ignoreStaleGrad} is left alone.
     */
    public void step(int batchSize, boolean ignoreStaleGrad) {
        setBatchSize(batchSize);
        allreduceGrads();
        updateParameters(ignoreStaleGrad);
    }

    /**
     * Sums each parameter's gradients over its devices and writes the sum back to every device (the
     * {@code device} kvstore's all-reduce); nothing to do for parameters on one device. Call between backward and
     * {@link #update} when the reduced gradients are needed, e.g. to clip them.
     */
    public void allreduceGrads() {
        for (Parameter p : params) {
            if (p.gradReq() == GradReq.NULL || !p.isInitialized() || p.devices().size() < 2) {
                continue;
            }
            List<NDArray> grads = p.listGrad();
            NDArray total = grads.get(0).copy();
            for (int k = 1; k < grads.size(); k++) {
                total.addInPlace(grads.get(k).asInDevice(total.device()));
            }
            for (NDArray g : grads) {
                total.copyTo(g);
            }
        }
    }

    /** {@link #update(int, boolean)} without ignoring stale gradients. */
    public void update(int batchSize) {
        update(batchSize, false);
    }

    /** The optimizer half of {@link #step}: rescales by {@code 1 / batchSize} and updates, without the all-reduce. */
    public void update(int batchSize, boolean ignoreStaleGrad) {
        setBatchSize(batchSize);
        updateParameters(ignoreStaleGrad);
    }

    private void setBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new KilnException("Trainer: batchSize must be at least 1, got " + batchSize);
        }
        optimizer.setRescaleGrad(scale / batchSize);
    }

    private void updateParameters(boolean ignoreStaleGrad) {
        if (!ignoreStaleGrad) {
            for (Parameter p : params) {
                checkFresh(p);
            }
        }
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            if (p.gradReq() == GradReq.NULL || !p.isInitialized()) {
                continue;
            }
            List<NDArray> data = p.listData();
            if (ignoreStaleGrad && !data.stream().allMatch(Autograd::isGradFresh)) {
                continue;
            }
            NDArray weight = data.get(0);
            optimizer.update(i, weight, p.listGrad().get(0), state(i, weight));
            for (int k = 1; k < data.size(); k++) {
                weight.copyTo(data.get(k));
            }
            for (NDArray d : data) {
                Autograd.markGradStale(d);
            }
        }
    }

    private static void checkFresh(Parameter p) {
        if (p.gradReq() == GradReq.NULL) {
            return;
        }
        if (!p.isInitialized()) {
            throw new KilnException("Gradient of Parameter '" + p.name() + "' has not been computed: the parameter "
                    + "is still waiting for deferred initialization, so no forward pass has used it. Pass data "
                    + "through the block first, or call step with ignoreStaleGrad=true to skip it");
        }
        List<NDArray> data = p.listData();
        for (int k = 0; k < data.size(); k++) {
            if (!Autograd.isGradFresh(data.get(k))) {
                throw new KilnException("Gradient of Parameter '" + p.name() + "' on device " + p.devices().get(k)
                        + " has not been updated by backward since the last step. This could mean a bug in the "
                        + "model that made it use only a subset of its parameters in this iteration; if that is "
                        + "intended, call step with ignoreStaleGrad=true to skip parameters with stale gradients");
            }
        }
    }

    /** The optimizer state of parameter {@code index}, created on first use and filled from a loaded file. */
    private OptimizerState state(int index, NDArray weight) {
        OptimizerState s = states.get(index);
        if (s == null) {
            s = optimizer.createStateMultiPrecision(index, weight);
            Map<String, NDArray> loaded = pendingStates.remove(index);
            if (loaded != null) {
                TrainerStates.fill(params.get(index).name(), s, loaded);
            }
            states.put(index, s);
        }
        return s;
    }

    /**
     * Saves the optimizer's state (every parameter's state arrays, update counts, scalar state and learning
     * rate) to {@code file} in Kiln's trainer-state format (see docs/TRAINING-TRAINER.md), atomically.
     */
    public void saveStates(Path file) {
        states.values().forEach(s -> s.arrays().values().forEach(DeviceUpdates::toHost));
        Map<Integer, OptimizerState> all = new HashMap<>(states);
        pendingStates.forEach((i, arrays) -> all.putIfAbsent(i, new OptimizerState(arrays)));
        TrainerStates.save(file, optimizer, params, all);
    }

    /**
     * Loads what {@link #saveStates} wrote, replacing this trainer's optimizer state; the file must come from the
     * same optimizer and the same parameters (names, order, shapes), else a {@link KilnException} says what differs.
     * Training then continues exactly as it would have in the trainer that saved the file.
     */
    public void loadStates(Path file) {
        TrainerStates.Loaded loaded = TrainerStates.load(file, optimizer, params);
        Map<Integer, OptimizerState> restored = new HashMap<>();
        Map<Integer, Map<String, NDArray>> pending = new HashMap<>();
        loaded.stateArrays().forEach((index, arrays) -> {
            Parameter p = params.get(index);
            if (p.isInitialized()) {
                OptimizerState s = optimizer.createStateMultiPrecision(index, p.listData().get(0));
                TrainerStates.fill(p.name(), s, arrays);
                restored.put(index, s);
            } else {
                pending.put(index, arrays);
            }
        });
        loaded.apply(optimizer);
        states.clear();
        states.putAll(restored);
        pendingStates.clear();
        pendingStates.putAll(pending);
    }

    /** {@link #clipGlobalNorm(List, double, boolean)} with the finiteness check. */
    public static double clipGlobalNorm(List<NDArray> arrays, double maxNorm) {
        return clipGlobalNorm(arrays, maxNorm, true);
    }

    /**
     * Rescales {@code arrays} in place so that their joint 2-norm is at most {@code maxNorm}, as Gluon's
     * {@code clip_global_norm}, and returns the norm before clipping. With {@code checkIsFinite} a NaN or infinite
     * norm is logged as a warning (the arrays then become NaN, as in Gluon).
     */
    public static double clipGlobalNorm(List<NDArray> arrays, double maxNorm, boolean checkIsFinite) {
        return GlobalNorm.clip(arrays, maxNorm, checkIsFinite);
    }

    @Override
    public String toString() {
        return "Trainer(" + optimizer + ", " + params.size() + " parameters)";
    }
}
