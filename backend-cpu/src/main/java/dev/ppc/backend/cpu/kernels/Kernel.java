package dev.ppc.backend.cpu.kernels;

import dev.ppc.backend.Tensor;
import dev.ppc.ir.DType;

/**
 * A compiled form of one op for static shapes: constructed once with the input shapes, dtypes
 * and attributes, then run any number of times on tensors of exactly those shapes.
 *
 * <p>Construction validates everything that can be validated without data (ranks, broadcasting,
 * axes, dtypes) and precomputes strides and loop plans, so {@link #run} does only arithmetic and
 * allocates nothing (beyond a few small pointer wrappers for native calls).
 *
 * <p>{@code run} reads {@code inputs} and writes every non-null entry of {@code outputs}; the
 * caller allocates the outputs with {@link #outputShapes()} and {@link #outputTypes()}. Optional
 * ONNX inputs are passed as {@code null} (or left off the end of the array); optional outputs the
 * graph does not use may be {@code null}. Outputs must not alias inputs unless a kernel says so.
 *
 * <p>Kernels are not thread-safe: a kernel instance may hold scratch buffers, so one instance is
 * run by one thread at a time. Different instances may run concurrently.
 */
public interface Kernel {
    /**
     * Computes the outputs.
     *
     * @throws IllegalArgumentException if a tensor's dtype or shape differs from what the kernel
     *     was built for (the message names the kernel, the operand and both shapes)
     */
    void run(Tensor[] inputs, Tensor[] outputs);

    /** The shapes of the outputs, in ONNX output order (copies). */
    long[][] outputShapes();

    /** The dtypes of the outputs, in ONNX output order. */
    DType[] outputTypes();
}
