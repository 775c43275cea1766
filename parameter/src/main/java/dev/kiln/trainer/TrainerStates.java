package dev.kiln.trainer;

import dev.kiln.FileFormatException;
import dev.kiln.KilnException;
import dev.kiln.io.NDArrayFile;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.optimizer.Optimizer;
import dev.kiln.optimizer.OptimizerState;
import dev.kiln.parameter.Parameter;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Kiln's trainer-state file: an MXNet NDArray dict file whose first array, {@value #HEADER_KEY}, is a text header
 * (format, version, optimizer, learning rate, update counts, scalar state, the parameter list) and whose other
 * arrays are the optimizer's per-parameter state under {@code <parameter name>/<state name>}. The exact layout is
 * in docs/TRAINING-TRAINER.md. Loading checks everything against the trainer before anything is replaced.
 */
final class TrainerStates {
    static final String HEADER_KEY = "__kiln_trainer_states__";
    static final String FORMAT = "kiln-trainer-states";
    static final int VERSION = 1;
    private static final int MAX_PARAMETERS = 10_000_000;

    private TrainerStates() {
    }

    /**
     * What a file holds, checked against the trainer that loads it.
     *
     * @param stateArrays the state arrays by parameter index, each in the optimizer's state order
     * @param counts      the update count of each index that has one
     * @param numUpdate   the optimizer's step number
     * @param learningRate the optimizer's own learning rate (used when it has no schedule)
     * @param scalars     the optimizer's scalar state
     */
    record Loaded(Map<Integer, Map<String, NDArray>> stateArrays, Map<Integer, Long> counts, long numUpdate,
                  double learningRate, Map<String, Double> scalars) {

        /** Restores the optimizer-wide parts: update counts, scalar state, and the rate when no schedule owns it. */
        void apply(Optimizer optimizer) {
            optimizer.restoreScalarState(scalars);
            optimizer.restoreUpdateCounts(counts, numUpdate);
            if (optimizer.lrScheduler() == null) {
                optimizer.setLearningRate(learningRate);
            }
        }
    }

