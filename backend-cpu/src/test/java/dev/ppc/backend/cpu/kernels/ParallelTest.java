package dev.ppc.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ppc.backend.Tensor;
import dev.ppc.backend.cpu.Blas;
import dev.ppc.ir.DType;
import dev.ppc.ir.schema.FusedProgram;
import java.util.Random;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every kernel that splits its work over a pool gives the same bits with 2 and 3 threads as on
 * one, on shapes large enough to be split (and some too small to be). NaNs compare equal whatever
 * their payload (see {@link FusedTest#assertSameBits}).
 */
class ParallelTest {
    @Test
    void poolCoversTheRangeOnceAndPropagatesFailures() {
        try (Parallel p = new Parallel(3)) {
            for (int count : new int[] {0, 1, 2, 5, 1000}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(Math.max(count, 1));
                p.forRange(count, 1, (w, from, to) -> {
                    for (int i = from; i < to; i++) seen.incrementAndGet(i);
                });
                for (int i = 0; i < count; i++) assertEquals(1, seen.get(i), "index " + i + " of " + count);
            }
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> p.forRange(9, 1, (w, from, to) -> { if (w == 2) throw new IllegalStateException("chunk 2"); }));
            assertEquals("chunk 2", e.getMessage());
            // The pool still works after a failure.
            AtomicIntegerArray seen = new AtomicIntegerArray(9);
            p.forRange(9, 1, (w, from, to) -> { for (int i = from; i < to; i++) seen.incrementAndGet(i); });
            for (int i = 0; i < 9; i++) assertEquals(1, seen.get(i));
        }
    }

    @Test
    void fusedSoftmaxLayerNormMatchSerialBitwise() {
        Random r = new Random(21);
        long[] big = {4, 130, 257};
        same(() -> new Fused(FusedProgram.parse(FusedTest.GELU), new long[][] {{257}, big}),
                new Tensor[] {FusedTest.randomFloats(r, new long[] {257}), FusedTest.randomFloats(r, big)});
        same(() -> new Softmax(big, -1, false), new Tensor[] {FusedTest.randomFloats(r, big)});
        same(() -> new Softmax(new long[] {3, 70000}, -1, false), new Tensor[] {FusedTest.randomFloats(r, new long[] {3, 70000})});
        same(() -> new LayerNormalization(big, new long[] {257}, new long[] {257}, -1, 1e-5f),
                new Tensor[] {FusedTest.randomFloats(r, big), FusedTest.randomFloats(r, new long[] {257}),
                    FusedTest.randomFloats(r, new long[] {257})});
    }

    @Test
    void matMulTransposeSplitBinaryMatchSerialBitwise() {
        // As a stage runs them: OpenBLAS single-threaded (its own threads split rows anywhere).
        Blas.setThreads(1);
        Random r = new Random(22);
        // Folded (split by row blocks; under whatever OPENBLAS_CORETYPE the environment sets), batched.
        same(() -> new MatMul(new long[] {2, 300, 96}, new long[] {96, 200}),
                new Tensor[] {Ref.randomFloats(r, -1f, 1f, 2, 300, 96), Ref.randomFloats(r, -1f, 1f, 96, 200)});
        same(() -> new MatMul(new long[] {8, 128, 256}, new long[] {256, 768}),
                new Tensor[] {Ref.randomFloats(r, -1f, 1f, 8, 128, 256), Ref.randomFloats(r, -1f, 1f, 256, 768)});
        same(() -> new MatMul(new long[] {3, 256}, new long[] {256, 900}),
                new Tensor[] {Ref.randomFloats(r, -1f, 1f, 3, 256), Ref.randomFloats(r, -1f, 1f, 256, 900)});
        same(() -> new MatMul(new long[] {2, 4, 64, 32}, new long[] {2, 4, 32, 64}),
                new Tensor[] {Ref.randomFloats(r, -1f, 1f, 2, 4, 64, 32), Ref.randomFloats(r, -1f, 1f, 2, 4, 32, 64)});
        same(() -> new Transpose(DType.F32, new long[] {4, 96, 8, 32}, new long[] {0, 2, 1, 3}),
                new Tensor[] {Ref.randomFloats(r, -1f, 1f, 4, 96, 8, 32)});
        same(() -> new Transpose(DType.F32, new long[] {4, 96, 8, 32}, new long[] {0, 2, 3, 1}),
                new Tensor[] {Ref.randomFloats(r, -1f, 1f, 4, 96, 8, 32)});
        same(() -> new Split(DType.F32, new long[] {4, 200, 96}, 2, new long[] {32, 32, 32}),
                new Tensor[] {Ref.randomFloats(r, -1f, 1f, 4, 200, 96)});
        same(() -> new Binary(Binary.Op.ADD, DType.F32, new long[] {96}, new long[] {4, 500, 96}),
                new Tensor[] {Ref.randomFloats(r, -1f, 1f, 96), Ref.randomFloats(r, -1f, 1f, 4, 500, 96)});
        same(() -> new Binary(Binary.Op.POW, DType.F32, new long[] {7, 9000}, new long[] {}),
                new Tensor[] {Ref.randomFloats(r, -3f, 3f, 7, 9000), Tensor.scalarFloat(3f)});
        same(() -> new Binary(Binary.Op.DIV, DType.F32, new long[] {3, 1, 9000}, new long[] {3, 5, 1}),
                new Tensor[] {Ref.randomFloats(r, -3f, 3f, 3, 1, 9000), Ref.randomFloats(r, 1f, 3f, 3, 5, 1)});
    }

    /** Runs a fresh kernel serially and with pools of 2 and 3 threads; all outputs must match bitwise. */
    private static void same(Supplier<Kernel> make, Tensor[] in) {
        Kernel serial = make.get();
        Tensor[] want = outputsOf(serial);
        serial.run(in, want);
        for (int threads : new int[] {2, 3}) {
            try (Parallel p = new Parallel(threads)) {
                Kernel k = make.get();
                ((ParallelKernel) k).useParallel(p);
                for (int rep = 0; rep < 2; rep++) {
                    Tensor[] got = outputsOf(k);
                    k.run(in, got);
                    for (int i = 0; i < got.length; i++) {
                        FusedTest.assertSameBits(want[i], got[i], k.getClass().getSimpleName() + " output " + i + " with "
                                + threads + " threads");
                    }
                }
            }
        }
    }

    private static Tensor[] outputsOf(Kernel k) {
        long[][] shapes = k.outputShapes();
        DType[] types = k.outputTypes();
        Tensor[] out = new Tensor[shapes.length];
        for (int i = 0; i < out.length; i++) out[i] = Tensor.allocate(types[i], shapes[i]);
        return out;
    }
}
