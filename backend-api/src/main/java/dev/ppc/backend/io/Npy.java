package dev.ppc.backend.io;

import dev.ppc.backend.Shapes;
import dev.ppc.backend.Tensor;
import dev.ppc.files.AtomicFile;
import dev.ppc.ir.DType;
import dev.ppc.ir.FileKinds;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0).
 *
 * <p>The format: the magic {@code \x93NUMPY}, a major and a minor version byte, the header length
 * (2 bytes little-endian in version 1, 4 bytes in versions 2 and 3), and the header itself, a
 * Python dict literal such as {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}
 * padded with spaces and a newline so that the data starts at a multiple of 64 bytes. The data
 * follows: the elements in C order (only C order is accepted: Fortran order would need a
 * transpose that the user can do explicitly in NumPy).
 *
 * <p>Supported element types: {@value #SUPPORTED}. Big-endian data is byte-swapped on read;
 * writes use the machine's byte order (little-endian everywhere ppc runs), as NumPy does.
 *
 * <p>Every problem is reported as an {@link NpyFormatException} whose message starts with the
 * source's name (a path, or an archive entry) so that the user knows which file to fix.
 */
public final class Npy {
    /** The dtypes this class reads and writes, as NumPy descriptors without byte order. */
    public static final String SUPPORTED = "f2 f4 f8 i1 i2 i4 i8 u1 u2 u4 u8 b1"
            + " (float16/32/64, int8/16/32/64, uint8/16/32/64, bool)";

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /**
     * Longest header accepted. The header only describes dtype and shape; NumPy itself refuses
     * headers over 10000 bytes by default. A larger value means a corrupt or hostile file.
     */
    static final int MAX_HEADER_LENGTH = 65536;
    private static final int ALIGN = 64;
    /** Data up to this size is read straight into a buffer of its full size; see readData. */
    private static final long EAGER_BYTES = 64L << 20;

    private Npy() {}

    /** Reads the {@code .npy} file at {@code file}. */
    public static Tensor read(Path file) {
        String source = file.toString();
        requireRegularFile(file, ".npy");
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in, source);
        } catch (NoSuchFileException e) {
            throw new NpyFormatException(source + ": no such file", e);
        } catch (IOException e) {
            throw new NpyFormatException(source + ": cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Refuses a path that is missing or is not a regular file, before anything opens it: opening
     * a FIFO for reading would block until something writes to it.
     *
     * @param expected the kind of file wanted, for the message ({@code ".npy"}, {@code ".npz"})
     */
    static void requireRegularFile(Path file, String expected) {
        if (Files.isRegularFile(file)) return;
        if (!Files.exists(file)) throw new NpyFormatException(file + ": no such file");
        throw new NpyFormatException(file + ": not a regular file (" + FileKinds.describe(file)
                + "); expected an " + expected + " file");
    }

    /**
     * Reads one array from {@code in}, which is left positioned after the array's data.
     *
     * @param source how to name the stream in error messages (a path, or an archive entry)
     */
    public static Tensor read(InputStream in, String source) {
        try {
            return readUnchecked(in, source);
        } catch (IOException e) {
            throw new NpyFormatException(source + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** Reads an array from the bytes of a whole {@code .npy} file. */
    public static Tensor fromBytes(byte[] bytes, String source) {
        return read(new java.io.ByteArrayInputStream(bytes), source);
    }

    private static Tensor readUnchecked(InputStream in, String source) throws IOException {
        byte[] prefix = new byte[8];
        int got = readFully(in, prefix, 0, 8);
        for (int i = 0; i < MAGIC.length; i++) {
            if (i >= got || prefix[i] != MAGIC[i]) {
                throw new NpyFormatException(source + ": not a .npy file (bad magic: it must start"
                        + " with \\x93NUMPY)");
            }
        }
        if (got < 8) throw new NpyFormatException(source + ": truncated header");
        int major = prefix[6] & 0xFF;
        int minor = prefix[7] & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw new NpyFormatException(source + ": unsupported .npy format version " + major + "."
                    + minor + " (1.0, 2.0 and 3.0 are supported)");
        }
        int lenBytes = major == 1 ? 2 : 4;
        byte[] lenBuf = new byte[4];
        if (readFully(in, lenBuf, 0, lenBytes) < lenBytes) {
            throw new NpyFormatException(source + ": truncated header");
        }
        long headerLen = (lenBuf[0] & 0xFF) | (lenBuf[1] & 0xFF) << 8
                | (long) (lenBuf[2] & 0xFF) << 16 | (long) (lenBuf[3] & 0xFF) << 24;
        if (headerLen > MAX_HEADER_LENGTH) {
            throw new NpyFormatException(source + ": header too long (" + headerLen
                    + " bytes; at most " + MAX_HEADER_LENGTH + " are accepted), the file is"
                    + " probably corrupt");
        }
        byte[] header = new byte[(int) headerLen];
        if (readFully(in, header, 0, header.length) < header.length) {
            throw new NpyFormatException(source + ": truncated header (" + headerLen
                    + " bytes announced)");
        }
        // Version 3.0 differs from 2.0 only in allowing UTF-8 in the header (field names).
        String text = new String(header, major == 3 ? StandardCharsets.UTF_8
                : StandardCharsets.ISO_8859_1);
        Map<String, Object> dict = new HeaderParser(text, source).parseDict();
        Object descr = dict.get("descr");
        Object fortran = dict.get("fortran_order");
        Object shapeObj = dict.get("shape");
        if (descr == null || fortran == null || shapeObj == null) {
            throw new NpyFormatException(source + ": malformed header: it needs the keys 'descr',"
                    + " 'fortran_order' and 'shape', found " + dict.keySet());
        }
        if (!(descr instanceof String)) {
            throw new NpyFormatException(source + ": unsupported dtype " + shortRepr(descr)
                    + " (structured arrays are not tensors); supported: " + SUPPORTED);
        }
        if (!(fortran instanceof Boolean)) {
            throw new NpyFormatException(source + ": malformed header: 'fortran_order' must be"
                    + " True or False");
        }
        if (!(shapeObj instanceof List)) {
            throw new NpyFormatException(source + ": malformed header: 'shape' must be a tuple");
        }
        String d = (String) descr;
        DType dtype = dtypeOf(d, source);
        boolean swap = d.charAt(0) == (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? '>' : '<')
                && dtype.byteSize() > 1;
        @SuppressWarnings("unchecked")
        List<Object> dims = (List<Object>) shapeObj;
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            Object o = dims.get(i);
            if (!(o instanceof Long) || (Long) o < 0) {
                throw new NpyFormatException(source + ": malformed header: bad shape "
                        + dims + " (dims must be non-negative integers)");
            }
            shape[i] = (Long) o;
        }
        if ((Boolean) fortran && shape.length > 1) {
            throw new NpyFormatException(source + " is in Fortran order; save it with"
                    + " np.ascontiguousarray");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Shapes.numel(shape), (long) dtype.byteSize());
            Shapes.toInt(bytes + 2 * Tensor.ALIGNMENT, "data size"); // with alignedBuffer's padding
        } catch (ArithmeticException | IllegalArgumentException e) {
            throw new NpyFormatException(source + ": shape " + Shapes.str(shape)
                    + " is too large (ppc tensors hold at most 2 GiB)");
        }
        ByteBuffer data = readData(Channels.newChannel(in), bytes);
        if (data.position() < bytes) {
            throw new NpyFormatException(source + ": truncated data: shape " + Shapes.str(shape)
                    + " of " + d + " needs " + bytes + " bytes, the file has " + data.position());
        }
        Tensor t = Tensor.wrap(dtype, shape, data.flip());
        if (swap) swapBytes(t.data(), dtype.byteSize());
        return t;
    }

    /**
     * Reads up to {@code bytes} bytes into a 64-byte aligned direct buffer, positioned after the
     * last byte read. Memory grows with the data that actually arrives (doubling, the last step
     * to the exact size), so a header that announces gigabytes in a file of a few bytes costs
     * only what the file holds.
     */
    private static ByteBuffer readData(ReadableByteChannel ch, long bytes) throws IOException {
        ByteBuffer buf = alignedBuffer(Math.min(bytes, EAGER_BYTES));
        while (true) {
            while (buf.hasRemaining()) {
                if (ch.read(buf) < 0) return buf;
            }
            if (buf.capacity() == bytes) return buf;
            ByteBuffer bigger = alignedBuffer(Math.min(bytes, 2L * buf.capacity()));
            bigger.put(buf.flip());
            buf = bigger;
        }
    }

    /** A direct buffer of {@code bytes} bytes whose start is aligned as {@link Tensor#allocate}'s. */
    private static ByteBuffer alignedBuffer(long bytes) {
        // alignedSlice rounds both ends inwards, so reserve the size rounded up plus one unit;
        // the caller has checked that this fits an int.
        ByteBuffer raw = ByteBuffer.allocateDirect(roundUp((int) bytes) + Tensor.ALIGNMENT);
        return raw.alignedSlice(Tensor.ALIGNMENT).limit((int) bytes).slice().order(ByteOrder.nativeOrder());
    }

    private static String shortRepr(Object o) {
        String s = String.valueOf(o);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    private static int readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        int n = 0;
        while (n < len) {
            int r = in.read(b, off + n, len - n);
            if (r < 0) break;
            n += r;
        }
        return n;
    }

    private static void swapBytes(ByteBuffer b, int size) {
        int n = b.limit();
        for (int i = 0; i < n; i += size) {
            for (int lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
                byte x = b.get(lo);
                b.put(lo, b.get(hi));
                b.put(hi, x);
            }
        }
    }

    /** Maps a NumPy descriptor such as {@code <f4} to a dtype, or explains why it cannot. */
    static DType dtypeOf(String descr, String source) {
        if (descr.length() >= 2) {
            char order = descr.charAt(0);
            String kind = descr.substring(1);
            if (order == '<' || order == '>' || order == '|' || order == '=') {
                DType t = dtypeOfKind(kind);
                if (t != null) {
                    boolean multiByte = t.byteSize() > 1;
                    if (!multiByte || order != '|') return t;
                }
            }
        }
        throw new NpyFormatException(source + ": unsupported dtype '" + descr + "'; supported: "
                + SUPPORTED);
    }

    private static DType dtypeOfKind(String kind) {
        switch (kind) {
            case "f2": return DType.F16;
            case "f4": return DType.F32;
            case "f8": return DType.F64;
            case "i1": return DType.I8;
            case "i2": return DType.I16;
            case "i4": return DType.I32;
            case "i8": return DType.I64;
            case "u1": return DType.U8;
            case "u2": return DType.U16;
            case "u4": return DType.U32;
            case "u8": return DType.U64;
            case "b1": return DType.BOOL;
            default: return null;
        }
    }

    /** The NumPy descriptor for {@code dtype} in this machine's byte order. */
    static String descrOf(DType dtype, String source) {
        String kind;
        switch (dtype) {
            case F16: kind = "f2"; break;
            case F32: kind = "f4"; break;
            case F64: kind = "f8"; break;
            case I8: kind = "i1"; break;
            case I16: kind = "i2"; break;
            case I32: kind = "i4"; break;
            case I64: kind = "i8"; break;
            case U8: kind = "u1"; break;
            case U16: kind = "u2"; break;
            case U32: kind = "u4"; break;
            case U64: kind = "u8"; break;
            case BOOL: kind = "b1"; break;
            default:
                throw new NpyFormatException(source + ": dtype " + dtype + " has no .npy form;"
                        + " supported: " + SUPPORTED);
        }
        if (dtype.byteSize() == 1) return "|" + kind;
        return (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? "<" : ">") + kind;
    }

    /**
     * Writes {@code t} to {@code file}, replacing it atomically ({@link AtomicFile}): the file holds
     * its previous content or the whole new one, never a part. A failure is an
     * {@link dev.ppc.files.OutputFileException} naming the file.
     */
    public static void write(Path file, Tensor t) {
        AtomicFile.write(file, out -> write(out, t, file.toString()));
    }

    /** Writes {@code t} as one {@code .npy} image to {@code out} (which is not closed). */
    public static void write(OutputStream out, Tensor t, String source) throws IOException {
        out.write(header(t, source));
        out.flush();
        WritableByteChannel ch = Channels.newChannel(out);
        ByteBuffer src = t.data().duplicate();
        while (src.hasRemaining()) ch.write(src);
    }

    /** The whole {@code .npy} image of {@code t}. */
    public static byte[] toBytes(Tensor t) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream((int) t.byteSize() + 128);
        try {
            write(bos, t, "tensor");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bos.toByteArray();
    }

    /**
     * The magic, version, length and padded header for {@code t}: version 1.0 unless the header
     * needs more than 65535 bytes, padded so the data starts at a multiple of 64 as NumPy does.
     */
    static byte[] header(Tensor t, String source) {
        StringBuilder sb = new StringBuilder("{'descr': '").append(descrOf(t.dtype(), source))
                .append("', 'fortran_order': False, 'shape': (");
        long[] shape = t.shape();
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i]);
        }
        if (shape.length == 1) sb.append(',');
        sb.append("), }");
        int major = 1;
        int prelude = MAGIC.length + 2 + 2;
        int total = prelude + sb.length() + 1;
        if (roundUp(total) - prelude > 0xFFFF) {
            major = 2;
            prelude += 2;
            total += 2;
        }
        int padded = roundUp(total);
        while (prelude + sb.length() + 1 < padded) sb.append(' ');
        sb.append('\n');
        byte[] text = sb.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(prelude + text.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (major == 1) b.putShort((short) text.length); else b.putInt(text.length);
        b.put(text);
        return b.array();
    }

    private static int roundUp(int n) {
        return (n + ALIGN - 1) / ALIGN * ALIGN;
    }

    /**
     * A parser for the subset of Python literals that {@code .npy} headers use: a dict with
     * string keys whose values are strings, {@code True}/{@code False}, integers (Python 2's
     * {@code 3L} too), tuples or lists of those.
     */
    private static final class HeaderParser {
        private final String s;
        private final String source;
        private int i;

        HeaderParser(String s, String source) {
            this.s = s;
            this.source = source;
        }

        Map<String, Object> parseDict() {
            skipSpace();
            expect('{');
            Map<String, Object> m = new LinkedHashMap<>();
            skipSpace();
            while (peek() != '}') {
                Object key = value();
                if (!(key instanceof String)) throw bad("dict keys must be strings");
                skipSpace();
                expect(':');
                m.put((String) key, value());
                skipSpace();
                if (peek() == ',') {
                    i++;
                    skipSpace();
                } else if (peek() != '}') {
                    throw bad("expected ',' or '}'");
                }
            }
            i++;
            return m;
        }

        private Object value() {
            skipSpace();
            char c = peek();
            if (c == '\'' || c == '"') return string(c);
            if (c == '(' || c == '[') return sequence(c == '(' ? ')' : ']');
            if (c == '{') return parseDict();
            if (c == '-' || Character.isDigit(c)) return integer();
            if (s.startsWith("True", i)) { i += 4; return Boolean.TRUE; }
            if (s.startsWith("False", i)) { i += 5; return Boolean.FALSE; }
            throw bad("unexpected character '" + c + "'");
        }

        private String string(char quote) {
            int start = ++i;
            while (i < s.length() && s.charAt(i) != quote) i++;
            if (i >= s.length()) throw bad("unterminated string");
            return s.substring(start, i++);
        }

        private List<Object> sequence(char close) {
            i++;
            List<Object> items = new ArrayList<>();
            skipSpace();
            while (peek() != close) {
                items.add(value());
                skipSpace();
                if (peek() == ',') {
                    i++;
                    skipSpace();
                } else if (peek() != close) {
                    throw bad("expected ',' or '" + close + "'");
                }
            }
            i++;
            return items;
        }

        private Long integer() {
            int start = i;
            if (peek() == '-') i++;
            while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
            String digits = s.substring(start, i);
            if (i < s.length() && (s.charAt(i) == 'L' || s.charAt(i) == 'l')) i++;
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw bad("bad integer '" + digits + "'");
            }
        }

        private void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        private char peek() {
            if (i >= s.length()) throw bad("unexpected end");
            return s.charAt(i);
        }

        private void expect(char c) {
            if (peek() != c) throw bad("expected '" + c + "'");
            i++;
        }

        private NpyFormatException bad(String what) {
            String shown = s.strip();
            if (shown.length() > 80) shown = shown.substring(0, 77) + "...";
            return new NpyFormatException(source + ": malformed header (" + what + " at offset "
                    + i + "): " + shown);
        }
    }
}
