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
public interface MXNetCApi extends Library {
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

    // ---- symbols (c_api.h, "Part 3: symbolic configuration generation") ----

    /** {@code int MXSymbolCreateFromJSON(const char *json, SymbolHandle *out)}. */
    int MXSymbolCreateFromJSON(String json, PointerByReference out);

    /** {@code int MXSymbolCreateFromFile(const char *fname, SymbolHandle *out)}: {@code mx.sym.load}. */
    int MXSymbolCreateFromFile(String fname, PointerByReference out);

    /** {@code int MXSymbolSaveToFile(SymbolHandle symbol, const char *fname)}: {@code sym.save}. */
    int MXSymbolSaveToFile(Pointer symbol, String fname);

    /** {@code int MXSymbolSaveToJSON(SymbolHandle symbol, const char **out_json)}; MXNet owns the string. */
    int MXSymbolSaveToJSON(Pointer symbol, PointerByReference outJson);

    /** {@code int MXSymbolFree(SymbolHandle symbol)}. */
    int MXSymbolFree(Pointer symbol);

    /** {@code int MXSymbolCreateVariable(const char *name, SymbolHandle *out)}. */
    int MXSymbolCreateVariable(String name, PointerByReference out);

    /**
     * {@code int MXSymbolCreateAtomicSymbol(AtomicSymbolCreator creator, uint32_t num_param, const char **keys,
     * const char **vals, SymbolHandle *out)}; the creator is the op handle of {@link #NNGetOpHandle}.
     */
    int MXSymbolCreateAtomicSymbol(Pointer creator, int numParam, String[] keys, String[] vals,
                                   PointerByReference out);

    /**
     * {@code int MXSymbolCompose(SymbolHandle sym, const char *name, uint32_t num_args, const char **keys,
     * SymbolHandle *args)}; {@code keys} null composes positionally.
     */
    int MXSymbolCompose(Pointer sym, String name, int numArgs, String[] keys, Pointer[] args);

    /** {@code int MXSymbolCreateGroup(uint32_t num_symbols, SymbolHandle *symbols, SymbolHandle *out)}. */
    int MXSymbolCreateGroup(int numSymbols, Pointer[] symbols, PointerByReference out);

    /** {@code int MXSymbolGetOutput(SymbolHandle symbol, uint32_t index, SymbolHandle *out)}. */
    int MXSymbolGetOutput(Pointer symbol, int index, PointerByReference out);

    /** {@code int MXSymbolSetAttr(SymbolHandle symbol, const char *key, const char *value)}. */
    int MXSymbolSetAttr(Pointer symbol, String key, String value);

    /** {@code int MXSymbolListArguments(SymbolHandle symbol, uint32_t *out_size, const char ***out_str_array)}. */
    int MXSymbolListArguments(Pointer symbol, IntByReference outSize, PointerByReference outArray);

    /** {@code int MXSymbolListOutputs(SymbolHandle symbol, uint32_t *out_size, const char ***out_str_array)}. */
    int MXSymbolListOutputs(Pointer symbol, IntByReference outSize, PointerByReference outArray);

    /**
     * nnvm's {@code int NNSymbolListInputNames(SymbolHandle symbol, int option, nn_uint *out_size,
     * const char ***out_str_array)}; option 0 lists every variable (Python's {@code list_inputs()}).
     */
    int NNSymbolListInputNames(Pointer symbol, int option, IntByReference outSize, PointerByReference outArray);

    /**
     * {@code int MXSymbolListAuxiliaryStates(SymbolHandle symbol, uint32_t *out_size,
     * const char ***out_str_array)}.
     */
    int MXSymbolListAuxiliaryStates(Pointer symbol, IntByReference outSize, PointerByReference outArray);

