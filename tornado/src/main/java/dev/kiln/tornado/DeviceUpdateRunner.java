package dev.kiln.tornado;

import dev.kiln.graph.Entry;
import dev.kiln.graph.OpNode;
import dev.kiln.ndarray.DType;
import dev.kiln.ndarray.NDArray;
import dev.kiln.ndarray.Shape;
import dev.kiln.op.OpDef;
import dev.kiln.op.OpRegistry;
import dev.kiln.optimizer.DeviceUpdates;
import dev.kiln.tornado.kernel.ArrayFlavor;
import dev.kiln.tornado.kernel.BufferTable;
import dev.kiln.tornado.kernel.DeviceKernels;
import dev.kiln.tornado.kernel.KernelLaunch;
import dev.kiln.tornado.runtime.DeviceMemory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the optimizers' fused update ops ({@code sgd_mom_update}, {@code adam_update}, ...) as device kernels on the
 * shared device copies of the weights a hybridized graph uses ({@link DeviceMemory}): the weight and the states the
 * op moves in place stay on the device, the gradient is sent, and the new weight is copied back into the host array
 * after each step (so the host copy is always current and the next forward sends nothing). The states' host copies
 * are refreshed on demand ({@link #toHost}, which {@code Trainer.saveStates} calls). Weights the device does not
 * hold, other dtypes and ops without a device kernel are left to the host.
 */
final class DeviceUpdateRunner implements DeviceUpdates.Runner {
    private final DeviceMemory memory;
    private final DeviceKernels kernels;

    DeviceUpdateRunner(DeviceMemory memory, ArrayFlavor flavor) {
        this.memory = memory;
        this.kernels = new DeviceKernels(flavor, true);
    }

    @Override
    public boolean run(String op, Map<String, ?> attrs, NDArray weight, NDArray[] inputs) {
        if (!memory.holds(weight) || weight.dtype() != DType.FLOAT32) {
            return false;
        }
        OpDef def = OpRegistry.global().get(op);
        List<Entry> entries = new ArrayList<>();
        List<Shape> inShapes = new ArrayList<>();
        List<DType> inTypes = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            entries.add(new Entry(i, 0));
            inShapes.add(inputs[i].shape());
            inTypes.add(inputs[i].dtype());
        }
        OpNode node = new OpNode(op, def, def.attrs(attrs), entries);
        if (kernels.unsupported(node, inShapes, inTypes).isPresent() || def.numOutputs(node.params()) != 1) {
            return false;
        }
        Set<Integer> inPlace = new HashSet<>(kernels.mutatedInputs(node));
        List<Object> buffers = new ArrayList<>(Collections.nCopies(inputs.length + 1, null));
        List<KernelLaunch> launches = kernels.lower(node, inShapes, inTypes, List.of(weight.shape()),
                List.of(DType.FLOAT32), new BufferTable() {
                    @Override
                    public int input(int i) {
                        return i;
                    }

                    @Override
                    public int output(int i) {
                        return inputs.length;
                    }

                    @Override
                    public int scratch(DType dtype, long elements) {
                        buffers.add(dtype == DType.INT32 ? new int[(int) elements] : new float[(int) elements]);
                        return buffers.size() - 1;
                    }
                });
        synchronized (memory) {
            for (int i = 0; i < inputs.length; i++) {
                if (i == 0 || inPlace.contains(i)) {
                    buffers.set(i, memory.current(inputs[i], () -> { }).array());
                } else {
                    buffers.set(i, memory.send(inputs[i]));
                }
            }
            float[] out = new float[weight.size()];
            buffers.set(inputs.length, out);
            memory.launch(launches, buffers.toArray());
            System.arraycopy(out, 0, (float[]) buffers.get(0), 0, out.length);
            memory.download(out, weight);
            for (int i : inPlace) {
                memory.deviceWrote(inputs[i]);
            }
        }
        return true;
    }

    @Override
    public void toHost(NDArray array) {
        memory.toHost(array);
    }
}
