package dev.cryosphere.core.format;

import dev.cryosphere.core.util.InputException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A one-dimensional numpy structured array stored as .npy (the format of cryoSPARC .cs files), read without
 * Python. Supports numeric fields (ints, unsigned ints, floats, bool; any byte order), fixed-size byte strings
 * ('S') and unicode strings ('U'), fields with a sub-array shape such as {@code ('alignments3D/pose', '<f4', (3,))},
 * and padding ('V'). Object fields ('O') cannot be stored in .npy without pickling, which is refused.
 */
public final class NpyStructuredArray {
    /** One field of the record: numpy kind letter ('f', 'i', 'u', 'b', 'S', 'U', 'V'), item size, element count. */
    public record Field(String name, char kind, int itemSize, ByteOrder order, int count, int offset) {
        int byteSize() { return itemSize * count; }
    }

    private final Path file;
    private final ByteBuffer data;
    private final long rows;
    private final int recordSize;
    private final Map<String, Field> fields;

    private NpyStructuredArray(Path file, ByteBuffer data, long rows, int recordSize, Map<String, Field> fields) {
        this.file = file;
        this.data = data;
        this.rows = rows;
        this.recordSize = recordSize;
        this.fields = fields;
    }

    public static NpyStructuredArray read(Path file) {
        dev.cryosphere.core.util.InputFiles.requireRegularFile(file);   // a pipe cannot be mapped, a device never ends
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) throw new InputException(file, null, "file over 2 GiB is not supported");
            ByteBuffer all = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            return parse(file, all);
        } catch (IOException e) {
            throw new InputException(file, null, "cannot read: " + e.getMessage(), e);
        }
    }

    static NpyStructuredArray parse(Path file, ByteBuffer all) {
        all.order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
        if (all.limit() < 10) throw new InputException(file, null, "truncated: too short for a .npy header");
        for (int k = 0; k < magic.length; k++)
            if (all.get(k) != magic[k]) throw new InputException(file, null, "not a numpy .npy file (bad magic)");
        int major = all.get(6) & 0xff;
        int headerLen, headerStart;
        if (major == 1) { headerLen = all.getShort(8) & 0xffff; headerStart = 10; }
        else if (major == 2 || major == 3) {
            if (all.limit() < 12) throw new InputException(file, null, "truncated: too short for a .npy header");
            headerLen = all.getInt(8); headerStart = 12;
        } else throw new InputException(file, null, "unsupported .npy version " + major);
        if (headerLen < 0 || (long) headerStart + headerLen > all.limit())
            throw new InputException(file, "header", "truncated: header runs past the end of the file");
        byte[] h = new byte[headerLen];
        all.get(headerStart, h);
        String header = new String(h, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        Map<String, Object> dict = headerDict(file, header);
        if (Boolean.TRUE.equals(dict.get("fortran_order")))
            throw new InputException(file, "header", "fortran_order arrays are not supported");
        long rows = rowCount(file, dict.get("shape"));
        Map<String, Field> fields = new LinkedHashMap<>();
        int recordSize = layout(file, dict.get("descr"), fields);

        long dataStart = headerStart + headerLen;
        long needed = rows * recordSize;
        long present = all.limit() - dataStart;
        if (present < needed)
            throw new InputException(file, "data", "truncated: " + rows + " records of " + recordSize + " bytes need "
                    + needed + " bytes, the file has " + present);
        ByteBuffer data = all.slice((int) dataStart, (int) needed);
        return new NpyStructuredArray(file, data, rows, recordSize, fields);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> headerDict(Path file, String header) {
        try {
            Object v = PyLiteral.parse(header.strip());
            if (v instanceof Map<?, ?> m) return (Map<String, Object>) m;
            throw new InputException(file, "header", "header is not a dict");
        } catch (PyLiteral.SyntaxError e) {
            throw new InputException(file, "header", "unreadable .npy header: " + e.getMessage());
        }
    }

    private static long rowCount(Path file, Object shape) {
        if (shape instanceof List<?> dims && dims.size() == 1 && dims.get(0) instanceof Long n && n >= 0) return n;
        throw new InputException(file, "header", "expected a one-dimensional array, shape is " + shape);
    }

    private static int layout(Path file, Object descr, Map<String, Field> fields) {
        if (!(descr instanceof List<?> list))
            throw new InputException(file, "header", "not a structured array (descr is " + descr + ")");
        int offset = 0;
        for (Object entry : list) {
            if (!(entry instanceof List<?> t) || t.size() < 2 || t.size() > 3 || !(t.get(0) instanceof String name))
                throw new InputException(file, "header", "unsupported field description " + entry);
            if (!(t.get(1) instanceof String type))
                throw new InputException(file, "field " + name, "nested record fields are not supported");
            int count = t.size() == 3 ? elementCount(file, name, t.get(2)) : 1;
            Field f = field(file, name, type, count, offset);
            offset += f.byteSize();
            if (!name.isEmpty() && f.kind() != 'V') fields.put(name, f);
        }
        return offset;
    }

    private static int elementCount(Path file, String name, Object shape) {
        if (!(shape instanceof List<?> dims))
            throw new InputException(file, "field " + name, "bad sub-array shape " + shape);
        long n = 1;
        for (Object d : dims) {
            if (!(d instanceof Long len) || len < 0) throw new InputException(file, "field " + name, "bad sub-array shape " + shape);
            n *= len;
        }
        return (int) n;
    }

    private static Field field(Path file, String name, String type, int count, int offset) {
        if (type.length() < 2) throw new InputException(file, "field " + name, "unsupported dtype '" + type + "'");
        char orderChar = type.charAt(0);
        ByteOrder order = orderChar == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        if ("<>|=".indexOf(orderChar) < 0) throw new InputException(file, "field " + name, "unsupported dtype '" + type + "'");
        char kind = type.charAt(1);
        if (kind == 'O')
            throw new InputException(file, "field " + name, "Python object field (pickled data) cannot be read");
        int size;
        try {
            size = Integer.parseInt(type.substring(2));
        } catch (NumberFormatException e) {
            throw new InputException(file, "field " + name, "unsupported dtype '" + type + "'");
        }
        boolean ok = switch (kind) {
            case 'f' -> size == 4 || size == 8;
            case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
            case 'b' -> size == 1;
            case 'S', 'V' -> size >= 0;
            case 'U' -> size >= 0;
            default -> false;
        };
        if (!ok) throw new InputException(file, "field " + name, "unsupported dtype '" + type + "'");
        int itemSize = kind == 'U' ? 4 * size : size; // 'U' counts UTF-32 characters
        return new Field(name, kind, itemSize, order, count, offset);
    }

    public Path file() { return file; }

    public long size() { return rows; }

    public boolean has(String field) { return fields.containsKey(field); }

    public List<Field> fields() { return new ArrayList<>(fields.values()); }

    /** The field, or an InputException naming it. */
    public Field field(String name) {
        Field f = fields.get(name);
        if (f == null) throw new InputException(file, "field " + name, "missing required field");
        return f;
    }

    /** Element {@code element} of a numeric field in record {@code row}, as double. */
    public double number(long row, String field, int element) {
        Field f = field(field);
        if (element < 0 || element >= f.count())
            throw new InputException(file, "field " + field, "has " + f.count() + " elements, element " + element + " asked");
        int pos = position(row, f) + element * f.itemSize();
        ByteBuffer b = data.duplicate().order(f.order());
        return switch (f.kind()) {
            case 'f' -> f.itemSize() == 4 ? b.getFloat(pos) : b.getDouble(pos);
            case 'i' -> switch (f.itemSize()) {
                case 1 -> b.get(pos);
                case 2 -> b.getShort(pos);
                case 4 -> b.getInt(pos);
                default -> (double) b.getLong(pos);
            };
            case 'u' -> switch (f.itemSize()) {
                case 1 -> b.get(pos) & 0xff;
                case 2 -> b.getShort(pos) & 0xffff;
                case 4 -> b.getInt(pos) & 0xffffffffL;
                default -> unsignedLong(b.getLong(pos));
            };
            case 'b' -> b.get(pos) != 0 ? 1 : 0;
            default -> throw new InputException(file, "field " + field, "is not numeric");
        };
    }

    public double number(long row, String field) { return number(row, field, 0); }

    /** A string field ('S' bytes decoded as UTF-8, or 'U'), trailing NULs removed as numpy does. */
    public String string(long row, String field) {
        Field f = field(field);
        int pos = position(row, f);
        if (f.kind() == 'S') {
            byte[] bytes = new byte[f.itemSize()];
            data.get(pos, bytes);
            int n = bytes.length;
            while (n > 0 && bytes[n - 1] == 0) n--;
            return new String(bytes, 0, n, StandardCharsets.UTF_8);
        }
        if (f.kind() == 'U') {
            ByteBuffer b = data.duplicate().order(f.order());
            StringBuilder sb = new StringBuilder();
            for (int k = 0; k < f.itemSize() / 4; k++) {
                int cp = b.getInt(pos + 4 * k);
                if (cp == 0) break;
                sb.appendCodePoint(cp);
            }
            return sb.toString();
        }
        throw new InputException(file, "field " + field, "is not a string field");
    }

    private int position(long row, Field f) {
        if (row < 0 || row >= rows) throw new IndexOutOfBoundsException("row " + row + " of " + rows);
        return (int) (row * recordSize) + f.offset();
    }

    private static double unsignedLong(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2 + (v & 1);
    }
}
