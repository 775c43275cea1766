package dev.kiln.block;

import dev.kiln.autograd.GradReq;
import dev.kiln.graph.VarAttrs;
import dev.kiln.ndarray.NDArray;
import dev.kiln.parameter.Parameter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Gluon's {@code Block.summary}: runs one forward with a hook on every block but the sequential containers, and
 * tabulates each block's output shape and parameter count, then the totals (trainable, not trainable, shared).
 */
final class BlockSummary {
    private static final String RULE = "-".repeat(80);
    private static final String DOUBLE_RULE = "=".repeat(80);

    private record Row(String layer, String shape, long params, long trainable, long shared) {
    }

    private BlockSummary() {
    }

    static String of(Block root, List<NDArray> inputs) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("Input", shapes(inputs), 0, 0, 0));
        Set<Parameter> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        List<HookHandle> handles = new ArrayList<>();
        root.apply(b -> {
            if (!(b instanceof SequentialContainer)) {
                handles.add(b.registerForwardHook((block, in, out) -> {
                    if (isEager(out)) {
                        rows.add(row(block, rows.size(), out, seen));
                    }
                }));
            }
        });
        try {
            root.callAll(inputs);
        } finally {
            handles.forEach(HookHandle::detach);
        }
        StringBuilder sb = new StringBuilder();
        sb.append(RULE).append('\n').append(line("Layer (type)", "Output Shape", "Param #")).append('\n')
                .append(DOUBLE_RULE).append('\n');
        long total = 0;
        long trainable = 0;
        long shared = 0;
        for (Row r : rows) {
            sb.append(line(r.layer(), r.shape(), Long.toString(r.params()))).append('\n');
            total += r.params();
            trainable += r.trainable();
            shared += r.shared();
        }
        sb.append(DOUBLE_RULE).append('\n')
                .append("Parameters in forward computation graph, duplicate included\n")
                .append("   Total params: ").append(total).append('\n')
                .append("   Trainable params: ").append(trainable).append('\n')
                .append("   Non-trainable params: ").append(total - trainable).append('\n')
                .append("Shared params in forward computation graph: ").append(shared).append('\n')
                .append("Unique parameters in model: ").append(total - shared).append('\n')
                .append(RULE).append('\n');
        return sb.toString();
    }

    private static Row row(Block block, int index, List<?> outputs, Set<Parameter> seen) {
        long params = 0;
        long trainable = 0;
        long shared = 0;
        List<Parameter> own = new ArrayList<>(block.params().values());
        for (Parameter p : block.registeredParameters().values()) {
            if (!own.contains(p)) {
                own.add(p);
            }
        }
        for (Parameter p : own) {
            long size = p.data().size();
            params += size;
            trainable += p.gradReq() == GradReq.NULL ? 0 : size;
            if (!seen.add(p)) {
                shared += size;
            }
        }
        return new Row(block.getClass().getSimpleName() + "-" + index, shapes(outputs), params, trainable, shared);
    }

    /**
     * Whether a hook saw the eager forward; a first forward with deferred parameters also traces blocks on Symbols,
     * and those calls are not rows.
     */
    private static boolean isEager(List<?> outputs) {
        for (Object o : outputs) {
            if (o != null) {
                return o instanceof NDArray;
            }
        }
        return true;
    }

    private static String shapes(List<?> arrays) {
        List<String> out = new ArrayList<>();
        for (Object a : arrays) {
            out.add(a instanceof NDArray x ? VarAttrs.formatShape(x.shape()) : "None");
        }
        return out.size() == 1 ? out.get(0) : "[" + String.join(", ", out) + "]";
    }

    private static String line(String layer, String shape, String params) {
        return String.format("%20s  %42s %15s", layer, shape, params);
    }
}
