package dev.ppc.runtime;

import dev.ppc.backend.ExecutableStage;
import dev.ppc.backend.Port;
import java.util.ArrayList;
import java.util.List;

/**
 * One stage of a pipeline: its executable form, the core that runs it, and for each of its ports
 * where the value comes from or goes to.
 *
 * <p>{@code inputs} has one binding per {@link ExecutableStage#inputs()} port and {@code outputs}
 * one per {@link ExecutableStage#outputs()} port, in the same order. Once a {@link Pipeline} has been
 * created from it, the pipeline owns the executable and closes it.
 *
 * @param stage       the (virtual) stage id in the schedule
 * @param core        the core that runs it; must be the schedule's placement
 * @param executable  the compiled stage
 * @param inputs      per input port: a model input name or the channel it receives from
 * @param outputs     per output port: a model output name or the channel it sends on
 */
public record StageSpec(int stage, int core, ExecutableStage executable, List<PortBinding> inputs, List<PortBinding> outputs) {
    public StageSpec {
        if (executable == null) throw new IllegalArgumentException("stage " + stage + " needs an executable stage");
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /**
     * Binds every port by what the port itself says: a parameter reads the model input of the same
     * name, a receive reads its channel, an output writes the model output of the same name, a send
     * writes its channel. That is how the compiler names them (stage parameters and outputs keep the
     * model's names; sends and receives carry their channel id).
     */
    public static StageSpec fromPorts(int stage, int core, ExecutableStage executable) {
        return new StageSpec(stage, core, executable, bind(executable.inputs()), bind(executable.outputs()));
    }

    private static List<PortBinding> bind(List<Port> ports) {
        List<PortBinding> result = new ArrayList<>(ports.size());
        for (Port p : ports) {
            result.add(switch (p.kind()) {
                case PARAMETER, OUTPUT -> PortBinding.model(p.name());
                case RECEIVE, SEND -> PortBinding.channel(p.channel());
            });
        }
        return result;
    }
}
