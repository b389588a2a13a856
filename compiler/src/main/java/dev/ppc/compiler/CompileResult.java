package dev.ppc.compiler;

import dev.ppc.bundle.BundleManifest;
import dev.ppc.bundle.BundleSummary;
import dev.ppc.passes.partition.PartitionPlan;
import java.nio.file.Path;

/**
 * What {@link Compiler#compile} produced.
 *
 * @param bundle   the bundle directory written
 * @param plan     the validated partition plan
 * @param manifest the bundle's manifest as written
 * @param summary  per-stage figures (what {@code ppc inspect} prints)
 */
public record CompileResult(Path bundle, PartitionPlan plan, BundleManifest manifest, BundleSummary summary) {}
