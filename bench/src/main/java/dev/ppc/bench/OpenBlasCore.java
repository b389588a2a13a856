package dev.ppc.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import jdk.incubator.foreign.CLinker;
import jdk.incubator.foreign.FunctionDescriptor;
import jdk.incubator.foreign.MemoryAddress;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;

/**
 * Asks the loaded OpenBLAS which kernel family it runs ({@code openblas_get_corename()}, e.g.
 * "Haswell" or "Cooperlake"). The bundled OpenBLAS is a DYNAMIC_ARCH build that picks its
 * kernels at load time from the CPU, unless {@code OPENBLAS_CORETYPE} forces one, so a benchmark
 * has to say which one it measured. The bytedeco preset does not map this function; it is called
 * through the JDK 17 incubating foreign linker (the bench runs with
 * {@code --add-modules jdk.incubator.foreign --enable-native-access=ALL-UNNAMED}, see run.sh).
 */
final class OpenBlasCore {
    private OpenBlasCore() {}

    /** The core name, or a sentence saying why it could not be read. */
    static String name() {
        try {
            Pointer fn = Loader.addressof("openblas_get_corename");
            if (fn == null || fn.isNull()) return "unknown (openblas_get_corename not found)";
            MethodHandle h = CLinker.getInstance().downcallHandle(MemoryAddress.ofLong(fn.address()),
                    MethodType.methodType(MemoryAddress.class), FunctionDescriptor.of(CLinker.C_POINTER));
            return CLinker.toJavaString((MemoryAddress) h.invokeExact()).strip();
        } catch (Throwable e) {
            return "unknown (" + e + ")";
        }
    }
}
