package dev.ppc.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleCliTest {
    @TempDir
    Path dir;

    @Test
    void printsTheTableAndWritesPictures() throws IOException {
        Path svg = dir.resolve("t.svg"), trace = dir.resolve("t.json"), csv = dir.resolve("t.csv");
        CliRunner r = CliRunner.run("schedule", "--kind", "1f1b", "--stages", "4", "--microbatches", "8", "--costs", "1,1,0",
                "--svg", svg.toString(), "--trace", trace.toString(), "--csv", csv.toString()).assertOk();
        assertTrue(r.out().contains("bubble    0.2727 (3/11"), r.out());
        assertTrue(Files.readString(svg).startsWith("<svg") || Files.readString(svg).contains("<svg"));
        assertTrue(Files.readString(trace).contains("traceEvents"));
        CliRunner back = CliRunner.run("schedule", "--import-csv", csv.toString()).assertOk();
        assertTrue(back.out().contains("valid"), back.out());
    }

    @Test
    void badArgumentsAreOneLineErrors() {
        CliRunner.run("schedule", "--kind", "interleaved", "--stages", "4", "--microbatches", "10", "--virtual", "2")
                .assertUserError("use 8 or 12 microbatches");
        CliRunner.run("schedule", "--kind", "nope", "--stages", "2", "--microbatches", "2").assertUserError("nope");
        CliRunner.run("schedule", "--kind", "gpipe", "--stages", "0", "--microbatches", "2").assertUserError("stages");
    }
}
