package dev.kiln.symbol;

import dev.kiln.KilnException;
import dev.kiln.autograd.GradReq;
import dev.kiln.graph.VarAttrs;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.Device;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks and completes what {@code bind} and {@code simple_bind} are given: every argument and auxiliary state
 * present, nothing unknown, shapes and dtypes that inference accepts, gradient arrays shaped like their arguments,
 * and a grad_req per argument ({@code write} where a gradient array is given, {@code null} otherwise, as MXNet).
 */
final class ExecutorBinding {
    private ExecutorBinding() {
    }

    static Executor bind(Symbol symbol, Map<String, NDArray> args, Map<String, NDArray> argGrads,
                         Map<String, GradReq> gradReq, Map<String, NDArray> auxStates) {
        List<String> argNames = symbol.listArguments();
        List<String> auxNames = symbol.listAuxiliaryStates();
        Map<String, NDArray> grads = argGrads == null ? Map.of() : argGrads;
        Map<String, GradReq> reqGiven = gradReq == null ? Map.of() : gradReq;
        Map<String, NDArray> auxGiven = auxStates == null ? Map.of() : auxStates;
        Map<String, NDArray> boundArgs = ordered("argument", argNames, args, true);
        Map<String, NDArray> boundAux = ordered("auxiliary state", auxNames, auxGiven, true);
        ordered("gradient array", argNames, grads, false);
        ordered("grad_req", argNames, reqGiven, false);
        checkInference(symbol, boundArgs, boundAux);
        Map<String, GradReq> reqs = new LinkedHashMap<>();
        Map<String, NDArray> boundGrads = new LinkedHashMap<>();
        for (String name : argNames) {
            NDArray g = grads.get(name);
            GradReq req = reqGiven.getOrDefault(name, g == null ? GradReq.NULL : GradReq.WRITE);
            if (req != GradReq.NULL) {
                if (g == null) {
                    throw new KilnException("bind: argument '" + name + "' has grad_req '" + req.mxnetName()
                            + "' but no gradient array; give one in argGrads or use grad_req 'null'");
                }
                NDArray a = boundArgs.get(name);
                if (!g.shape().equals(a.shape())) {
                    throw new KilnException("bind: the gradient array of argument '" + name + "' has shape "
                            + g.shape() + " but the argument has shape " + a.shape());
                }
                boundGrads.put(name, g);
            }
            reqs.put(name, req);
        }
        return new Executor(symbol, boundArgs, boundGrads, reqs, boundAux);
    }

    /**
     * Allocates zero-filled arguments, gradient arrays (unless {@code req} is {@code null}) and auxiliary states
     * with the shapes inferred from {@code shapes} and the dtypes inferred from {@code types}; arguments neither
     * given a dtype nor annotated with one are float32, as in MXNet, and so are auxiliary states whose dtype no op
     * rule decides.
     */
    static Executor simpleBind(Symbol symbol, Map<String, Shape> shapes, Map<String, DType> types, GradReq req) {
        InferenceResult<Shape> s = symbol.inferShape(shapes);
        Map<String, DType> dtypes = new HashMap<>(types == null ? Map.of() : types);
        Map<String, Map<String, String>> attrs = symbol.attrDict();
        for (String name : symbol.listArguments()) {
            if (!attrs.getOrDefault(name, Map.of()).containsKey(VarAttrs.DTYPE)) {
                dtypes.putIfAbsent(name, DType.FLOAT32);
            }
        }
        Map<String, DType> partial = symbol.inferTypePartial(dtypes).variables();
        for (String name : symbol.listAuxiliaryStates()) {
            if (partial.get(name) == null && !attrs.getOrDefault(name, Map.of()).containsKey(VarAttrs.DTYPE)) {
                dtypes.put(name, DType.FLOAT32); // what no op rule decided defaults like an argument
            }
        }
        InferenceResult<DType> t = symbol.inferType(dtypes);
        Map<String, Shape> shapeOf = s.variables();
        Map<String, DType> typeOf = t.variables();
        Map<String, NDArray> args = new LinkedHashMap<>();
        Map<String, NDArray> grads = new LinkedHashMap<>();
        Map<String, GradReq> reqs = new LinkedHashMap<>();
        for (String name : symbol.listArguments()) {
            args.put(name, zeros(shapeOf.get(name), typeOf.get(name)));
            if (req != GradReq.NULL) {
                grads.put(name, zeros(shapeOf.get(name), typeOf.get(name)));
            }
            reqs.put(name, req);
        }
        Map<String, NDArray> aux = new LinkedHashMap<>();
        for (String name : symbol.listAuxiliaryStates()) {
            aux.put(name, zeros(shapeOf.get(name), typeOf.get(name)));
        }
        return bind(symbol, args, grads, reqs, aux);
    }

    private static NDArray zeros(Shape shape, DType dtype) {
        return NDArray.zeros(shape, dtype, Device.cpu());
    }

    /**
     * {@code given} in the order of {@code names}, failing on a name that is not one of them and, when
     * {@code required}, on one left out.
     */
    private static <V> Map<String, V> ordered(String what, List<String> names, Map<String, V> given,
                                              boolean required) {
        for (String k : given.keySet()) {
            if (!names.contains(k)) {
                boolean aux = what.equals("auxiliary state");
                throw new KilnException("bind: " + what + " given for '" + k + "', which is not "
                        + (aux ? "an auxiliary state" : "an argument") + " of the symbol; its "
                        + (aux ? "auxiliary states" : "arguments") + " are " + names);
            }
        }
        Map<String, V> out = new LinkedHashMap<>();
        for (String n : names) {
            V v = given.get(n);
            if (v == null && required) {
                throw new KilnException("bind: " + what + " '" + n + "' was not given; the symbol needs " + names);
            }
            if (v != null) {
                out.put(n, v);
            }
        }
        return out;
    }

    /** Runs shape and dtype inference on the bound arrays, so a mis-shaped one fails here naming its node. */
    private static void checkInference(Symbol symbol, Map<String, NDArray> args, Map<String, NDArray> aux) {
        Map<String, Shape> shapes = new HashMap<>();
        Map<String, DType> types = new HashMap<>();
        for (Map<String, NDArray> m : List.of(args, aux)) {
            m.forEach((k, v) -> {
                shapes.put(k, v.shape());
                types.put(k, v.dtype());
            });
        }
        try {
            symbol.inferShape(shapes);
            symbol.inferType(types);
        } catch (KilnException e) {
            throw new KilnException("bind: " + e.getMessage(), e);
        }
    }
}