    static void save(Path file, Optimizer optimizer, List<Parameter> params, Map<Integer, OptimizerState> states) {
        StateHeader h = StateHeader.forWriting()
                .put("format", FORMAT)
                .put("version", VERSION)
                .put("optimizer", optimizer.name())
                .put("learning_rate", Double.toString(rawLearningRate(optimizer)))
                .put("num_update", optimizer.numUpdate())
                .put("parameters", params.size());
        Map<Integer, Long> counts = optimizer.updateCounts();
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        arrays.put(HEADER_KEY, null);
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            String prefix = "parameter." + i + ".";
            h.put(prefix + "name", p.name());
            h.put(prefix + "shape", shapeText(p.shape()));
            if (counts.containsKey(i)) {
                h.put(prefix + "update_count", counts.get(i));
            }
            OptimizerState s = states.get(i);
            if (s != null) {
                for (String stateName : s.arrays().keySet()) {
                    if (stateName.isEmpty() || stateName.contains("/") || stateName.contains(",")) {
                        throw new KilnException("cannot save trainer states: optimizer '" + optimizer.name()
                                + "' names a state '" + stateName + "', which the file cannot store (empty, or "
                                + "holding '/' or ',')");
                    }
                    arrays.put(p.name() + "/" + stateName, s.arrays().get(stateName));
                }
                h.put(prefix + "state", String.join(",", s.arrays().keySet()));
            }
        }
        new TreeMap<>(optimizer.scalarState()).forEach((k, v) -> h.put("scalar." + k, Double.toString(v)));
        arrays.put(HEADER_KEY, h.toArray());
        NDArrayFile.save(file, arrays);
    }

    /** The optimizer's rate without its schedule: the value {@code setLearningRate} last gave. */
    private static double rawLearningRate(Optimizer optimizer) {
        return optimizer.lrScheduler() == null ? optimizer.learningRate() : Double.NaN;
    }

    static Loaded load(Path file, Optimizer optimizer, List<Parameter> params) {
        String source = file.toString();
        Map<String, NDArray> arrays = new LinkedHashMap<>(NDArrayFile.loadDict(file));
        NDArray headerArray = arrays.remove(HEADER_KEY);
        if (headerArray == null) {
            throw new FileFormatException(source + " is not a Kiln trainer-state file: it has no '" + HEADER_KEY
                    + "' array (it holds " + abbreviate(arrays.keySet()) + ")");
        }
        StateHeader h = StateHeader.parse(headerArray, source);
        if (!FORMAT.equals(h.string("format"))) {
            throw new FileFormatException(source + ": format is '" + h.string("format") + "', expected '" + FORMAT
                    + "'");
        }
        long version = h.integer("version", 0, Integer.MAX_VALUE);
        if (version != VERSION) {
            throw new FileFormatException(source + ": trainer-state format version " + version + " is not supported "
                    + "(this Kiln reads version " + VERSION + ")");
        }
        String saved = h.string("optimizer");
        if (!saved.equalsIgnoreCase(optimizer.name())) {
            throw new KilnException(source + " holds the state of optimizer '" + saved + "', but this trainer uses '"
                    + optimizer.name() + "'");
        }
        double lr = h.number("learning_rate");
        long numUpdate = h.integer("num_update", 0, Long.MAX_VALUE);
        long count = h.integer("parameters", 0, MAX_PARAMETERS);
        if (count != params.size()) {
            throw new KilnException(source + " holds the state of " + count + " parameters, but this trainer has "
                    + params.size());
        }
        Map<Integer, Long> counts = new HashMap<>();
        Map<Integer, Map<String, NDArray>> states = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Parameter p = params.get(i);
            String prefix = "parameter." + i + ".";
            String name = h.string(prefix + "name");
            if (!name.equals(p.name())) {
                throw new KilnException(source + ": parameter " + i + " is '" + name + "' in the file but '" + p.name()
                        + "' in this trainer");
            }
            checkShape(source, p, h.string(prefix + "shape"));
            if (h.has(prefix + "update_count")) {
                counts.put(i, h.integer(prefix + "update_count", 0, Long.MAX_VALUE));
            }
            if (h.has(prefix + "state")) {
                states.put(i, stateArrays(source, p, h.string(prefix + "state"), arrays));
            }
        }
        if (!arrays.isEmpty()) {
            throw new FileFormatException(source + ": array(s) " + abbreviate(arrays.keySet()) + " belong to no "
                    + "parameter's state in the header");
        }
        Map<String, Double> scalars = new TreeMap<>();
        for (String key : h.keysStartingWith("scalar.")) {
            scalars.put(key.substring("scalar.".length()), h.number(key));
        }
        h.requireAllRead();
        if (optimizer.lrScheduler() == null && !Double.isFinite(lr)) {
            throw new KilnException(source + ": learning_rate is " + lr + "; the file was saved by an optimizer with "
                    + "a learning-rate schedule, but this trainer's optimizer has none");
        }
        return new Loaded(states, counts, numUpdate, lr, scalars);
    }

    private static Map<String, NDArray> stateArrays(String source, Parameter p, String names,
                                                    Map<String, NDArray> arrays) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        if (names.isEmpty()) {
            return out;
        }
        for (String stateName : names.split(",", -1)) {
            NDArray a = arrays.remove(p.name() + "/" + stateName);
            if (a == null) {
                throw new FileFormatException(source + ": state '" + stateName + "' of parameter '" + p.name()
                        + "' is listed in the header but its array '" + p.name() + "/" + stateName + "' is missing");
            }
            if (out.put(stateName, a) != null) {
                throw new FileFormatException(source + ": state '" + stateName + "' of parameter '" + p.name()
                        + "' is listed twice");
            }
        }
        return out;
    }

    private static void checkShape(String source, Parameter p, String saved) {
        Shape mine = p.shape();
        if (mine == null || !mine.isKnown() || saved.equals("unknown") || saved.contains("-1")) {
            return;
        }
        if (!saved.equals(shapeText(mine))) {
            throw new KilnException(source + ": parameter '" + p.name() + "' has shape " + tuple(saved) + " in the "
                    + "file but " + mine + " in this trainer");
        }
    }

    /** The file's shape text in Python's tuple form, as {@link Shape#toString()} prints shapes. */
    private static String tuple(String saved) {
        return "(" + saved.replace(",", ", ") + (saved.contains(",") || saved.isEmpty() ? "" : ",") + ")";
    }

    private static String shapeText(Shape s) {
        if (s == null || !s.isRankKnown()) {
            return "unknown";
        }
        return String.join(",", Arrays.stream(s.dims()).mapToObj(Integer::toString).toList());
    }

    /**
     * Copies loaded arrays into a freshly created state, after checking they are the arrays (names, shapes,
     * dtypes) the optimizer keeps for this parameter.
     */
    static void fill(String param, OptimizerState state, Map<String, NDArray> loaded) {
        Set<String> expected = state.arrays().keySet();
        if (!expected.equals(loaded.keySet())) {
            throw new KilnException("loaded optimizer state of parameter '" + param + "' holds " + loaded.keySet()
                    + ", but the optimizer keeps " + expected);
        }
        for (Map.Entry<String, NDArray> e : state.arrays().entrySet()) {
            NDArray target = e.getValue();
            NDArray value = loaded.get(e.getKey());
            if (!value.shape().equals(target.shape()) || value.dtype() != target.dtype()) {
                throw new KilnException("loaded optimizer state '" + e.getKey() + "' of parameter '" + param
                        + "' is " + value.dtype().mxnetName() + " " + value.shape() + ", but the optimizer keeps "
                        + target.dtype().mxnetName() + " " + target.shape());
            }
        }
        for (Map.Entry<String, NDArray> e : state.arrays().entrySet()) {
            loaded.get(e.getKey()).copyTo(e.getValue());
        }
    }

    private static String abbreviate(Set<String> keys) {
        String s = keys.toString();
        return s.length() <= 200 ? s : s.substring(0, 200) + "...]";
    }
}
