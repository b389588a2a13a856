package dev.ppc.cli;

import dev.ppc.backend.ExecutionException;
import dev.ppc.backend.io.NpyFormatException;
import dev.ppc.files.OutputFileException;
import dev.ppc.ir.IrException;
import dev.ppc.ir.Names;
import dev.ppc.runtime.InputMismatchException;
import dev.ppc.runtime.PipelineException;
import dev.ppc.schedule.ScheduleException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine;

/**
 * The {@code ppc} entry point. It maps failures to the CLI contract (DESIGN.md): exit 0 on success;
 * exit 2 with one line {@code error: ...} on stderr for bad input or arguments; exit 1 for an
 * internal error. Stack traces appear only with {@code --debug}.
 */
public final class Main {
    /**
     * Exception types whose messages are user-facing diagnostics (exit status 2); subclasses
     * count too (BundleException and CutSpecException are IrExceptions). An output file that
     * cannot be written (a full disk, a missing folder) or must not be (an input of the command)
     * is the user's to fix, so OutputFileException is among them.
     */
    private static final List<Class<? extends Throwable>> USER_ERROR_TYPES = List.of(
            UserError.class, IrException.class, ScheduleException.class, NpyFormatException.class,
            PipelineException.class, InputMismatchException.class, OutputFileException.class);

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the CLI and returns its exit status; used by tests in-process. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        boolean debug = Arrays.asList(args).contains("--debug");
        String[] filtered = Arrays.stream(args).filter(a -> !a.equals("--debug")).toArray(String[]::new);
        CommandLine cl = new CommandLine(new PpcCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("error: " + oneLine(ex.getMessage()) + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            if (debug) ex.printStackTrace(err);
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            Throwable user = userError(ex);
            if (user != null) {
                // ppc's own diagnostics are one line by contract, so a line break left in one
                // can only come from a name in the user's files: escape it rather than fold it.
                err.println("error: " + Names.printable(Objects.toString(user.getMessage(), "").strip()));
                if (debug) ex.printStackTrace(err);
                return 2;
            }
            if (ex instanceof CommandLine.ParameterException pe) {
                err.println("error: " + oneLine(pe.getMessage()));
                return 2;
            }
            err.println("internal error: " + oneLine(String.valueOf(ex)) + (debug ? "" : " (run with --debug for the stack trace)"));
            if (debug) ex.printStackTrace(err);
            return 1;
        });
        int status;
        try {
            status = cl.execute(filtered);
        } catch (OutOfMemoryError e) {
            // picocli hands Errors through. Inputs too large for the memory the JVM was given are
            // the user's to fix, with more memory or smaller pieces; the stage's own check names
            // the stage, this covers every other allocation.
            err.println("error: out of memory: " + oneLine(e.getMessage()) + "; give the JVM more with PPC_JAVA_OPTS (-Xmx for the heap, "
                    + "-XX:MaxDirectMemorySize for tensors), or use smaller inputs or more microbatches");
            if (debug) e.printStackTrace(err);
            status = 2;
        }
        out.flush();
        err.flush();
        return status;
    }

    /**
     * The exception whose message is the user-facing diagnostic, or null for an internal error.
     * A kernel failure counts as the user's when the data they gave caused it (a bad index), and
     * as ppc's own otherwise, wherever it surfaces (also wrapped in a pipeline failure).
     */
    private static Throwable userError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ExecutionException ee && !ee.isBadInput()) return null;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ExecutionException) return t;
            for (Class<? extends Throwable> k : USER_ERROR_TYPES) {
                if (k.isInstance(c)) return c;
            }
        }
        return null;
    }

    /**
     * A library's message (picocli's, or an internal error's) as one printable line: line breaks
     * become spaces, and any other control character (from an argument the user typed) is escaped.
     */
    static String oneLine(String s) { return s == null ? "" : Names.printable(s.replaceAll("\\s*\\R\\s*", " ").trim()); }
}
