package dev.kiln.parameter;

import dev.kiln.KilnException;
import dev.kiln.graph.infer.InferenceResult;
import dev.kiln.ndarray.Shape;
import dev.kiln.symbol.Symbol;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Completes deferred parameters from a traced forward: shape inference over the graph, given the inputs' shapes,
 * fills the parameters' unknown dimensions, and each deferred parameter whose shape is then complete is
 * materialised in place. Used by blocks on their first forward, eager or hybridized.
 */
public final class DeferredInitialization {
    private DeferredInitialization() {
    }

    /**
     * Infers the shapes of {@code graph} from {@code inputShapes} (by input variable name) and the parameters' own
     * shapes, gives every parameter the graph uses its inferred shape, and materialises those deferred. Parameters
     * the graph does not use are left as they are (still deferred if they were).
     *
     * @param blockPath  the block the graph belongs to, for messages ({@code encoder.layers.3})
     * @param graph      the traced outputs
     * @param inputShapes shapes of the graph's data inputs
     * @param parameters the block's parameters; a parameter's variable in the graph has its full name
     * @return the inference result, for callers that want the other shapes
     * @throws DeferredInitializationException naming the block, each parameter left incomplete with its partial
     *                                         shape, and (as the cause) the op where inference failed or stopped
     */
    public static InferenceResult<Shape> complete(String blockPath, Symbol graph, Map<String, Shape> inputShapes,
                                                  Collection<Parameter> parameters) {
        Map<String, Parameter> byName = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            byName.put(p.name(), p);
        }
        Map<String, Shape> given = new LinkedHashMap<>();
        List<Parameter> used = new ArrayList<>();
        for (String arg : graph.listInputs()) {
            Parameter p = byName.get(arg);
            if (p != null) {
                used.add(p);
                if (p.shape() != null) {
                    given.put(arg, p.shape());
                }
            }
        }
        given.putAll(inputShapes);
        InferenceResult<Shape> result;
        try {
            result = graph.inferShapePartial(given);
        } catch (KilnException e) {
            throw failure(blockPath, incomplete(used), inputShapes, "shape inference failed", e);
        }
        Map<String, Shape> inferred = result.variables();
        for (Parameter p : used) {
            Shape s = inferred.get(p.name());
            if (s != null) {
                try {
                    p.setShape(s);
                } catch (KilnException e) {
                    throw failure(blockPath, List.of(p), inputShapes, "the inferred shape conflicts", e);
                }
            }
        }
        List<Parameter> stillUnknown = incomplete(used);
        if (!stillUnknown.isEmpty()) {
            KilnException cause;
            try {
                result.requireComplete();
                cause = new KilnException("the inferred shapes leave these dimensions unknown");
            } catch (KilnException e) {
                cause = e;
            }
            throw failure(blockPath, stillUnknown, inputShapes, "shape cannot be inferred", cause);
        }
        for (Parameter p : used) {
            p.finishDeferredInit();
        }
        for (Parameter p : parameters) {
            if (!used.contains(p)) {
                p.noteDeferredReason("its shape " + Shapes.text(p.shape()) + " has unknown dimensions and the "
                        + "forward pass of block '" + blockPath + "' did not use it");
            }
        }
        return result;
    }

    private static List<Parameter> incomplete(List<Parameter> used) {
        List<Parameter> out = new ArrayList<>();
        for (Parameter p : used) {
            if (!Shapes.isComplete(p.shape())) {
                out.add(p);
            }
        }
        return out;
    }

    private static DeferredInitializationException failure(String blockPath, List<Parameter> params,
                                                           Map<String, Shape> inputs, String what, Throwable cause) {
        StringBuilder msg = new StringBuilder("Deferred initialization of block '").append(blockPath)
                .append("' failed because ").append(what);
        if (!params.isEmpty()) {
            msg.append(" for ");
            for (int i = 0; i < params.size(); i++) {
                Parameter p = params.get(i);
                msg.append(i == 0 ? "" : ", ").append("parameter '").append(p.name()).append("' ")
                        .append(Shapes.text(p.shape()));
            }
            msg.append(" (0 marks an unknown dimension)");
        }
        msg.append("; inputs ");
        List<String> in = new ArrayList<>();
        inputs.forEach((k, v) -> in.add(k + " " + Shapes.text(v)));
        msg.append(in).append(": ").append(cause.getMessage());
        return new DeferredInitializationException(msg.toString(), cause);
    }
}
