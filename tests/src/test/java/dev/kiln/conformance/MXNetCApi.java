package dev.kiln.conformance;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The subset of MXNet 1.9's C API ({@code include/mxnet/c_api.h} at tag 1.9.1, plus nnvm's {@code NNGetOpHandle})
 * that the conformance harness calls, mapped through JNA. Handles ({@code NDArrayHandle}, {@code AtomicSymbolCreator})
 * are opaque pointers; {@code uint32_t} maps to {@code int}, {@code size_t} to {@code long} (the native jar is
 * x86-64 Linux only). Every function returns 0 on success and -1 on failure, with the message in
 * {@link #MXGetLastError()}.
 */
interface MXNetCApi extends Library {
    /** {@code const char *MXGetLastError()}. */
    String MXGetLastError();

    /** {@code int MXGetVersion(int *out)}: e.g. 10900 for 1.9.0. */
    int MXGetVersion(IntByReference out);

    /** {@code int MXListAllOpNames(uint32_t *out_size, const char ***out_array)}. */
    int MXListAllOpNames(IntByReference outSize, PointerByReference outArray);

    /** {@code int NNGetOpHandle(const char *op_name, OpHandle *op_out)}. */
    int NNGetOpHandle(String opName, PointerByReference opOut);

    /**
     * {@code int MXImperativeInvoke(AtomicSymbolCreator creator, int num_inputs, NDArrayHandle *inputs,
     * int *num_outputs, NDArrayHandle **outputs, int num_params, const char **param_keys,
     * const char **param_vals)}. With {@code *num_outputs == 0} and {@code *outputs == NULL} MXNet allocates the
     * outputs; the caller frees each returned handle.
     */
    int MXImperativeInvoke(Pointer creator, int numInputs, Pointer[] inputs, IntByReference numOutputs,
                           PointerByReference outputs, int numParams, String[] paramKeys, String[] paramVals);

    /**
     * {@code int MXNDArrayCreateEx(const uint32_t *shape, uint32_t ndim, int dev_type, int dev_id, int delay_alloc,
     * int dtype, NDArrayHandle *out)}; {@code dev_type} 1 is the CPU, {@code dtype} the mshadow type flag.
     */
    int MXNDArrayCreateEx(int[] shape, int ndim, int devType, int devId, int delayAlloc, int dtype,
                          PointerByReference out);

    /** {@code int MXNDArraySyncCopyFromCPU(NDArrayHandle handle, const void *data, size_t size)}; size in elements. */
    int MXNDArraySyncCopyFromCPU(Pointer handle, Pointer data, long size);

    /** {@code int MXNDArraySyncCopyToCPU(NDArrayHandle handle, void *data, size_t size)}; size in elements. */
    int MXNDArraySyncCopyToCPU(Pointer handle, Pointer data, long size);

    /** {@code int MXNDArrayGetShapeEx(NDArrayHandle handle, int *out_dim, const int **out_pdata)}. */
    int MXNDArrayGetShapeEx(Pointer handle, IntByReference outDim, PointerByReference outPdata);

    /** {@code int MXNDArrayGetShape(NDArrayHandle handle, uint32_t *out_dim, const uint32_t **out_pdata)}. */
    int MXNDArrayGetShape(Pointer handle, IntByReference outDim, PointerByReference outPdata);

    /** {@code int MXNDArrayGetDType(NDArrayHandle handle, int *out_dtype)}. */
    int MXNDArrayGetDType(Pointer handle, IntByReference outDtype);

    /** {@code int MXNDArrayFree(NDArrayHandle handle)}. */
    int MXNDArrayFree(Pointer handle);

    /** {@code int MXNDArrayWaitAll()}. */
    int MXNDArrayWaitAll();

    /** {@code int MXAutogradSetIsTraining(int is_training, int *prev)}. */
    int MXAutogradSetIsTraining(int isTraining, IntByReference prev);

    /** {@code int MXAutogradSetIsRecording(int is_recording, int *prev)}. */
    int MXAutogradSetIsRecording(int isRecording, IntByReference prev);

    /**
     * {@code int MXAutogradMarkVariables(uint32_t num_var, NDArrayHandle *var_handles, uint32_t *reqs_array,
     * NDArrayHandle *grad_handles)}; a request of 1 is {@code write}.
     */
    int MXAutogradMarkVariables(int numVar, Pointer[] varHandles, int[] reqs, Pointer[] gradHandles);

    /**
     * {@code int MXAutogradBackward(uint32_t num_output, NDArrayHandle *output_handles,
     * NDArrayHandle *ograd_handles, int retain_graph)}; null head gradients mean ones.
     */
    int MXAutogradBackward(int numOutput, Pointer[] outputHandles, Pointer[] ogradHandles, int retainGraph);

    /** {@code int MXSetIsNumpyShape(int is_np_shape, int *prev)}. */
    int MXSetIsNumpyShape(int isNumpyShape, IntByReference prev);

    /** {@code int MXRandomSeed(int seed)}. */
    int MXRandomSeed(int seed);

    /**
     * {@code int MXNDArraySave(const char *fname, uint32_t num_args, NDArrayHandle *args, const char **keys)};
     * {@code keys} may be {@code NULL} for a list file.
     */
    int MXNDArraySave(String fname, int numArgs, Pointer[] args, String[] keys);

    /**
     * {@code int MXNDArrayLoad(const char *fname, uint32_t *out_size, NDArrayHandle **out_arr,
     * uint32_t *out_name_size, const char ***out_names)}.
     */
    int MXNDArrayLoad(String fname, IntByReference outSize, PointerByReference outArr, IntByReference outNameSize,
                      PointerByReference outNames);
}
