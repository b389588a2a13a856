package dev.ppc.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ppc.ir.DType;
import dev.ppc.ir.IrException;
import dev.ppc.ir.TensorData;
import dev.ppc.ir.TensorType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The safetensors format (Hugging Face): an 8-byte little-endian header length N, N bytes of JSON
 * header {@code {"__metadata__": {string: string}, name: {"dtype": "F32", "shape": [..],
 * "data_offsets": [begin, end]}}} padded with spaces to a multiple of 8, then the tensors' raw
 * little-endian bytes, back to back with no holes, offsets relative to the end of the header.
 * Tensors are written in name order, so the same tensors always give the same bytes. Reading
 * checks everything the format promises (offsets in bounds, contiguous, sized by dtype and shape)
 * and maps the file instead of copying it.
 */
public final class Safetensors {
    private static final long MAX_HEADER = 100L << 20;
    private static final Map<DType, String> NAMES = new EnumMap<>(DType.class);

    static {
        NAMES.put(DType.F64, "F64");
        NAMES.put(DType.F32, "F32");
        NAMES.put(DType.F16, "F16");
        NAMES.put(DType.BF16, "BF16");
        NAMES.put(DType.I64, "I64");
        NAMES.put(DType.I32, "I32");
        NAMES.put(DType.I16, "I16");
        NAMES.put(DType.I8, "I8");
        NAMES.put(DType.U64, "U64");
        NAMES.put(DType.U32, "U32");
        NAMES.put(DType.U16, "U16");
        NAMES.put(DType.U8, "U8");
        NAMES.put(DType.BOOL, "BOOL");
        NAMES.put(DType.F8E4M3FN, "F8_E4M3");
        NAMES.put(DType.F8E5M2, "F8_E5M2");
    }

    private Safetensors() {}

    /** Whether safetensors can hold tensors of this dtype. */
    public static boolean supports(DType t) { return NAMES.containsKey(t); }

    /**
     * Writes {@code tensors} (written in key order, so pass a sorted map) and string {@code metadata}
     * to {@code file}, in place: a file the user sees is written inside a directory that
     * {@link dev.ppc.files.AtomicDirectory} moves into place, as the bundle writer does, so that a
     * crash never leaves a truncated one.
     */
    public static void write(Path file, SortedMap<String, TensorData> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = BundleJson.MAPPER.createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            // Sorted: Map.of's order changes from one JVM to the next, and the bytes must not.
            new TreeMap<>(metadata).forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            TensorData d = e.getValue();
            String dtype = NAMES.get(d.dtype());
            if (dtype == null) throw new IrException("tensor '" + e.getKey() + "' has dtype " + d.dtype() + ", which safetensors cannot hold");
            if (!d.hasData()) throw new IrException("tensor '" + e.getKey() + "' has no data");
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", dtype);
            ArrayNode shape = t.putArray("shape");
            for (long s : d.shape()) shape.add(s);
            long size = TensorData.expectedBytes(d.type());
            t.putArray("data_offsets").add(offset).add(offset + size);
            offset += size;
        }
        byte[] json = BundleJson.MAPPER.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            writeFully(ch, head);
            for (TensorData d : tensors.values()) writeFully(ch, d.bytes());
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /** The result of reading a file: tensors in file order, and the metadata. */
    public record Contents(Map<String, TensorData> tensors, Map<String, String> metadata) {}

