# Regenerates the .npy/.npz fixtures for dev.kiln.io tests: python3 make_fixtures.py (numpy 2.x).
import numpy as np

def save(name, arr, version=None):
    with open(name, "wb") as f:
        np.lib.format.write_array(f, arr, version=version)

save("f4_2x3.npy", np.array([[1.5, -2, 3], [4, 5.25, -6]], np.float32))
save("f8_big_endian.npy", np.array([1.0, -0.5, 1e300], dtype=">f8"))
save("f2.npy", np.array([0.1, -2, 65504], np.float16))
save("i1.npy", np.array([-128, 0, 127], np.int8))
save("u1.npy", np.array([0, 200, 255], np.uint8))
save("i4_big_endian.npy", np.array([[1, -2], [70000, -2147483648]], dtype=">i4"))
save("i8.npy", np.array([2**62, -1, 0], np.int64))
save("b1.npy", np.array([True, False, True]))
save("scalar_f8.npy", np.array(3.25))
save("empty_0x3.npy", np.zeros((0, 3), np.float32))
save("fortran_3x2.npy", np.asfortranarray(np.arange(6, dtype=np.int32).reshape(3, 2)))
save("v2_header.npy", np.arange(4, dtype=np.float32), version=(2, 0))
save("v3_header.npy", np.arange(3, dtype=np.int64), version=(3, 0))
np.savez("stored.npz", weight=np.arange(6, dtype=np.float32).reshape(2, 3), bias=np.array([1, 2], np.int64),
         alpha=np.array(0.5, np.float32))
np.savez_compressed("deflated.npz", zeta=np.zeros(100, np.float64), beta=np.array([True, False]))
