package dev.ppc.compiler.onnx;

import com.google.protobuf.ByteString;
import dev.ppc.compiler.onnx.proto.OnnxProtos.StringStringEntryProto;
import dev.ppc.compiler.onnx.proto.OnnxProtos.TensorProto;
import dev.ppc.ir.DType;
import dev.ppc.ir.IrException;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns {@code TensorProto}s into {@link TensorData}, from every encoding ONNX allows:
 * {@code raw_data}, the typed fields (packed or not; protobuf accepts both on the wire), string
 * tensors and external data. Sizes are checked against the declared type before anything is
 * read, so a truncated or lying tensor is an error, never a crash or a silent misread.
 */
final class TensorDecoder {
    private final String source;
    private final ExternalDataFiles external;

    TensorDecoder(String source, ExternalDataFiles external) {
        this.source = source;
        this.external = external;
    }

    TensorData decode(TensorProto t, String fallbackName) {
        String name = t.hasName() && !t.getName().isEmpty() ? t.getName() : fallbackName;
        DType dtype = DType.fromOnnxCode(t.getDataType());
        if (dtype == null || t.getDataType() == 0) throw error(name, "has unknown data_type " + t.getDataType());
        long[] dims = new long[t.getDimsCount()];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            dims[i] = t.getDims(i);
            if (dims[i] < 0) throw error(name, "has negative dimension " + dims[i]);
            numel = Math.multiplyExact(numel, dims[i]);
        }
        TensorType type = TensorType.of(dtype, dims);
        if (t.hasSegment()) throw error(name, "is a segment of a larger tensor; segmented tensors are not supported");
        if (dtype == DType.STRING) {
            if (t.getStringDataCount() != numel) throw error(name, "declares " + numel + " strings but holds " + t.getStringDataCount());
            List<String> s = new ArrayList<>();
            for (ByteString b : t.getStringDataList()) s.add(b.toString(StandardCharsets.UTF_8));
            return TensorData.ofStrings(type, s);
        }
        long expected = TensorData.expectedBytes(type);
        if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL) return decodeExternal(t, name, type, expected);
        if (t.hasRawData()) {
            ByteString raw = t.getRawData();
            if (raw.size() != expected) {
                throw error(name, "raw_data has " + raw.size() + " bytes but " + type + " needs " + expected);
            }
            return TensorData.ofBytes(type, raw.asReadOnlyByteBuffer());
        }
        return decodeTyped(t, name, type, numel, expected);
    }

    private TensorData decodeExternal(TensorProto t, String name, TensorType type, long expected) {
        String location = null;
        long offset = 0, length = -1;
        for (StringStringEntryProto e : t.getExternalDataList()) {
            switch (e.getKey()) {
                case "location" -> location = e.getValue();
                case "offset" -> offset = parseLong(name, "offset", e.getValue());
                case "length" -> length = parseLong(name, "length", e.getValue());
                default -> { } // 'checksum' and future keys carry no layout information
            }
        }
        if (length >= 0 && length != expected) {
            throw error(name, "external data length " + length + " does not match " + type + " (" + expected + " bytes)");
        }
        ByteBuffer data = external.map(name, location, offset, length < 0 && expected >= 0 ? expected : length);
        if (data.remaining() != expected) {
            throw error(name, "external data has " + data.remaining() + " bytes but " + type + " needs " + expected);
        }
        return TensorData.ofBytes(type, data);
    }

    private long parseLong(String name, String key, String value) {
        try {
            long v = Long.parseLong(value.trim());
            if (v < 0) throw error(name, "external data " + key + " " + value + " is negative");
            return v;
        } catch (NumberFormatException e) {
            throw error(name, "external data " + key + " '" + value + "' is not a number");
        }
    }

    private TensorData decodeTyped(TensorProto t, String name, TensorType type, long numel, long expected) {
        DType dtype = type.dtype();
        ByteBuffer b = ByteBuffer.allocate((int) expected).order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> {
                check(name, "float_data", t.getFloatDataCount(), numel);
                for (int i = 0; i < numel; i++) b.putFloat(t.getFloatData(i));
            }
            case C64 -> {
                check(name, "float_data", t.getFloatDataCount(), 2 * numel);
                for (int i = 0; i < 2 * numel; i++) b.putFloat(t.getFloatData(i));
            }
            case F64 -> {
                check(name, "double_data", t.getDoubleDataCount(), numel);
                for (int i = 0; i < numel; i++) b.putDouble(t.getDoubleData(i));
            }
            case C128 -> {
                check(name, "double_data", t.getDoubleDataCount(), 2 * numel);
                for (int i = 0; i < 2 * numel; i++) b.putDouble(t.getDoubleData(i));
            }
            case I64 -> {
                check(name, "int64_data", t.getInt64DataCount(), numel);
                for (int i = 0; i < numel; i++) b.putLong(t.getInt64Data(i));
            }
            case U64 -> {
                check(name, "uint64_data", t.getUint64DataCount(), numel);
                for (int i = 0; i < numel; i++) b.putLong(t.getUint64Data(i));
            }
            case U32 -> {
                check(name, "uint64_data", t.getUint64DataCount(), numel);
                for (int i = 0; i < numel; i++) b.putInt((int) t.getUint64Data(i));
            }
            case I32 -> {
                check(name, "int32_data", t.getInt32DataCount(), numel);
                for (int i = 0; i < numel; i++) b.putInt(t.getInt32Data(i));
            }
            case I16, U16, F16, BF16 -> {
                check(name, "int32_data", t.getInt32DataCount(), numel);
                for (int i = 0; i < numel; i++) b.putShort((short) t.getInt32Data(i));
            }
            case I8, U8, BOOL, F8E4M3FN, F8E4M3FNUZ, F8E5M2, F8E5M2FNUZ -> {
                check(name, "int32_data", t.getInt32DataCount(), numel);
                for (int i = 0; i < numel; i++) b.put((byte) t.getInt32Data(i));
            }
            case U4, I4 -> {
                check(name, "int32_data", t.getInt32DataCount(), (numel + 1) / 2);
                for (int i = 0; i < (numel + 1) / 2; i++) b.put((byte) t.getInt32Data(i));
            }
            default -> throw error(name, "has data type " + dtype + ", which ppc cannot decode");
        }
        return TensorData.ofBytes(type, b.flip());
    }

    private void check(String name, String field, int count, long expected) {
        if (count != expected) {
            throw error(name, "has " + count + " values in " + field + " but its shape needs " + expected
                    + (count == 0 ? " (no data at all)" : ""));
        }
    }

    private IrException error(String name, String message) {
        return new IrException(source + ": tensor '" + name + "' " + message);
    }
}
