package dev.ppc.backend.cpu.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The last-axis Softmax, which runs several rows per block through table-free exponentials:
 * masked rows (-3.4e38 and -inf entries, as attention masks produce), rows with NaN or +inf, a
 * row count that is not a multiple of the block, and rows longer than a block.
 */
class SoftmaxRowsTest {
    @Test
    void maskedAndSpecialRows() {
        for (int n : new int[] {1, 3, 128, 700}) {
            int rows = 13;
            Tensor x = Tensor.allocate(DType.F32, rows, n);
            Random r = new Random(n);
            for (int i = 0; i < rows * n; i++) x.setFloat(i, (float) (r.nextGaussian() * 5));
            for (int j = 1; j < n; j += 2) x.setFloat(2L * n + j, -3.4028235e38f);
            for (int j = 0; j < n; j += 3) x.setFloat(3L * n + j, Float.NEGATIVE_INFINITY);
            x.setFloat(5L * n + n / 2, Float.NaN);
            x.setFloat(7L * n + n - 1, Float.POSITIVE_INFINITY);
            for (int j = 0; j < n; j++) x.setFloat(9L * n + j, Float.NEGATIVE_INFINITY);
            Tensor y = Ref.run(new Softmax(new long[] {rows, n}, -1, false), x);
            for (int row = 0; row < rows; row++) {
                double max = Double.NEGATIVE_INFINITY, sum = 0;
                for (int j = 0; j < n; j++) max = Math.max(max, x.getFloat((long) row * n + j));
                for (int j = 0; j < n; j++) sum += Math.exp(x.getFloat((long) row * n + j) - max);
                // NaN, +inf and all -inf rows have no softmax: every entry is NaN (as x - max is NaN somewhere).
                boolean allNaN = Double.isNaN(sum);
                assertEquals(row == 5 || row == 7 || row == 9 || (n == 1 && row == 3), allNaN, "row " + row);
                for (int j = 0; j < n; j++) {
                    float got = y.getFloat((long) row * n + j);
                    if (allNaN) {
                        assertTrue(Float.isNaN(got), "row " + row + " must be NaN");
                        continue;
                    }
                    double want = Math.exp(x.getFloat((long) row * n + j) - max) / sum;
                    assertEquals(want, got, 1e-6 * want + 1e-12, "row " + row + " col " + j + " n " + n);
                }
            }
            // Masked entries are exactly 0.
            if (n > 1) assertEquals(0f, y.getFloat(2L * n + 1));
        }
    }
}
