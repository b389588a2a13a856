package dev.ppc.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI in-process and captures its exit status, stdout and stderr. */
record CliRunner(int status, String out, String err) {
    static CliRunner run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int status = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new CliRunner(status, out.toString(), err.toString());
    }

    /** Asserts the CLI contract for a user mistake: exit 2 and exactly one {@code error:} line. */
    CliRunner assertUserError(String expectedFragment) {
        String e = err.strip();
        if (status != 2) throw new AssertionError("expected exit status 2, got " + status + "\nstderr: " + err + "\nstdout: " + out);
        if (e.contains("\n")) throw new AssertionError("expected one line on stderr, got:\n" + err);
        if (!e.startsWith("error: ")) throw new AssertionError("expected 'error: ...', got: " + err);
        if (e.contains("Exception") || e.contains("\tat ")) throw new AssertionError("stack trace or exception name leaked: " + err);
        if (!e.contains(expectedFragment)) throw new AssertionError("expected '" + expectedFragment + "' in: " + err);
        return this;
    }

    CliRunner assertOk() {
        if (status != 0) throw new AssertionError("expected exit 0, got " + status + "\nstderr: " + err + "\nstdout: " + out);
        return this;
    }
}
