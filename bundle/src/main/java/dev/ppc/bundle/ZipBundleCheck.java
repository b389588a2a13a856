package dev.ppc.bundle;

import dev.ppc.ir.FileKinds;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a zip archive before it is opened as a bundle, from its central directory as the bytes
 * say (the JDK's zip file system neither shows entries' Unix file types nor duplicate names):
 * every entry is a regular file or a directory with a relative, normalized name
 * ({@link BundlePaths}), no name appears twice, and the directory itself is intact. A truncated or
 * damaged archive is reported as such, not as "not a bundle".
 *
 * <p>Layout read here (PKWARE APPNOTE): the end-of-central-directory record (with its zip64
 * variant for archives over 4 GiB or 65535 entries) locates the central directory, whose entries
 * hold each name, the host system that made it and the external attributes (a Unix
 * {@code st_mode} in the upper 16 bits when the host is Unix), and where the entry's local header
 * starts.
 */
final class ZipBundleCheck {
    private static final int EOCD = 0x06054b50, EOCD_SIZE = 22, MAX_COMMENT = 0xFFFF;
    private static final int ZIP64_LOCATOR = 0x07064b50, ZIP64_LOCATOR_SIZE = 20, ZIP64_EOCD = 0x06064b50, ZIP64_EOCD_SIZE = 56;
    private static final int CENTRAL = 0x02014b50, CENTRAL_SIZE = 46, LOCAL = 0x04034b50, LOCAL_SIZE = 30;
    private static final int HOST_UNIX = 3;
    /** A bundle has a handful of files; a central directory this large is not one. */
    private static final long MAX_CENTRAL_DIRECTORY = 64L << 20;

    private record Entry(String name, int host, int unixMode) {}

    /** A structural defect of the archive. */
    private static final class Corrupt extends Exception {
        Corrupt(String reason) { super(reason, null, false, false); }
    }

    private ZipBundleCheck() {}

    /** Whether {@code head} (a file's first bytes) starts like a zip archive: a local header, or the end record of an empty archive. */
    static boolean hasZipMagic(byte[] head) {
        return head.length >= 4 && head[0] == 'P' && head[1] == 'K' && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
    }