    /**
     * {@code int MXSymbolInferShapeEx(SymbolHandle sym, uint32_t num_args, const char **keys,
     * const uint32_t *arg_ind_ptr, const int *arg_shape_data, uint32_t *in_shape_size, const int **in_shape_ndim,
     * const int ***in_shape_data, uint32_t *out_shape_size, const int **out_shape_ndim, const int ***out_shape_data,
     * uint32_t *aux_shape_size, const int **aux_shape_ndim, const int ***aux_shape_data, int *complete)}: shapes
     * given by name as a CSR matrix; results are MXNet-owned arrays.
     */
    int MXSymbolInferShapeEx(Pointer sym, int numArgs, String[] keys, int[] argIndPtr, int[] argShapeData,
                             IntByReference inShapeSize, PointerByReference inShapeNdim,
                             PointerByReference inShapeData, IntByReference outShapeSize,
                             PointerByReference outShapeNdim, PointerByReference outShapeData,
                             IntByReference auxShapeSize, PointerByReference auxShapeNdim,
                             PointerByReference auxShapeData, IntByReference complete);

    /**
     * {@code int MXSymbolInferShapePartialEx(...)}, the same arguments as {@link #MXSymbolInferShapeEx}: shapes it
     * cannot infer come back unknown instead of failing ({@code infer_shape_partial}); in legacy shape mode an
     * unknown dim reads 0 and an unknown rank ndim 0.
     */
    int MXSymbolInferShapePartialEx(Pointer sym, int numArgs, String[] keys, int[] argIndPtr, int[] argShapeData,
                                    IntByReference inShapeSize, PointerByReference inShapeNdim,
                                    PointerByReference inShapeData, IntByReference outShapeSize,
                                    PointerByReference outShapeNdim, PointerByReference outShapeData,
                                    IntByReference auxShapeSize, PointerByReference auxShapeNdim,
                                    PointerByReference auxShapeData, IntByReference complete);

    /**
     * {@code int MXSymbolInferType(SymbolHandle sym, uint32_t num_args, const char **keys, const int *arg_type_data,
     * uint32_t *in_type_size, const int **in_type_data, uint32_t *out_type_size, const int **out_type_data,
     * uint32_t *aux_type_size, const int **aux_type_data, int *complete)}: dtype flags given by name, -1 unknown.
     */
    int MXSymbolInferType(Pointer sym, int numArgs, String[] keys, int[] argTypeData, IntByReference inTypeSize,
                          PointerByReference inTypeData, IntByReference outTypeSize, PointerByReference outTypeData,
                          IntByReference auxTypeSize, PointerByReference auxTypeData, IntByReference complete);

    /** {@code int MXSymbolInferTypePartial(...)}, the arguments of {@link #MXSymbolInferType}. */
    int MXSymbolInferTypePartial(Pointer sym, int numArgs, String[] keys, int[] argTypeData,
                                 IntByReference inTypeSize, PointerByReference inTypeData,
                                 IntByReference outTypeSize, PointerByReference outTypeData,
                                 IntByReference auxTypeSize, PointerByReference auxTypeData,
                                 IntByReference complete);

    /**
     * {@code int MXCreateCachedOpEx(SymbolHandle handle, int num_flags, const char **keys, const char **vals,
     * CachedOpHandle *out)}: a runnable graph, Gluon's hybridized form.
     */
    int MXCreateCachedOpEx(Pointer symbol, int numFlags, String[] keys, String[] vals, PointerByReference out);

    /** {@code int MXSetNumOMPThreads(int thread_num)}: the OpenMP thread count of the calling thread. */
    int MXSetNumOMPThreads(int threadNum);

    /** {@code int MXFreeCachedOp(CachedOpHandle handle)}. */
    int MXFreeCachedOp(Pointer handle);

    /**
     * {@code int MXInvokeCachedOpEx(CachedOpHandle handle, int num_inputs, NDArrayHandle *inputs,
     * int *num_outputs, NDArrayHandle **outputs, const int **out_stypes)}: inputs in the symbol's
     * {@code list_inputs} order; with {@code *num_outputs == 0} MXNet allocates the outputs, which the caller frees.
     */
    int MXInvokeCachedOpEx(Pointer handle, int numInputs, Pointer[] inputs, IntByReference numOutputs,
                           PointerByReference outputs, PointerByReference outStypes);
}
