package dev.ppc.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.ExecutionException;
import dev.ppc.backend.StageOptions;
import dev.ppc.backend.Tensor;
import dev.ppc.backend.UnsupportedOp;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Module;
import dev.ppc.ir.text.IrParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The backend's capability query, and bindings decided by attributes and constant operands. */
class CpuBackendTest {
    private static final float[] X = {1, -2, 3, 4.5f, 0, -6};

    /** The op names in the first column of KERNELS.md's "Ops and dtypes" table, qualifiers dropped. */
    private static Set<String> documentedOps() throws IOException {
        String doc = Files.readString(Path.of("KERNELS.md"));
        String section = doc.substring(doc.indexOf("## Ops and dtypes"), doc.indexOf("## Numerics"));
        String table = section.substring(section.indexOf("|---")); // the rows, without the header
        Set<String> ops = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| ([A-Z][^|]*?) \\|").matcher(table);
        while (row.find()) {
            for (String name : row.group(1).replaceAll("\\([^)]*\\)", "").split(",")) ops.add(name.strip());
        }
        return ops;
    }

    @Test
    void supportedOpsAreTheOnesKernelsMdDocuments() throws IOException {
        assertEquals(documentedOps(), CpuBackend.supportedOnnxOps());
    }

    @Test
    void unsupportedOpsListsEveryOpThatCannotBindWithoutStopping() {
        // Sin and TopK have schemas but no kernel; Abs has a kernel but not for f64; the rest bind.
        Module m = IrParser.parse("""
                module @m opsets {"" = 17} {
                  constant @k : i64[1] = dense 0x0200000000000000
                  func @main(%x: f32[2,3], %d: f64[2,3]) {
                    %k = ppc.constant() {name = "k"} : i64[1]
                    %s = Sin(%x) : f32[2,3] loc("/a/Sin")
                    %r = Relu(%s) : f32[2,3] loc("/a/Relu")
                    %v, %i = TopK(%r, %k) {axis = 1} : f32[2,2], i64[2,2] loc("/b/TopK")
                    %s2 = Sin(%v) : f32[2,2] loc("/b/Sin")
                    %a = Abs(%d) : f64[2,3] loc("/c/Abs")
                    return v = %s2, a = %a, i = %i
                  }
                }
                """);
        List<UnsupportedOp> found = new CpuBackend().unsupportedOps(m, m.main());
        assertEquals(List.of("/a/Sin", "/b/TopK", "/b/Sin", "/c/Abs"), found.stream().map(u -> u.op().location()).toList());
        assertEquals(Arrays.asList(null, null, null, "ABS does not support dtype f64 (supported: f32, i64, i32)"),
                found.stream().map(UnsupportedOp::reason).toList());
        // What the query accepts, compile accepts: without the refused ops the stage compiles.
        Module ok = IrParser.parse("""
                module @m opsets {"" = 17} {
                  func @main(%x: f32[2,3]) {
                    %r = Relu(%x) : f32[2,3] loc("/a/Relu")
                    return r = %r
                  }
                }
                """);
        assertEquals(List.of(), new CpuBackend().unsupportedOps(ok, ok.main()));
    }

    private static Tensor[] run(String ir, Tensor... inputs) {
        Module m = IrParser.parse(ir);
        try (ExecutableStage s = new CpuBackend().compile(m, m.main(), StageOptions.defaults())) {
            Tensor[] out = s.allocateOutputs();
            s.run(inputs, out);
            return out;
        }
    }

    private static String dropout(String ratioHex, String trainingHex) {
        return """
                module @m opsets {"" = 13} {
                  constant @ratio : f32[] = dense 0x%s
                  constant @training : bool[] = dense 0x%s
                  func @main(%%x: f32[2,3]) {
                    %%ratio = ppc.constant() {name = "ratio"} : f32[]
                    %%training = ppc.constant() {name = "training"} : bool[]
                    %%y, %%mask = Dropout(%%x, %%ratio, %%training) : f32[2,3], bool[2,3] loc("drop")
                    return y = %%y, mask = %%mask
                  }
                }
                """.formatted(ratioHex, trainingHex);
    }

    @Test
    void dropoutThatKeepsEverythingCopiesAndWritesAnAllTrueMask() {
        String[] programs = {
            // inference: no training switch
            """
            module @m opsets {"" = 13} {
              func @main(%x: f32[2,3]) {
                %y, %mask = Dropout(%x) : f32[2,3], bool[2,3] loc("drop")
                return y = %y, mask = %mask
              }
            }
            """,
            dropout("0000003f", "00"), // ratio 0.5, training off
            dropout("00000000", "01"), // training on, ratio 0
        };
        for (String ir : programs) {
            Tensor[] out = run(ir, Tensor.ofFloats(new long[] {2, 3}, X));
            assertArrayEquals(X, out[0].toFloatArray());
            assertArrayEquals(new boolean[] {true, true, true, true, true, true}, out[1].toBoolArray());
        }
    }

    @Test
    void trainingDropoutWithARatioIsRefusedAtCompileTime() {
        Module m = IrParser.parse(dropout("0000003f", "01"));
        IrException e = assertThrows(IrException.class, () -> new CpuBackend().compile(m, m.main(), StageOptions.defaults()));
        assertTrue(e.getMessage().contains("Dropout in training mode with ratio 0.5 draws a random mask"), e.getMessage());
    }

    @Test
    void f32OnlyKernelsRefuseOtherDtypesAtCompileTime() {
        Module m = IrParser.parse("""
                module @m opsets {"" = 13} {
                  func @main(%a: f64[2,2], %b: f64[2,2]) {
                    %y = Einsum(%a, %b) {equation = "ij,jk->ik"} : f64[2,2] loc("mm")
                    return y = %y
                  }
                }
                """);
        IrException e = assertThrows(IrException.class, () -> new CpuBackend().compile(m, m.main(), StageOptions.defaults()));
        assertTrue(e.getMessage().contains("Einsum on f64: the CPU backend computes Einsum in f32 only"), e.getMessage());
    }

    @Test
    void integerDivisionByZeroIsTheInputsFaultAndNamesTheNode() {
        Module m = IrParser.parse("""
                module @m opsets {"" = 17} {
                  func @main(%a: i64[3], %b: i64[3]) {
                    %y = Div(%a, %b) : i64[3] loc("/div")
                    return y = %y
                  }
                }
                """);
        try (ExecutableStage s = new CpuBackend().compile(m, m.main(), StageOptions.defaults())) {
            Tensor[] out = s.allocateOutputs();
            s.run(new Tensor[] {Tensor.ofLongs(new long[] {3}, 7, 8, 9), Tensor.ofLongs(new long[] {3}, 2, 4, 3)}, out);
            assertArrayEquals(new long[] {3, 2, 3}, new long[] {out[0].getLong(0), out[0].getLong(1), out[0].getLong(2)});
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> s.run(new Tensor[] {Tensor.ofLongs(new long[] {3}, 7, 8, 9), Tensor.ofLongs(new long[] {3}, 2, 0, 3)}, out));
            assertTrue(e.isBadInput());
            assertEquals("Div node '/div': integer division by zero: the divisor has an element 0", e.getMessage());
        }
    }
}
