package dev.ppc.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The hidden siblings an atomic write of {@code DIR/NAME} leaves beside its target while it runs:
 * {@code DIR/.NAME.tmp-PID-RANDOM} (new content being written) and
 * {@code DIR/.NAME.replaced-PID-RANDOM} (an old directory moved aside). The writer's process id in
 * the name tells a later writer whether the sibling's owner is still running, so it removes only
 * those of dead processes; the random part keeps concurrent writers, even in one process, apart.
 * Also the durability helpers (fsync of files, directories and trees) the writers share.
 */
final class Siblings {
    enum Kind {
        TEMP("tmp"), ASIDE("replaced");

        final String tag;

        Kind(String tag) { this.tag = tag; }
    }

    private static final long PID = ProcessHandle.current().pid();
    /**
     * The sibling names this process has drawn. A sibling with this process's id that is not
     * among them was left by an earlier process that had the same id, which is common in
     * containers (where every run may be process 1): its owner is gone.
     */
    private static final Set<String> OWN = ConcurrentHashMap.newKeySet();

    private Siblings() {}

    /** A fresh sibling name of {@code kind} for {@code target}, owned by this process. */
    static Path fresh(Path target, Kind kind) {
        byte[] random = new byte[4];
        ThreadLocalRandom.current().nextBytes(random);
        String name = "." + target.getFileName() + "." + kind.tag + "-" + PID + "-" + HexFormat.of().formatHex(random);
        Path sibling = target.resolveSibling(name);
        OWN.add(sibling.toAbsolutePath().toString());
        return sibling;
    }

    /** Creates an empty temp file beside {@code target}, under a name no one else holds. */
    static Path createTempFile(Path target) throws IOException {
        while (true) {
            try {
                return Files.createFile(fresh(target, Kind.TEMP));
            } catch (FileAlreadyExistsException e) {
                // Another writer drew the same random part; draw again.
            }
        }
    }

    /** Creates an empty temp directory beside {@code target}, under a name no one else holds. */
    static Path createTempDirectory(Path target) throws IOException {
        while (true) {
            try {
                return Files.createDirectory(fresh(target, Kind.TEMP));
            } catch (FileAlreadyExistsException e) {
                // Another writer drew the same random part; draw again.
            }
        }
    }

    /** A sibling of {@code target}'s and whether the process that made it is gone. */
    record Found(Path path, Kind kind, boolean ownerDead) {}

    /** Every temp and aside sibling of {@code target} (none if its folder does not exist). */
    static List<Found> of(Path target) throws IOException {
        Path dir = target.getParent();
        List<Found> found = new ArrayList<>();
        if (dir == null || !Files.isDirectory(dir)) return found;
        Pattern p = Pattern.compile("\\." + Pattern.quote(target.getFileName().toString()) + "\\.(tmp|replaced)-(\\d{1,18})-[0-9a-f]{8}");
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path sibling : s) {
                Matcher m = p.matcher(sibling.getFileName().toString());
                if (!m.matches()) continue;
                Kind kind = m.group(1).equals("tmp") ? Kind.TEMP : Kind.ASIDE;
                long pid = Long.parseLong(m.group(2));
                boolean ownerDead = pid == PID ? !OWN.contains(sibling.toAbsolutePath().toString()) : !alive(pid);
                found.add(new Found(sibling, kind, ownerDead));
            }
        }
        found.sort(Comparator.comparing(f -> f.path().getFileName().toString()));
        return found;
    }

    /**
     * Deletes the temp siblings whose writers are dead: what a killed write left behind. Best
     * effort: one that cannot be deleted (another user's, in a shared folder) is left, and the
     * write that asked goes on.
     */
    static void deleteDeadTemps(Path target) throws IOException {
        for (Found f : of(target)) {
            if (f.kind() != Kind.TEMP || !f.ownerDead()) continue;
            try {
                deleteTree(f.path());
            } catch (IOException e) {
                // Not ours to remove after all; it does not stand in the way of this write.
            }
        }
    }

    private static boolean alive(long pid) {
        try {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        } catch (SecurityException e) {
            return true; // cannot tell, so assume the owner may still be writing and leave its files
        }
    }

    /** Deletes a file or a directory tree; a path that is already gone is fine. Links are removed, not followed. */
    static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) return;
        List<Path> paths;
        try (Stream<Path> s = Files.walk(path)) {
            paths = s.sorted(Comparator.reverseOrder()).toList();
        } catch (NoSuchFileException e) {
            return;
        }
        for (Path p : paths) Files.deleteIfExists(p);
    }

    /** Flushes a file's data to the device. */
    static void syncFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Flushes a directory's entries (names created, renamed or removed in it) to the device. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // Some file systems cannot open or sync a directory; a rename there is as durable as they make it.
            if (!Files.isDirectory(dir)) throw e;
        }
    }

    /** Flushes every file and directory under {@code root}, directories after their contents. */
    static void syncTree(Path root) throws IOException {
        List<Path> paths;
        try (Stream<Path> s = Files.walk(root)) {
            paths = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : paths) {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) syncFile(p);
            else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) syncDirectory(p);
        }
    }
}
