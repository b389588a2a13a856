package dev.ppc.ir;

import java.util.Locale;

/**
 * Element types of tensors. Each constant records its ONNX {@code TensorProto.DataType} code, its
 * size in bytes and the short name used by the IR text form ({@code f32}, {@code i64}, ...).
 */
public enum DType {
    F32("f32", 1, 4),
    U8("u8", 2, 1),
    I8("i8", 3, 1),
    U16("u16", 4, 2),
    I16("i16", 5, 2),
    I32("i32", 6, 4),
    I64("i64", 7, 8),
    STRING("str", 8, 0),
    BOOL("bool", 9, 1),
    F16("f16", 10, 2),
    F64("f64", 11, 8),
    U32("u32", 12, 4),
    U64("u64", 13, 8),
    C64("c64", 14, 8),
    C128("c128", 15, 16),
    BF16("bf16", 16, 2),
    F8E4M3FN("f8e4m3fn", 17, 1),
    F8E4M3FNUZ("f8e4m3fnuz", 18, 1),
    F8E5M2("f8e5m2", 19, 1),
    F8E5M2FNUZ("f8e5m2fnuz", 20, 1),
    U4("u4", 21, 1),
    I4("i4", 22, 1);

    private final String textName;
    private final int onnxCode;
    private final int byteSize;

    DType(String textName, int onnxCode, int byteSize) {
        this.textName = textName;
        this.onnxCode = onnxCode;
        this.byteSize = byteSize;
    }

    /** The name used in the IR text form, e.g. {@code f32}. */
    public String textName() { return textName; }

    /** The ONNX {@code TensorProto.DataType} enum value. */
    public int onnxCode() { return onnxCode; }

    /** Bytes per element; 0 for strings, whose elements have no fixed size. */
    public int byteSize() { return byteSize; }

    public boolean isFloatingPoint() {
        return this == F32 || this == F64 || this == F16 || this == BF16
                || this == F8E4M3FN || this == F8E4M3FNUZ || this == F8E5M2 || this == F8E5M2FNUZ;
    }

    public boolean isInteger() {
        return this == U8 || this == I8 || this == U16 || this == I16 || this == I32 || this == I64
                || this == U32 || this == U64 || this == U4 || this == I4;
    }

    /** Returns the dtype with the given ONNX code, or {@code null} if ONNX defines no such code. */
    public static DType fromOnnxCode(int code) {
        for (DType t : values()) {
            if (t.onnxCode == code) return t;
        }
        return null;
    }

    /** Returns the dtype with the given text name, or {@code null} if there is none. */
    public static DType fromTextName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (DType t : values()) {
            if (t.textName.equals(lower)) return t;
        }
        return null;
    }

    @Override
    public String toString() { return textName; }
}
