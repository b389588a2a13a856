/**
 * IR-to-IR passes over {@link dev.ppc.ir.Module}s and the machinery that runs them.
 *
 * <p>Each pass is one class with a stable name ({@link dev.ppc.passes.Pass#name()}); a
 * {@link dev.ppc.passes.PassRegistry} maps names to factories and parses pipelines written as
 * text ({@code "specialize-shapes{input_ids=2x8},fold-constants,dce,cse"}); a
 * {@link dev.ppc.passes.PassManager} runs a pipeline, verifies the module after every pass and
 * can print or dump the IR between passes.
 *
 * <p>The clean-up passes that every frontend's output goes through are
 * {@link dev.ppc.passes.SpecializeShapes} ({@code specialize-shapes}),
 * {@link dev.ppc.passes.FoldConstants} ({@code fold-constants}),
 * {@link dev.ppc.passes.DeadCodeElimination} ({@code dce}) and
 * {@link dev.ppc.passes.CommonSubexpressionElimination} ({@code cse}).
 * {@link dev.ppc.passes.FuseElementwise} ({@code fuse-elementwise}) is registered too but runs in
 * the backends that evaluate {@code ppc.fused}, not in the clean-up.
 */
package dev.ppc.passes;
