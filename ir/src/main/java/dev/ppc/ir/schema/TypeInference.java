package dev.ppc.ir.schema;

import dev.ppc.ir.TensorType;
import java.util.List;

/** Computes an op's result types from its operand types, attributes and constant operands. */
@FunctionalInterface
public interface TypeInference {
    List<TensorType> infer(InferenceContext ctx);
}