    /** Throws a {@link BundleException} (prefixed {@code where}) unless {@code zip} is an intact archive of plain entries. */
    static void check(Path zip, String where) {
        List<Entry> entries;
        try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.READ)) {
            entries = entries(ch);
        } catch (Corrupt e) {
            throw new BundleException(where + ": the file is a truncated or corrupt zip archive (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new BundleException(where + ": cannot read the archive: " + BundleJson.oneLine(e.getMessage()));
        }
        Set<String> seen = new HashSet<>();
        for (Entry e : entries) {
            boolean directory = e.name().endsWith("/");
            String path = directory ? e.name().substring(0, e.name().length() - 1) : e.name();
            String problem = BundlePaths.problem(path);
            if (problem != null) throw new BundleException(where + ": zip entry '" + e.name() + "' is not a path inside the bundle: " + problem);
            if (!seen.add(path)) throw new BundleException(where + ": zip entry '" + e.name() + "' appears twice; a bundle names each file once");
            if (e.host() == HOST_UNIX && !BundleTree.isPlainFileOrDirectory(e.unixMode())) {
                throw new BundleException(where + ": zip entry '" + e.name() + "' is " + FileKinds.describeMode(e.unixMode())
                        + ", not a regular file; a bundle holds only regular files");
            }
        }
    }

    private static List<Entry> entries(FileChannel ch) throws IOException, Corrupt {
        long size = ch.size();
        if (size < EOCD_SIZE) throw new Corrupt("it is only " + size + " bytes long");
        int tailLength = (int) Math.min(size, EOCD_SIZE + MAX_COMMENT);
        long tailStart = size - tailLength;
        ByteBuffer tail = read(ch, tailStart, tailLength);
        int end = -1;
        for (int i = tailLength - EOCD_SIZE; i >= 0 && end < 0; i--) {
            // The record's comment must reach exactly to the end of the file, as in every writer.
            if (tail.getInt(i) == EOCD && i + EOCD_SIZE + u16(tail, i + 20) == tailLength) end = i;
        }
        if (end < 0) throw new Corrupt("it has no end-of-central-directory record; the file is cut short");
        long endPosition = tailStart + end;
        if (u16(tail, end + 4) != 0 || u16(tail, end + 6) != 0) throw new Corrupt("it is one part of a split archive");
        long count = u16(tail, end + 10), directorySize = u32(tail, end + 12), directoryOffset = u32(tail, end + 16);
        long directoryLimit = endPosition;
        if (count == 0xFFFF || directorySize == 0xFFFFFFFFL || directoryOffset == 0xFFFFFFFFL) {
            long locator = endPosition - ZIP64_LOCATOR_SIZE;
            if (locator < 0) throw new Corrupt("its zip64 locator is missing");
            ByteBuffer loc = read(ch, locator, ZIP64_LOCATOR_SIZE);
            if (loc.getInt(0) != ZIP64_LOCATOR) throw new Corrupt("its zip64 locator is missing");
            long record = loc.getLong(8);
            if (record < 0 || record > locator - ZIP64_EOCD_SIZE) throw new Corrupt("its zip64 end record lies outside the file");
            ByteBuffer z = read(ch, record, ZIP64_EOCD_SIZE);
            if (z.getInt(0) != ZIP64_EOCD) throw new Corrupt("its zip64 end record is damaged");
            count = z.getLong(32);
            directorySize = z.getLong(40);
            directoryOffset = z.getLong(48);
            directoryLimit = record;
        }
        if (directoryOffset < 0 || directorySize < 0 || directorySize > directoryLimit - directoryOffset) {
            throw new Corrupt("its central directory lies outside the file");
        }
        if (directorySize > MAX_CENTRAL_DIRECTORY) throw new Corrupt("its central directory is " + directorySize + " bytes, more than a bundle has");
        ByteBuffer cd = read(ch, directoryOffset, (int) directorySize);
        List<Entry> entries = new ArrayList<>();
        int p = 0;
        for (long i = 0; i < count; i++) {
            if (p > directorySize - CENTRAL_SIZE || cd.getInt(p) != CENTRAL) throw new Corrupt("central directory entry " + i + " is damaged");
            int nameLength = u16(cd, p + 28), extraLength = u16(cd, p + 30), commentLength = u16(cd, p + 32);
            int next = p + CENTRAL_SIZE + nameLength + extraLength + commentLength;
            if (next > directorySize) throw new Corrupt("central directory entry " + i + " runs past the directory");
            String name = utf8(cd, p + CENTRAL_SIZE, nameLength, i);
            long local = localHeaderOffset(cd, p, p + CENTRAL_SIZE + nameLength, extraLength, i);
            if (local > directoryOffset - LOCAL_SIZE || read(ch, local, 4).getInt(0) != LOCAL) {
                throw new Corrupt("the data of entry '" + name + "' is missing or damaged");
            }
            entries.add(new Entry(name, u16(cd, p + 4) >>> 8, (int) (u32(cd, p + 38) >>> 16)));
            p = next;
        }
        if (p != directorySize) throw new Corrupt("its central directory holds more than the " + count + " entries its end record counts");
        return entries;
    }

    /** The entry's local header offset, from the zip64 extra field when the 32-bit field says it is there. */
    private static long localHeaderOffset(ByteBuffer cd, int entry, int extra, int extraLength, long index) throws Corrupt {
        long offset = u32(cd, entry + 42);
        if (offset != 0xFFFFFFFFL) return offset;
        for (int q = extra; q + 4 <= extra + extraLength; ) {
            int tag = u16(cd, q), length = u16(cd, q + 2);
            // A field claiming more bytes than the extra area holds is corrupt; reading on would leave the entry.
            if (q + 4 + length > extra + extraLength) break;
            if (tag == 0x0001) {
                // Present in this order, each only if its 32-bit field is saturated: size, compressed size, offset.
                int at = q + 4 + (u32(cd, entry + 24) == 0xFFFFFFFFL ? 8 : 0) + (u32(cd, entry + 20) == 0xFFFFFFFFL ? 8 : 0);
                if (at + 8 > q + 4 + length) break;
                long v = cd.getLong(at);
                if (v < 0) break;
                return v;
            }
            q += 4 + length;
        }
        throw new Corrupt("central directory entry " + index + " has no zip64 offset");
    }

    private static String utf8(ByteBuffer cd, int at, int length, long index) throws Corrupt {
        byte[] bytes = new byte[length];
        cd.get(at, bytes);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new Corrupt("the name of central directory entry " + index + " is not UTF-8");
        }
    }

    private static ByteBuffer read(FileChannel ch, long position, int length) throws IOException, Corrupt {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) throw new Corrupt("it ends inside a record");
        }
        return b.flip();
    }

    private static int u16(ByteBuffer b, int at) { return Short.toUnsignedInt(b.getShort(at)); }

    private static long u32(ByteBuffer b, int at) { return Integer.toUnsignedLong(b.getInt(at)); }
}
