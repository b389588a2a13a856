package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class VariadicAndWhereTest {
    private static double fold(Variadic.Op op, double[] xs) {
        double acc = xs[0];
        for (int i = 1; i < xs.length; i++) {
            switch (op) {
                case MIN: acc = Math.min(acc, xs[i]); break;
                case MAX: acc = Math.max(acc, xs[i]); break;
                default: acc += xs[i];
            }
        }
        return op == Variadic.Op.MEAN ? acc / xs.length : acc;
    }

    @Test
    void variadicOpsOverBroadcastInputs() {
        Random r = new Random(30);
        for (Variadic.Op op : Variadic.Op.values()) {
            for (DType t : new DType[] {DType.F32, DType.I64, DType.I32}) {
                if (op == Variadic.Op.MEAN && t != DType.F32) continue;
                for (int trial = 0; trial < 25; trial++) {
                    long[] out = Ref.randomShape(r, r.nextInt(4), 4);
                    int n = 1 + r.nextInt(4);
                    long[][] shapes = new long[n][];
                    Tensor[] in = new Tensor[n];
                    for (int k = 0; k < n; k++) {
                        shapes[k] = k == trial % n ? out : Ref.broadcastable(r, out);
                        in[k] = t == DType.F32 ? Ref.randomFloats(r, shapes[k])
                                : Ref.randomInts(r, t, -100, 100, shapes[k]);
                    }
                    Tensor y = Ref.run(new Variadic(op, t, shapes), in);
                    long[] full = Ref.broadcast(shapes);
                    assertArrayEquals(full, y.shape());
                    double[] e = new double[(int) Ref.count(full)];
                    for (int i = 0; i < e.length; i++) {
                        int[] idx = Ref.unravel(i, full);
                        double[] xs = new double[n];
                        for (int k = 0; k < n; k++) xs[k] = Ref.value(in[k], Ref.broadcastIndex(idx, shapes[k]));
                        // Float sums round after every addition, as the kernel does.
                        double acc = xs[0];
                        if (t == DType.F32 && (op == Variadic.Op.SUM || op == Variadic.Op.MEAN)) {
                            float f = (float) xs[0];
                            for (int k = 1; k < n; k++) f += (float) xs[k];
                            acc = op == Variadic.Op.MEAN ? f / n : f;
                            e[i] = acc;
                        } else {
                            e[i] = fold(op, xs);
                        }
                    }
                    Ref.assertExact(e, y, op + " " + t + " " + Ref.str(shapes));
                }
            }
        }
    }

    @Test
    void singleInputIsACopy() {
        Tensor x = Tensor.ofFloats(new long[] {2}, 3, -1);
        assertArrayEquals(x.toFloatArray(),
                Ref.run(new Variadic(Variadic.Op.MAX, DType.F32, x.shape()), x).toFloatArray());
    }

    @Test
    void whereBroadcastsThreeWays() {
        Random r = new Random(31);
        for (DType t : new DType[] {DType.F32, DType.I64, DType.BOOL, DType.F16}) {
            for (int trial = 0; trial < 40; trial++) {
                long[] out = Ref.randomShape(r, r.nextInt(5), 4);
                long[] cs = Ref.broadcastable(r, out);
                long[] xs = Ref.broadcastable(r, out);
                long[] ys = trial % 2 == 0 ? out : Ref.broadcastable(r, out);
                Tensor c = Ref.randomInts(r, DType.BOOL, 0, 1, cs);
                Tensor x = Tensor.allocate(t, xs);
                Tensor y = Tensor.allocate(t, ys);
                for (int i = 0; i < x.byteSize(); i++) x.data().put(i, (byte) r.nextInt());
                for (int i = 0; i < y.byteSize(); i++) y.data().put(i, (byte) r.nextInt());
                Tensor o = Ref.run(new Where(t, cs, xs, ys), c, x, y);
                long[] full = Ref.broadcast(cs, xs, ys);
                assertArrayEquals(full, o.shape());
                int e = t.byteSize();
                for (int i = 0; i < Ref.count(full); i++) {
                    int[] idx = Ref.unravel(i, full);
                    boolean cond = c.getBool(Ref.broadcastIndex(idx, cs));
                    Tensor src = cond ? x : y;
                    int si = Ref.broadcastIndex(idx, cond ? xs : ys);
                    for (int b = 0; b < e; b++) {
                        assertEquals(src.data().get(si * e + b), o.data().get(i * e + b),
                                t + " " + Ref.str(cs, xs, ys) + " element " + i);
                    }
                }
            }
        }
    }
}
