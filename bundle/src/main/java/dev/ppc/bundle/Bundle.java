package dev.ppc.bundle;

import dev.ppc.ir.Module;
import dev.ppc.schedule.Schedule;
import java.nio.file.Path;
import java.util.List;

/**
 * A bundle read back and verified by {@link BundleReader}: its manifest and, for each stage, a
 * module whose {@code @main} is the stage program with every constant's data loaded.
 *
 * @param path         the bundle directory or zip archive
 * @param manifest     the manifest
 * @param stages       stage k's program at index k
 * @param schedule     schedule.json, verified against its checksum and the manifest, and valid
 */
public record Bundle(Path path, BundleManifest manifest, List<Module> stages, Schedule schedule) {
    public Bundle {
        stages = List.copyOf(stages);
    }
}
