package dev.ppc.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.StageOptions;
import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import dev.ppc.ir.Module;
import dev.ppc.ir.text.IrParser;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Strided MatMuls: a GPT-2 attention block (QKV split, heads, K transposed, heads merged) runs
 * without its Split and Transpose kernels and gives the same bits as with them, with 1 and 2
 * threads; and the reshape-of-a-strided-view rule.
 */
class MatMulViewsTest {
    static final String ATTENTION = """
            module @attn opsets {"" = 17} {
              constant @sizes : i64[3] = dense 0x100000000000000010000000000000001000000000000000
              constant @heads : i64[4] = dense 0x0200000000000000080000000000000002000000000000000800000000000000
              constant @merged : i64[3] = dense 0x020000000000000008000000000000001000000000000000
              func @main(%qkv: f32[2,8,48]) {
                %sizes = ppc.constant() {name = "sizes"} : i64[3]
                %heads = ppc.constant() {name = "heads"} : i64[4]
                %merged = ppc.constant() {name = "merged"} : i64[3]
                %q, %k, %v = Split(%qkv, %sizes) {axis = 2} : f32[2,8,16], f32[2,8,16], f32[2,8,16]
                %qh = Reshape(%q, %heads) : f32[2,8,2,8]
                %qt = Transpose(%qh) {perm = [0, 2, 1, 3]} : f32[2,2,8,8]
                %kh = Reshape(%k, %heads) : f32[2,8,2,8]
                %vh = Reshape(%v, %heads) : f32[2,8,2,8]
                %vt = Transpose(%vh) {perm = [0, 2, 1, 3]} : f32[2,2,8,8]
                %kt = Transpose(%kh) {perm = [0, 2, 3, 1]} : f32[2,2,8,8]
                %s = MatMul(%qt, %kt) : f32[2,2,8,8]
                %p = Softmax(%s) {axis = -1} : f32[2,2,8,8]
                %o = MatMul(%p, %vt) : f32[2,2,8,8]
                %ot = Transpose(%o) {perm = [0, 2, 1, 3]} : f32[2,8,2,8]
                %y = Reshape(%ot, %merged) : f32[2,8,16]
                return y = %y
              }
            }
            """;

    @Test
    void attentionRunsWithoutCopiesAndWithTheSameBits() {
        Module m = IrParser.parse(ATTENTION);
        Tensor qkv = Tensor.allocate(DType.F32, 2, 8, 48);
        Random r = new Random(3);
        for (int i = 0; i < qkv.numel(); i++) qkv.setFloat(i, (float) r.nextGaussian());
        Blas.setThreads(1);
        Tensor want = run(m, qkv, false, 1);
        for (int threads : new int[] {1, 2}) {
            Tensor got = run(m, qkv, true, threads);
            assertTrue(Tensor.bitwiseEqual(want, got), "strided MatMuls with " + threads + " threads change the result");
        }
        try (CpuExecutableStage plain = new CpuExecutableStage(m, m.main(), StageOptions.defaults(), false);
             CpuExecutableStage strided = new CpuExecutableStage(m, m.main(), StageOptions.defaults(), true)) {
            // Split, three head Transposes and the merge Transpose are gone; MatMul x2 and Softmax remain.
            assertEquals(8, plain.kernelSteps());
            assertEquals(3, strided.kernelSteps());
        }
    }

    private static Tensor run(Module m, Tensor qkv, boolean stridedMatMuls, int threads) {
        try (CpuExecutableStage s = new CpuExecutableStage(m, m.main(), new StageOptions(threads, false), stridedMatMuls)) {
            Tensor[] out = s.allocateOutputs();
            s.run(new Tensor[] {qkv}, out);
            return out[0];
        }
    }

    @Test
    void reshapeOfStridedViews() {
        // A Split piece [8,128,256] of [8,128,768] reshaped to heads.
        assertArrayEquals(new long[] {98304, 768, 64, 1},
                MatMulViews.reshapeStrides(new long[] {8, 128, 256}, new long[] {98304, 768, 1}, new long[] {8, 128, 4, 64}));
        // Merging contiguous dims, with size-1 dims around.
        assertArrayEquals(new long[] {512, 512, 1},
                MatMulViews.reshapeStrides(new long[] {4, 1, 8, 64}, new long[] {512, 512, 64, 1}, new long[] {4, 1, 512}));
        // Rows of a Split piece are evenly spaced: batch and sequence merge.
        assertArrayEquals(new long[] {768, 1},
                MatMulViews.reshapeStrides(new long[] {8, 128, 256}, new long[] {98304, 768, 1}, new long[] {1024, 256}));
        // Merging dims that are not contiguous with each other needs a copy.
        assertNull(MatMulViews.reshapeStrides(new long[] {4, 8}, new long[] {1, 4}, new long[] {32}));
        assertNull(MatMulViews.reshapeStrides(new long[] {2, 3}, new long[] {10, 1}, new long[] {6}));
    }
}
