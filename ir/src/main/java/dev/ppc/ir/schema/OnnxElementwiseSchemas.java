package dev.ppc.ir.schema;

import static dev.ppc.ir.Attribute.Kind.FLOAT;
import static dev.ppc.ir.Attribute.Kind.INT;
import static dev.ppc.ir.Attribute.Kind.STRING;
import static dev.ppc.ir.schema.OpSchemas.add;
import static dev.ppc.ir.schema.OpSchemas.define;

import dev.ppc.ir.DType;
import dev.ppc.ir.TensorType;
import java.util.ArrayList;
import java.util.List;

/** Schemas of ONNX element-wise ops: unary maps, broadcasting binary and variadic ops, comparisons. */
final class OnnxElementwiseSchemas {
    private OnnxElementwiseSchemas() {}

    static void register() {
        TypeInference same = ctx -> List.of(ctx.input(0));
        for (String op : List.of("Abs", "Neg", "Sqrt", "Reciprocal", "Exp", "Log", "Tanh", "Sigmoid", "Relu", "Floor",
                "Ceil", "Sign", "Round", "Softsign", "Softplus")) {
            add(define("", op).versions(1, 6, 13).infer(same));
        }
        for (String op : List.of("Sin", "Cos", "Tan", "Asin", "Acos", "Atan", "Sinh", "Cosh", "Asinh", "Acosh", "Atanh")) {
            add(define("", op).versions(7).infer(same));
        }
        add(define("", "Erf").versions(9, 13).infer(same));
        add(define("", "Not").versions(1).infer(same));
        add(define("", "Identity").versions(1, 13, 14, 16).infer(same));
        add(define("", "LeakyRelu").versions(1, 6, 16).attr("alpha", FLOAT).infer(same));
        add(define("", "Elu").versions(1, 6).attr("alpha", FLOAT).infer(same));
        add(define("", "Celu").versions(12).attr("alpha", FLOAT).infer(same));
        add(define("", "Selu").versions(1, 6).attr("alpha", FLOAT).attr("gamma", FLOAT).infer(same));
        add(define("", "HardSigmoid").versions(1, 6).attr("alpha", FLOAT).attr("beta", FLOAT).infer(same));
        add(define("", "HardSwish").versions(14).infer(same));
        add(define("", "ThresholdedRelu").versions(10).attr("alpha", FLOAT).infer(same));
        add(define("", "Shrink").versions(9).attr("bias", FLOAT).attr("lambd", FLOAT).infer(same));
        add(define("", "Mish").versions(18).infer(same));
        add(define("", "IsNaN").versions(9, 13).infer(ctx -> List.of(ctx.input(0).withDtype(DType.BOOL))));
        add(define("", "IsInf").versions(10).attr("detect_negative", INT).attr("detect_positive", INT)
                .infer(ctx -> List.of(ctx.input(0).withDtype(DType.BOOL))));
        add(define("", "Clip").versions(1, 6, 11, 12, 13).inputs(1, 3).attr("min", FLOAT).attr("max", FLOAT).infer(same));
        add(define("", "Dropout").versions(1, 6, 7, 10, 12, 13).inputs(1, 3).outputs(1, 2).attr("ratio", FLOAT).attr("seed", INT)
                .infer(ctx -> List.of(ctx.input(0), ctx.input(0).withDtype(DType.BOOL))));

        TypeInference broadcastFirst = ctx -> List.of(ShapeRules.broadcast(ctx.input(0).dtype(), inputs(ctx)));
        // 'broadcast' and 'axis' are the pre-opset-7 (limited) broadcasting attributes.
        for (String op : List.of("Add", "Sub", "Mul", "Div")) {
            add(define("", op).versions(1, 6, 7, 13, 14).inputs(2).attr("broadcast", INT).attr("axis", INT).infer(broadcastFirst));
        }
        add(define("", "Pow").versions(1, 7, 12, 13, 15).inputs(2).attr("broadcast", INT).attr("axis", INT).infer(broadcastFirst));
        add(define("", "Mod").versions(10, 13).inputs(2).attr("fmod", INT).infer(broadcastFirst));
        add(define("", "PRelu").versions(1, 6, 7, 9, 16).inputs(2).infer(broadcastFirst));
        add(define("", "BitShift").versions(11).inputs(2).requiredAttr("direction", STRING).infer(broadcastFirst));
        for (String op : List.of("And", "Or", "Xor")) add(define("", op).versions(1, 7).inputs(2).infer(broadcastFirst));
        for (String op : List.of("BitwiseAnd", "BitwiseOr", "BitwiseXor")) add(define("", op).versions(18).inputs(2).infer(broadcastFirst));
        add(define("", "BitwiseNot").versions(18).infer(same));
        TypeInference compare = ctx -> List.of(ShapeRules.broadcast(DType.BOOL, inputs(ctx)));
        for (String op : List.of("Equal", "Less", "Greater")) add(define("", op).versions(1, 7, 9, 11, 13).inputs(2).infer(compare));
        for (String op : List.of("LessOrEqual", "GreaterOrEqual")) add(define("", op).versions(12, 16).inputs(2).infer(compare));
        for (String op : List.of("Min", "Max", "Sum", "Mean")) {
            add(define("", op).versions(1, 6, 8, 12, 13).inputs(1, OpSchema.VARIADIC).infer(broadcastFirst));
        }
        add(define("", "Where").versions(9, 16).inputs(3)
                .infer(ctx -> List.of(ShapeRules.broadcast(ctx.input(1).dtype(), inputs(ctx)))));
    }

    static List<TensorType> inputs(InferenceContext ctx) {
        List<TensorType> r = new ArrayList<>();
        for (int i = 0; i < ctx.numInputs(); i++) if (ctx.hasInput(i)) r.add(ctx.input(i));
        return r;
    }
}
