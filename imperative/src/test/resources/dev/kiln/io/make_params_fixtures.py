# Regenerates the MXNet NDArray-file (.params) fixtures for dev.kiln.io tests from the published layout, with numpy
# for the element bytes: python3 make_params_fixtures.py (numpy 2.x). The same files seed NDArrayFileFuzzTest.
import struct
import numpy as np

V1, V2, V3 = 0xF993FAC8, 0xF993FAC9, 0xF993FACA
FLAGS = {np.float32: 0, np.float64: 1, np.float16: 2, np.uint8: 3, np.int32: 4, np.int8: 5, np.int64: 6,
         np.bool_: 7}
SEEDS = "NDArrayFileFuzzTestInputs/readerRaisesOnlyKilnException/"


def record(arr, magic=V2, flag=None, device=(1, 0)):
    """A V2/V3 dense record: magic, stype 0, int32 ndim + int64 dims, device, type flag, C-order data."""
    flag = FLAGS[arr.dtype.type] if flag is None else flag
    out = struct.pack("<Iii", magic, 0, arr.ndim) + struct.pack("<%dq" % arr.ndim, *arr.shape)
    return out + struct.pack("<iii", device[0], device[1], flag) + np.ascontiguousarray(arr).astype(
        arr.dtype.newbyteorder("<")).tobytes()


def container(records, keys=()):
    out = struct.pack("<QQQ", 0x112, 0, len(records)) + b"".join(records) + struct.pack("<Q", len(keys))
    for k in keys:
        b = k.encode("utf-8")
        out += struct.pack("<Q", len(b)) + b
    return out


def bfloat16(values):
    """bfloat16 bits of values exactly representable in bfloat16: the high half of their float32 bits."""
    return (np.array(values, np.float32).view(np.uint32) >> 16).astype(np.uint16)


def save(name, data, seed=True):
    for path in [name] + ([SEEDS + name] if seed else []):
        with open(path, "wb") as f:
            f.write(data)


# a dict of every Kiln dtype, V2 (what MXNet 1.9 writes outside NumPy-shape mode)
every = [
    ("arg:w", np.array([[1.5, -2, 3], [4, 5.25, -6]], np.float32), None),
    ("arg:f8", np.array([1e300, -0.5], np.float64), None),
    ("arg:f2", np.array([0.1, -2, 65504], np.float16), None),
    ("aux:u1", np.array([0, 200, 255], np.uint8), None),
    ("aux:i1", np.array([-128, 0, 127], np.int8), None),
    ("i4", np.array([[7], [-70000]], np.int32), None),
    ("i8", np.array([2**62, -1, 0], np.int64), None),
    ("b", np.array([True, False, True]), None),
    ("bf16", bfloat16([1.0, -2.5, 3.140625]), 12),
    ("empty", np.zeros((2, 0), np.float32), None),
    ("zero_len", np.zeros((0,), np.int32), None),
    ("single", np.array([42], np.int64), None),
]
save("params_every_dtype.params", container([record(a, flag=f) for _, a, f in every], [k for k, _, _ in every]))

# a list whose 0-d array puts every record in V3 (NumPy-shape semantics)
save("params_v3_list.params", container([record(np.array(3.25, np.float32), V3),
                                         record(np.arange(6, dtype=np.int64).reshape(2, 3, 1), V3),
                                         record(np.zeros((2, 0), np.float64), V3)]))

# a V2 record saved from gpu(1): the device is ignored on load
save("params_gpu_device.params", container([record(np.array([1, 2], np.float32), device=(2, 1))], ["x"]))

# legacy V0 (the first word is the rank, uint32 dims) and V1 (int64 dims, no storage type) records
arange = np.arange(4, dtype=np.float32)
v0 = struct.pack("<II", 1, 4) + struct.pack("<iii", 1, 0, 0) + arange.tobytes()
v0_2d = struct.pack("<III", 2, 2, 1) + struct.pack("<iii", 1, 0, 6) + np.array([9, -9], np.int64).tobytes()
save("params_legacy_v0.params", container([v0, v0_2d]))
v1 = struct.pack("<Iiqq", V1, 2, 1, 3) + struct.pack("<iii", 1, 0, 4) + np.array([1, 2, 3], np.int32).tobytes()
save("params_legacy_v1.params", container([v1], ["legacy"]))
