package dev.ppc.cli;

import dev.ppc.files.AtomicFile;
import dev.ppc.files.FileKind;
import dev.ppc.files.OutputGuard;
import dev.ppc.schedule.ChromeTraceWriter;
import dev.ppc.schedule.Costs;
import dev.ppc.schedule.PyTorchCsv;
import dev.ppc.schedule.Schedule;
import dev.ppc.schedule.ScheduleException;
import dev.ppc.schedule.ScheduleJson;
import dev.ppc.schedule.ScheduleKind;
import dev.ppc.schedule.ScheduleSimulator;
import dev.ppc.schedule.ScheduleSpec;
import dev.ppc.schedule.ScheduleSummary;
import dev.ppc.schedule.Schedules;
import dev.ppc.schedule.SimulationResult;
import dev.ppc.schedule.SvgTimelineRenderer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ppc schedule}: generate (or import) a pipeline schedule, validate it, simulate it and
 * print makespan, bubble fraction and peak in-flight microbatches per core; optionally write the
 * timeline as SVG or Chrome trace, the schedule as PyTorch CSV or {@code schedule.json}.
 *
 * <p>Only argument handling and file writing live here; everything else is the schedule module's.
 * Bad arguments raise {@link ParameterException} or {@link ScheduleException}, which the main
 * command reports as one {@code error: ...} line with exit status 2.
 */
@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = {"Generate or import a pipeline schedule, validate it, simulate it, and print makespan, "
                + "bubble fraction and peak in-flight microbatches per core.",
                "Costs are per core's share of the model: F forward, B input-gradient backward, W weight-gradient "
                + "backward (an unsplit backward costs B+W); with v virtual stages each stage costs 1/v of them."})
public final class ScheduleCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--kind", paramLabel = "KIND", description = "forward, gpipe, 1f1b, interleaved or zb-h1")
    String kind;

    @Option(names = "--stages", paramLabel = "P", description = "pipeline stages, one per core")
    Integer stages;

    @Option(names = "--microbatches", paramLabel = "M", description = "microbatches per step")
    Integer microbatches;

    @Option(names = "--virtual", paramLabel = "V", description = "virtual stages per core (interleaved; default 1)")
    Integer virtual;

    @Option(names = "--costs", paramLabel = "F,B,W", defaultValue = "1,1,1",
            description = "forward, input-gradient and weight-gradient cost (default ${DEFAULT-VALUE})")
    String costs;

    @Option(names = "--comm", paramLabel = "C", defaultValue = "0", description = "cost of every message (default ${DEFAULT-VALUE})")
    String comm;

    @Option(names = "--reduce-tied", description = "all-reduce tied weights of the first and last stage before the optimizer step")
    boolean reduceTied;

    @Option(names = "--import-csv", paramLabel = "FILE", description = "validate and simulate a schedule in PyTorch's CSV notation")
    Path importCsv;

    @Option(names = "--csv-layout", paramLabel = "LAYOUT", defaultValue = "rows",
            description = "rows (one row per rank, PyTorch's) or columns, for --import-csv and --csv (default ${DEFAULT-VALUE})")
    String csvLayout;

    @Option(names = "--svg", paramLabel = "FILE", description = "write the timeline as SVG")
    Path svg;

    @Option(names = "--trace", paramLabel = "FILE", description = "write the timeline as Chrome trace / Perfetto JSON")
    Path trace;

    @Option(names = "--csv", paramLabel = "FILE", description = "write the schedule in PyTorch's CSV notation")
    Path csv;

    @Option(names = "--json", paramLabel = "FILE", description = "write the schedule as schedule.json")
    Path json;

    @Option(names = "--force", description = "replace existing output files even if they are not of the kind written (SVG, JSON, CSV text)")
    boolean force;

    @Override
    public Integer call() {
        PyTorchCsv.Layout layout = PyTorchCsv.Layout.parse(csvLayout);
        checkOutputs();
        Schedule schedule = importCsv != null ? importSchedule(layout) : generateSchedule();
        SimulationResult result = ScheduleSimulator.simulate(schedule, Costs.parse(costs, comm));
        if (svg != null) AtomicFile.writeString(svg, SvgTimelineRenderer.render(result));
        if (trace != null) AtomicFile.writeString(trace, ChromeTraceWriter.write(result));
        if (csv != null) AtomicFile.writeString(csv, PyTorchCsv.write(schedule, layout));
        if (json != null) AtomicFile.writeString(json, ScheduleJson.write(schedule));
        PrintWriter out = spec.commandLine().getOut();
        out.print(ScheduleSummary.format(result));
        out.flush();
        return 0;
    }

    private Schedule generateSchedule() {
        if (kind == null) throw usage("missing --kind (" + ScheduleKind.generatedNames() + ") or --import-csv FILE");
        if (stages == null) throw usage("missing --stages P");
        if (microbatches == null) throw usage("missing --microbatches M");
        return Schedules.generate(new ScheduleSpec(ScheduleKind.parse(kind), stages, microbatches, virtual == null ? 1 : virtual, reduceTied));
    }

    private Schedule importSchedule(PyTorchCsv.Layout layout) {
        if (kind != null || stages != null || microbatches != null || virtual != null)
            throw usage("--import-csv takes stages and microbatches from the file; drop --kind, --stages, --microbatches and --virtual");
        String text;
        try {
            text = Files.readString(importCsv, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ScheduleException("cannot read " + importCsv + ": no such file");
        } catch (IOException e) {
            throw new ScheduleException("cannot read " + importCsv + ": " + e.getMessage(), e);
        }
        return PyTorchCsv.read(text, layout, reduceTied);
    }

    /** Refuses, before any work, outputs that would overwrite the imported CSV, each other, or files of another kind. */
    private void checkOutputs() {
        OutputGuard guard = new OutputGuard(force).input("--import-csv", importCsv);
        if (svg != null) guard.output("--svg", svg, FileKind.SVG);
        if (trace != null) guard.output("--trace", trace, FileKind.JSON);
        if (csv != null) guard.output("--csv", csv, FileKind.CSV);
        if (json != null) guard.output("--json", json, FileKind.JSON);
    }

    private ParameterException usage(String message) { return new ParameterException(spec.commandLine(), message); }
}
