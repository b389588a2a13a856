package dev.ppc.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * What an existing file must be for ppc to replace it without {@code --force}: a file of the kind
 * being written (an old output of the same sort), so that a mistyped path does not silently
 * destroy something else. The tests are deliberately simple and look only at the start of the
 * file:
 * <ul>
 *   <li>{@link #NUMPY}: NumPy's magic {@code \x93NUMPY} (an .npy), or a zip archive whose entries
 *       all end in {@code .npy} (an .npz);</li>
 *   <li>{@link #JSON}: the first character other than white space (and a byte-order mark) is
 *       {@code {} or {@code [};</li>
 *   <li>{@link #SVG}: the first 64 KiB contain {@code <svg};</li>
 *   <li>{@link #CSV}: the first 64 KiB are UTF-8 text without control characters other than tab,
 *       carriage return and line feed, and each of its first eight lines holds a comma (so a
 *       README or a source file given as {@code --csv} is not taken for one).</li>
 * </ul>
 * An empty file matches every kind (there is nothing in it to lose). Modules that own a format
 * define its kind with {@link #of} (the bundle module does so for bundles).
 *
 * @param description the kind in words, as in "is not DESCRIPTION" ("an .npz or .npy file")
 * @param directory   whether outputs of this kind are directories
 * @param recognizer  whether an existing, non-empty path is of this kind
 */
public record FileKind(String description, boolean directory, Recognizer recognizer) {
    /** Whether an existing path is of the kind; an unreadable file is not. */
    @FunctionalInterface
    public interface Recognizer {
        boolean recognizes(Path existing) throws IOException;
    }

    private static final int PREFIX = 64 * 1024;
    private static final byte[] NUMPY_MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    public static final FileKind NUMPY = of("an .npz or .npy file", false, FileKind::isNumpy);
    public static final FileKind JSON = of("a JSON file", false, p -> {
        String text = new String(prefix(p), StandardCharsets.UTF_8).replace("\uFEFF", "").strip();
        return text.startsWith("{") || text.startsWith("[");
    });
    public static final FileKind SVG = of("an SVG file", false, p -> new String(prefix(p), StandardCharsets.ISO_8859_1).contains("<svg"));
    public static final FileKind CSV = of("a CSV text file", false, FileKind::isCsv);

    public static FileKind of(String description, boolean directory, Recognizer recognizer) { return new FileKind(description, directory, recognizer); }

    /** Whether {@code existing} may be replaced by a file or directory of this kind without {@code --force}. */
    public boolean accepts(Path existing) {
        try {
            if (!directory && Files.isRegularFile(existing) && Files.size(existing) == 0) return true;
            return recognizer.recognizes(existing);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isNumpy(Path p) throws IOException {
        if (!Files.isRegularFile(p)) return false;
        byte[] head = prefix(p);
        if (head.length >= NUMPY_MAGIC.length && Arrays.equals(head, 0, NUMPY_MAGIC.length, NUMPY_MAGIC, 0, NUMPY_MAGIC.length)) return true;
        if (head.length < 4 || head[0] != 'P' || head[1] != 'K') return false;
        try (ZipFile zip = new ZipFile(p.toFile())) {
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                if (!e.nextElement().getName().endsWith(".npy")) return false;
            }
            return true;
        } catch (ZipException e) {
            return false;
        }
    }

    private static boolean isCsv(Path p) throws IOException {
        if (!isText(p)) return false;
        String head = new String(prefix(p), StandardCharsets.UTF_8);
        return head.lines().filter(l -> !l.isBlank()).limit(8).allMatch(l -> l.indexOf(',') >= 0);
    }

    private static boolean isText(Path p) throws IOException {
        if (!Files.isRegularFile(p)) return false;
        byte[] head = prefix(p);
        CharBuffer text = CharBuffer.allocate(head.length);
        // Decoding as not yet at the end when the prefix was cut, so a character split by the cut is no error.
        CoderResult r = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(head), text, head.length < PREFIX);
        if (r.isError()) return false;
        text.flip();
        return text.chars().noneMatch(c -> c < 0x20 && c != '\t' && c != '\r' && c != '\n' || c == 0x7F);
    }

    private static byte[] prefix(Path p) throws IOException {
        if (!Files.isRegularFile(p)) return new byte[0];
        try (InputStream in = Files.newInputStream(p)) {
            return in.readNBytes(PREFIX);
        }
    }
}
