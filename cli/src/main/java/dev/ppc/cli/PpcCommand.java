package dev.ppc.cli;

import picocli.CommandLine.Command;

/** The top-level {@code ppc} command; its subcommands do the work. */
@Command(name = "ppc", mixinStandardHelpOptions = true, version = "ppc 0.1.0",
        description = "Pipeline-parallel compiler for model graphs: inspect, compile into per-core bundles, schedule and run.",
        subcommands = {InspectCommand.class, CompileCommand.class, RunCommand.class, ScheduleCommand.class})
public final class PpcCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), "missing command: use inspect, compile, run or schedule");
    }
}
