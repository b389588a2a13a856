package dev.ppc.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Leftovers of a writer that was killed: siblings named with the process id of a process that has ended. */
final class DeadWriter {
    private static long deadPid = -1;

    private DeadWriter() {}

    /** The id of a process that has exited (a finished {@code true}). */
    static synchronized long pid() throws IOException, InterruptedException {
        if (deadPid < 0) {
            Process p = new ProcessBuilder("true").start();
            p.waitFor();
            deadPid = p.pid();
        }
        return deadPid;
    }

    /** {@code .NAME.KIND-PID-00c0ffee} beside {@code target}, as a writer with process id {@code pid} names it. */
    static Path sibling(Path target, String kind, long pid) {
        return target.resolveSibling("." + target.getFileName() + "." + kind + "-" + pid + "-00c0ffee");
    }

    static Path deadSibling(Path target, String kind) throws IOException, InterruptedException {
        return sibling(target, kind, pid());
    }

    static void writeBundleLike(Path dir, String marker) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("manifest.json"), "{\"marker\": \"" + marker + "\"}");
    }
}