    /**
     * Reads a safetensors file. A malformed file is an {@link IrException} whose one-line message
     * says what is wrong (the caller prefixes the file name).
     */
    public static Contents read(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) throw new IrException("not a safetensors file: " + size + " bytes, shorter than the 8-byte header length");
            if (size > Integer.MAX_VALUE) throw new IrException("the file is " + size + " bytes; ppc reads weight files of up to 2 GiB per core");
            // Map files on disk; a file inside a zipped bundle cannot be mapped, so read it whole.
            ByteBuffer all = (file.getFileSystem() == java.nio.file.FileSystems.getDefault()
                    ? ch.map(FileChannel.MapMode.READ_ONLY, 0, size)
                    : ByteBuffer.wrap(Files.readAllBytes(file))).order(ByteOrder.LITTLE_ENDIAN);
            long n = all.getLong(0);
            if (n < 2 || n > MAX_HEADER || n > size - 8) {
                throw new IrException("not a safetensors file: the header length " + n + " does not fit the file's " + size + " bytes");
            }
            byte[] json = new byte[(int) n];
            all.get(8, json);
            JsonNode header;
            try {
                header = BundleJson.MAPPER.readTree(new String(json, StandardCharsets.UTF_8).stripTrailing());
            } catch (JsonProcessingException e) {
                throw new IrException("the safetensors header is not valid JSON (" + e.getOriginalMessage() + ")");
            }
            if (header == null || !header.isObject()) throw new IrException("the safetensors header is not a JSON object");
            long dataStart = 8 + n;
            long dataSize = size - dataStart;
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Entry> entries = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                if (f.getKey().equals("__metadata__")) {
                    if (!f.getValue().isObject()) throw new IrException("__metadata__ is not an object");
                    f.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                entries.add(entry(f.getKey(), f.getValue(), dataSize));
            }
            entries.sort((a, b) -> Long.compare(a.begin, b.begin));
            long expected = 0;
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            for (Entry e : entries) {
                if (e.begin != expected) {
                    throw new IrException("tensor '" + e.name + "' starts at byte " + e.begin + " of the data, expected " + expected + " (the data must have no holes or overlaps)");
                }
                expected = e.end;
                ByteBuffer slice = all.slice((int) (dataStart + e.begin), (int) (e.end - e.begin)).order(ByteOrder.LITTLE_ENDIAN);
                tensors.put(e.name, TensorData.ofBytes(e.type, slice));
            }
            if (expected != dataSize) {
                throw new IrException("the tensors cover " + expected + " bytes of data but the file holds " + dataSize + " (truncated or padded)");
            }
            return new Contents(tensors, metadata);
        }
    }

    private record Entry(String name, TensorType type, long begin, long end) {}

    private static Entry entry(String name, JsonNode t, long dataSize) {
        if (!t.isObject()) throw new IrException("tensor '" + name + "': its header entry is not an object");
        DType dtype = null;
        String dtypeName = t.path("dtype").asText("");
        for (Map.Entry<DType, String> e : NAMES.entrySet()) if (e.getValue().equals(dtypeName)) dtype = e.getKey();
        if (dtype == null) throw new IrException("tensor '" + name + "': unknown dtype '" + dtypeName + "'");
        JsonNode shapeNode = t.path("shape");
        JsonNode offsets = t.path("data_offsets");
        if (!shapeNode.isArray()) throw new IrException("tensor '" + name + "': shape is not a list");
        if (!offsets.isArray() || offsets.size() != 2 || !offsets.get(0).canConvertToLong() || !offsets.get(1).canConvertToLong()) {
            throw new IrException("tensor '" + name + "': data_offsets is not a pair of integers");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.canConvertToLong() || d.asLong() < 0) throw new IrException("tensor '" + name + "': dimension " + i + " is not a non-negative integer");
            shape[i] = d.asLong();
        }
        TensorType type = TensorType.of(dtype, shape);
        long begin = offsets.get(0).asLong(), end = offsets.get(1).asLong();
        if (begin < 0 || end < begin || end > dataSize) {
            throw new IrException("tensor '" + name + "': data_offsets [" + begin + ", " + end + "] lie outside the " + dataSize + " bytes of data");
        }
        long want = TensorData.expectedBytes(type);
        if (end - begin != want) {
            throw new IrException("tensor '" + name + "': " + type + " needs " + want + " bytes, data_offsets give " + (end - begin));
        }
        return new Entry(name, type, begin, end);
    }
}
