# Regenerates the NumPy-written fixtures that NpyNumpyCompatTest reads.
# Run from this directory: python3 make_fixtures.py   (numpy >= 1.17)
# Every array is a simple function of its index, so the Java test can recompute it.
import numpy as np

def save(name, a, version=None):
    with open(name, "wb") as f:
        np.lib.format.write_array(f, a, version=version)

save("f32_2x3.npy", (np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5) * 0.5)
save("f64_4.npy", np.arange(4, dtype=np.float64) / 3.0)
save("i64_2x2x2.npy", np.arange(8, dtype=np.int64).reshape(2, 2, 2) * -3 + 7)
save("i32_5.npy", np.array([-2147483648, -1, 0, 1, 2147483647], dtype=np.int32))
save("bool_3.npy", np.array([True, False, True]))
save("u8_4.npy", np.array([0, 1, 128, 255], dtype=np.uint8))
save("i8_4.npy", np.array([-128, -1, 0, 127], dtype=np.int8))
save("f16_3.npy", np.array([1.0, -0.5, 65504.0], dtype=np.float16))
save("scalar_f32.npy", np.float32(3.25) * np.ones((), dtype=np.float32))
save("empty_0x3.npy", np.zeros((0, 3), dtype=np.float32))
save("f32_be_3.npy", np.array([1.5, -2.0, 1e-3], dtype=">f4"))
save("v2_f32_2.npy", np.array([1.0, 2.0], dtype=np.float32), version=(2, 0))
save("v3_f32_2.npy", np.array([1.0, 2.0], dtype=np.float32), version=(3, 0))
save("fortran_2x3.npy", np.asfortranarray(np.arange(6, dtype=np.float32).reshape(2, 3)))
save("complex_2.npy", np.array([1 + 2j, 3 - 4j], dtype=np.complex64))
np.savez("stored.npz", x=np.arange(3, dtype=np.float32), ids=np.array([[1, 2]], dtype=np.int64),
         mask=np.array([True, False]))
np.savez_compressed("deflated.npz", b=np.arange(6, dtype=np.float32).reshape(3, 2),
                    a=np.float32(2.0) * np.ones((), dtype=np.float32))
