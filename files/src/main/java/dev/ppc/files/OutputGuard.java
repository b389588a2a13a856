package dev.ppc.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Keeps one command from writing where it must not. A command registers the files it reads
 * ({@link #input}) and then checks each path it will write before doing any work
 * ({@link #output}); a refused path is an {@link OutputFileException} with one line that names the
 * option and the path and says what to do. The rules:
 * <ul>
 *   <li>an output is never an input, nor inside an input directory (a bundle), nor a directory
 *       that holds an input; paths are compared after resolving symbolic links and {@code ..}
 *       ({@link Path#toRealPath}; for a path that does not exist yet, its real folder plus its
 *       name), so another spelling of the same file is caught;</li>
 *   <li>two outputs of one command never share a path;</li>
 *   <li>an existing file is replaced only if it is of the kind being written ({@link FileKind}),
 *       unless the command was given {@code --force};</li>
 *   <li>a file is never written where a directory is, and its folder must exist (outputs whose
 *       writer creates missing folders, like {@code ppc compile -o}, say so).</li>
 * </ul>
 */
public final class OutputGuard {
    private record Input(String label, Path shown, Path real, boolean directory) {}

    private record Output(String option, Path real) {}

    private final boolean force;
    private final List<Input> inputs = new ArrayList<>();
    private final List<Output> outputs = new ArrayList<>();

    /** @param force the command's {@code --force}: replace existing files of another kind */
    public OutputGuard(boolean force) { this.force = force; }

    /**
     * Registers a file or directory the command reads; a directory counts with everything in it.
     * A path that does not exist is skipped, since reading it fails on its own.
     *
     * @param label what the input is, as in "an input of this command (LABEL)": "the model", "--inputs"
     */
    public OutputGuard input(String label, Path path) {
        if (path != null && Files.exists(path)) inputs.add(new Input(label, path, real(path), Files.isDirectory(path)));
        return this;
    }

    /** Checks {@code path}, given as {@code option}, as an output of {@code kind} whose folder must exist. */
    public void output(String option, Path path, FileKind kind) { check(option, path, kind, false); }

    /** Checks an output of {@code kind} whose writer creates its missing folders. */
    public void outputCreatingFolders(String option, Path path, FileKind kind) { check(option, path, kind, true); }

    /**
     * Checks a folder that files are written into (created if missing), such as a dump
     * directory: it must not be inside an input directory, and no input may sit in it under a
     * name the command writes.
     *
     * @param writes whether the command may write a file of this name into the folder
     */
    public void outputFolder(String option, Path dir, Predicate<String> writes) {
        Path real = real(dir);
        String shown = option + " " + dir;
        if (Files.exists(dir) && !Files.isDirectory(dir)) throw refuse(shown + " is a file, not a directory; give a directory");
        checkFoldersCanBeCreated(shown, real);
        for (Input in : inputs) {
            if (in.directory() && real.startsWith(in.real())) throw insideInput(shown, in);
            if (!in.directory() && real.equals(in.real().getParent()) && writes.test(in.real().getFileName().toString())) {
                throw refuse(shown + " would write over " + in.shown() + ", an input of this command (" + in.label() + "); choose another directory");
            }
        }
    }

    private void check(String option, Path path, FileKind kind, boolean createsFolders) {
        Path real = real(path);
        String shown = option + " " + path;
        for (Input in : inputs) {
            if (real.equals(in.real())) throw refuse(shown + " is an input of this command (" + in.label() + "); choose another path");
            if (in.directory() && real.startsWith(in.real())) throw insideInput(shown, in);
            if (in.real().startsWith(real)) {
                throw refuse(shown + " holds " + in.shown() + ", an input of this command (" + in.label() + "); choose another path");
            }
        }
        for (Output o : outputs) {
            if (real.equals(o.real())) throw refuse(shown + " is also the path given to " + o.option() + "; give each output its own path");
        }
        if (Files.exists(path)) {
            if (!kind.directory() && Files.isDirectory(path)) throw refuse(shown + " is a directory; give the path of a file");
            if (!force && !kind.accepts(path)) {
                throw refuse(shown + " exists and is not " + kind.description() + "; refusing to replace it (use --force to replace it anyway)");
            }
        }
        if (createsFolders) {
            checkFoldersCanBeCreated(shown, real);
        } else {
            Path folder = path.getParent() != null ? path.getParent() : path.toAbsolutePath().getParent();
            if (folder != null && !Files.isDirectory(folder)) {
                throw refuse(shown + ": " + (Files.exists(folder) ? folder + " is not a directory" : "the folder " + folder + " does not exist; create it first"));
            }
        }
        outputs.add(new Output(option, real));
    }

    private static void checkFoldersCanBeCreated(String shown, Path real) {
        for (Path p = real.getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) throw refuse(shown + ": " + p + " is a file, not a folder");
                return;
            }
        }
    }

    private static OutputFileException insideInput(String shown, Input in) {
        return refuse(shown + " is inside " + in.shown() + ", an input of this command (" + in.label() + "); choose another path");
    }

    private static OutputFileException refuse(String message) { return new OutputFileException(message); }

    /**
     * The path with every symbolic link and {@code ..} resolved: {@link Path#toRealPath} of the
     * longest part that exists, plus the rest of the names.
     */
    static Path real(Path path) {
        Path abs = path.toAbsolutePath();
        Path existing = abs;
        List<Path> rest = new ArrayList<>();
        while (existing != null && !Files.exists(existing)) {
            if (existing.getFileName() != null) rest.add(0, existing.getFileName());
            existing = existing.getParent();
        }
        Path real;
        try {
            real = existing == null ? abs.getRoot() : existing.toRealPath();
        } catch (IOException e) {
            return abs.normalize();
        }
        for (Path name : rest) real = real.resolve(name);
        return real.normalize();
    }
}
