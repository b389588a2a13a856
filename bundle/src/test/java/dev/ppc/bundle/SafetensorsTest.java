package dev.ppc.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ppc.ir.DType;
import dev.ppc.ir.IrException;
import dev.ppc.ir.TensorData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path tmp;

    private static TreeMap<String, TensorData> sample() {
        TreeMap<String, TensorData> t = new TreeMap<>();
        t.put("w", TensorData.ofFloats(new long[] {2, 3}, 1, 2, 3, 4, 5, -6.5f));
        t.put("ids", TensorData.ofLongs(new long[] {3}, 7, -1, Long.MAX_VALUE));
        t.put("mask", TensorData.ofIntegers(DType.BOOL, new long[] {2}, new long[] {1, 0}));
        t.put("half", TensorData.ofNumbers(DType.F16, new long[] {1}, new double[] {0.5}));
        t.put("empty", TensorData.ofFloats(new long[] {0, 4}));
        t.put("scalar", TensorData.ofFloats(new long[0], 3.25f));
        return t;
    }

    @Test
    void roundTripsEveryTensorAndTheMetadata() throws IOException {
        Path f = tmp.resolve("w.safetensors");
        TreeMap<String, TensorData> in = sample();
        Safetensors.write(f, in, Map.of("ppc.stage", "1"));
        Safetensors.Contents out = Safetensors.read(f);
        assertEquals(in.keySet(), new TreeMap<>(out.tensors()).keySet());
        for (String k : in.keySet()) assertTrue(in.get(k).sameContents(out.tensors().get(k)), k);
        assertEquals(Map.of("ppc.stage", "1"), out.metadata());
    }

    @Test
    void theBytesDoNotDependOnTheMetadataMapsOrder() throws IOException {
        Map<String, String> ab = new LinkedHashMap<>(), ba = new LinkedHashMap<>();
        ab.put("ppc.model", "mlp");
        ab.put("ppc.stage", "0");
        ba.put("ppc.stage", "0");
        ba.put("ppc.model", "mlp");
        Path f = tmp.resolve("ab.safetensors"), g = tmp.resolve("ba.safetensors");
        Safetensors.write(f, sample(), ab);
        Safetensors.write(g, sample(), ba);
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(g));
    }

    @Test
    void theLayoutIsTheSafetensorsFormat() throws IOException {
        Path f = tmp.resolve("w.safetensors");
        Safetensors.write(f, sample(), Map.of());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(f)).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong(0);
        assertEquals(0, n % 8, "header padded to 8 bytes");
        JsonNode header = new ObjectMapper().readTree(new String(b.array(), 8, (int) n, StandardCharsets.UTF_8).trim());
        assertEquals("F32", header.get("w").get("dtype").asText());
        assertEquals("[2,3]", header.get("w").get("shape").toString());
        assertEquals("I64", header.get("ids").get("dtype").asText());
        assertEquals("BOOL", header.get("mask").get("dtype").asText());
        assertEquals("F16", header.get("half").get("dtype").asText());
        // Tensors in name order, back to back: empty(0) half(2) ids(24) mask(2) scalar(4) w(24).
        assertEquals("[0,0]", header.get("empty").get("data_offsets").toString());
        assertEquals("[0,2]", header.get("half").get("data_offsets").toString());
        assertEquals("[2,26]", header.get("ids").get("data_offsets").toString());
        assertEquals("[26,28]", header.get("mask").get("data_offsets").toString());
        assertEquals("[28,32]", header.get("scalar").get("data_offsets").toString());
        assertEquals("[32,56]", header.get("w").get("data_offsets").toString());
        assertEquals(8 + n + 56, Files.size(f));
        assertEquals(-6.5f, b.getFloat((int) (8 + n + 32 + 20)));
    }

    @Test
    void malformedFilesAreRefused() throws IOException {
        Path f = tmp.resolve("w.safetensors");
        Safetensors.write(f, sample(), Map.of());
        byte[] good = Files.readAllBytes(f);

        Files.write(f, java.util.Arrays.copyOf(good, good.length - 3));
        assertEquals("tensor 'w': data_offsets [32, 56] lie outside the 53 bytes of data", refused(f));

        Files.write(f, java.util.Arrays.copyOf(good, good.length + 3));
        assertEquals("the tensors cover 56 bytes of data but the file holds 59 (truncated or padded)", refused(f));

        Files.write(f, new byte[] {1, 2, 3});
        assertEquals("not a safetensors file: 3 bytes, shorter than the 8-byte header length", refused(f));

        byte[] huge = good.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        Files.write(f, huge);
        assertTrue(refused(f).startsWith("not a safetensors file: the header length 1099511627776 does not fit"));

        Files.write(f, header("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8));
        assertEquals("tensor 'b' starts at byte 4 of the data, expected 8 (the data must have no holes or overlaps)", refused(f));

        Files.write(f, header("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        assertEquals("tensor 'a': f32[3] needs 12 bytes, data_offsets give 8", refused(f));

        Files.write(f, header("{\"a\":{\"dtype\":\"Q7\",\"shape\":[2],\"data_offsets\":[0,8]}}", 8));
        assertEquals("tensor 'a': unknown dtype 'Q7'", refused(f));
    }

    private static byte[] header(String json, int dataBytes) {
        byte[] j = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + j.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(j.length).put(j);
        return b.array();
    }

    private static String refused(Path f) {
        return assertThrows(IrException.class, () -> Safetensors.read(f)).getMessage();
    }

    @Test
    void dtypesWithoutASafetensorsNameAreRefusedWhenWriting() {
        TreeMap<String, TensorData> t = new TreeMap<>();
        t.put("c", TensorData.ofBytes(dev.ppc.ir.TensorType.of(DType.C64, 1), ByteBuffer.allocate(8)));
        IrException e = assertThrows(IrException.class, () -> Safetensors.write(tmp.resolve("c.safetensors"), t, Map.of()));
        assertEquals("tensor 'c' has dtype c64, which safetensors cannot hold", e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("c.safetensors")));
    }
}
