package dev.ppc.backend.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.ppc.backend.Tensor;

/**
 * Fuzzes the {@code .npy} reader (docs/fuzzing.md). Any bytes either read as a tensor or are
 * refused with an {@link NpyFormatException}; a tensor that was read writes back to bytes that
 * read as the same tensor. Anything else that escapes, an {@link Error} or a hang is a bug.
 */
class NpyFuzzTest {
    /** A header is at most 64 KiB; larger inputs only add data bytes, which the reader copies. */
    private static final int MAX_INPUT_BYTES = 1 << 17;

    @FuzzTest
    void read(byte[] input) {
        if (input.length > MAX_INPUT_BYTES) return;
        Tensor t;
        try {
            t = Npy.fromBytes(input, "fuzz.npy");
        } catch (NpyFormatException userError) {
            return;
        }
        Tensor back = Npy.fromBytes(Npy.toBytes(t), "written.npy");
        assertEquals(t.dtype(), back.dtype());
        assertArrayEquals(t.shape(), back.shape());
        assertEquals(t.data(), back.data(), "the data changed in a write and read back");
    }
}
