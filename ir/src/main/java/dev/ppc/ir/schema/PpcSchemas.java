package dev.ppc.ir.schema;

import static dev.ppc.ir.Attribute.Kind.INT;
import static dev.ppc.ir.Attribute.Kind.STRING;
import static dev.ppc.ir.schema.OpSchemas.add;
import static dev.ppc.ir.schema.OpSchemas.define;

import dev.ppc.ir.DType;
import dev.ppc.ir.TensorType;
import java.util.List;

/**
 * ppc's own ops. {@code ppc.constant} names an entry of the module's constant table.
 * {@code ppc.send} and {@code ppc.recv} are the two ends of a pipeline channel: the sender stage
 * hands its operand to channel {@code channel}; the receiver produces a value of type
 * {@code type} (given by the channel's declared dtype and shape attributes). {@code ppc.fused} is
 * a chain of element-wise ops evaluated in one pass; its {@code expr} attribute holds the program
 * (see {@link FusedProgram}), and backends that fuse put it there.
 */
final class PpcSchemas {
    private PpcSchemas() {}

    static void register() {
        // The result type of a constant is the table entry's type; the verifier checks they agree.
        add(define("ppc", "constant").inputs(0, 0).requiredAttr("name", STRING).infer(ctx -> List.of()));
        add(define("ppc", "send").inputs(1).outputs(0, 0).requiredAttr("channel", INT).requiredAttr("dst", INT)
                .infer(ctx -> List.of()));
        add(define("ppc", "recv").inputs(0, 0).requiredAttr("channel", INT).requiredAttr("src", INT)
                .infer(ctx -> List.of()));
        add(define("ppc", "fused").inputs(1, OpSchema.VARIADIC).requiredAttr("expr", STRING).infer(FusedProgram::infer));
    }

    /** Whether results of this op take their type from outside the schema (constants, receives). */
    public static boolean declaresOwnResultType(String domain, String name) {
        return domain.equals("ppc") && (name.equals("constant") || name.equals("recv"));
    }

    static TensorType unused(DType t) { return TensorType.of(t); }
}
