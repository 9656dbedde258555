package dev.visor.tensor.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and validates the header of a safetensors file; the rules are listed on {@link SafeTensors}.
 */
final class SafeTensorsHeader {
    static final String METADATA_KEY = "__metadata__";
    private static final List<String> FIELDS = List.of("dtype", "shape", "data_offsets");

    /** Tensors sorted by data offset (the file order). */
    final List<TensorInfo> tensors;
    /** The {@code __metadata__} map in header order (empty when absent). */
    final Map<String, String> metadata;
    /** Absolute file position of the data buffer: 8 + N. */
    final long dataStart;

    private SafeTensorsHeader(List<TensorInfo> tensors, Map<String, String> metadata, long dataStart) {
        this.tensors = tensors;
        this.metadata = metadata;
        this.dataStart = dataStart;
    }

    static SafeTensorsHeader read(Path file, ByteSource source) throws IOException {
        // 1) the header length
        long fileSize = source.size();
        if (fileSize < 8) {
            throw new SafeTensorsException(file, null, "file is " + fileSize
                    + " bytes long, too short for the 8-byte header length that starts a safetensors file");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(file, null, source, lengthBytes, 0);
        long n = lengthBytes.getLong(0);
        if (n < 0 || n > SafeTensors.MAX_HEADER_LENGTH) {
            throw new SafeTensorsException(file, null, "header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + SafeTensors.MAX_HEADER_LENGTH + " bytes");
        }
        if (n > fileSize - 8) {
            throw new SafeTensorsException(file, null, "header length " + n + " runs past the end of the file: only "
                    + (fileSize - 8) + " bytes follow the length field (truncated file?)");
        }
        long dataLength = fileSize - 8 - n;

        // 2) the header text
        ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
        readFully(file, null, source, headerBytes, 8);
        headerBytes.flip();
        String text = decodeUtf8(file, headerBytes);
        if (text.isEmpty() || text.charAt(0) != '{') {
            throw new SafeTensorsException(file, null, "header must be a JSON object starting with '{' but "
                    + (text.isEmpty() ? "is empty" : "starts with " + describeChar(text.charAt(0))));
        }
        Object root;
        try {
            root = HeaderJson.parse(text);
        } catch (HeaderJson.SyntaxException e) {
            throw new SafeTensorsException(file, null, "header is not valid JSON: " + e.getMessage(), e);
        }
        if (!(root instanceof Map)) { // cannot happen after the '{' check, kept as a guard
            throw new SafeTensorsException(file, null, "header must be a JSON object but is " + HeaderJson.kind(root));
        }

        // 3) the entries, in header order
        Map<String, String> metadata = Collections.emptyMap();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) root).entrySet()) {
            String name = (String) e.getKey();
            if (name.equals(METADATA_KEY)) {
                metadata = metadata(file, e.getValue());
            } else {
                TensorInfo info = entry(file, name, e.getValue());
                if (info.end() > dataLength) {
                    throw new SafeTensorsException(file, name, "data_offsets " + offsets(info) + " end past the "
                            + dataLength + " bytes of data in the file (truncated file?)");
                }
                tensors.add(info);
            }
        }

        // 4) the tensors tile the data buffer: sort by offsets (stable, so equal ones keep header order)
        List<TensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
        long position = 0;
        TensorInfo previous = null;
        for (TensorInfo t : byOffset) {
            if (t.begin() < position) {
                throw new SafeTensorsException(file, t.name(), "data_offsets " + offsets(t) + " overlap tensor "
                        + SafeTensorsException.quoteName(previous.name()) + " at " + offsets(previous));
            }
            if (t.begin() > position) {
                throw new SafeTensorsException(file, t.name(), "bytes [" + position + ", " + t.begin()
                        + ") of the data buffer, before this tensor's data_offsets " + offsets(t)
                        + ", belong to no tensor (the tensors must cover the data buffer without gaps)");
            }
            position = t.end();
            previous = t;
        }
        if (position != dataLength) {
            throw new SafeTensorsException(file, null, "the last " + (dataLength - position) + " bytes of the "
                    + dataLength + "-byte data buffer (from byte " + position + ") belong to no tensor"
                    + " (the tensors must cover the data buffer up to the end of the file)");
        }
        return new SafeTensorsHeader(Collections.unmodifiableList(byOffset), metadata, 8 + n);
    }

    private static Map<String, String> metadata(Path file, Object value) throws SafeTensorsException {
        if (!(value instanceof Map)) {
            throw new SafeTensorsException(file, null, METADATA_KEY + " must be an object of strings but is "
                    + describe(value));
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
            if (!(e.getValue() instanceof String)) {
                throw new SafeTensorsException(file, null, METADATA_KEY + " must be an object of strings but key "
                        + HeaderJson.quote((String) e.getKey()) + " holds " + describe(e.getValue()));
            }
            out.put((String) e.getKey(), (String) e.getValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static TensorInfo entry(Path file, String name, Object value) throws SafeTensorsException {
        if (!(value instanceof Map)) {
            throw new SafeTensorsException(file, name, "entry must be an object with dtype, shape and data_offsets"
                    + " but is " + describe(value));
        }
        Map<?, ?> fields = (Map<?, ?>) value;
        for (Object key : fields.keySet()) {
            if (!FIELDS.contains(key)) {
                throw new SafeTensorsException(file, name, "unexpected field " + HeaderJson.quote((String) key)
                        + " (an entry has exactly the fields dtype, shape and data_offsets)");
            }
        }
        for (String key : FIELDS) {
            if (!fields.containsKey(key)) {
                throw new SafeTensorsException(file, name, "missing field '" + key
                        + "' (an entry has exactly the fields dtype, shape and data_offsets)");
            }
        }

        Object dtypeValue = fields.get("dtype");
        if (!(dtypeValue instanceof String)) {
            throw new SafeTensorsException(file, name, "dtype must be a string but is " + describe(dtypeValue));
        }
        Dtype dtype = Dtype.byName((String) dtypeValue).orElseThrow(() -> new SafeTensorsException(file, name,
                "unknown dtype " + abbreviate(HeaderJson.quote((String) dtypeValue)) + " (known: " + Dtype.allNames() + ")"));

        Object shapeValue = fields.get("shape");
        if (!(shapeValue instanceof List)) {
            throw new SafeTensorsException(file, name, "shape must be an array of non-negative integers but is "
                    + describe(shapeValue));
        }
        List<?> shapeList = (List<?>) shapeValue;
        int[] shape = new int[shapeList.size()];
        for (int i = 0; i < shape.length; i++) {
            Object d = shapeList.get(i);
            long v = nonNegativeLong(d);
            if (v < 0) {
                throw new SafeTensorsException(file, name, "shape " + abbreviate(HeaderJson.write(shapeList))
                        + " has element " + i + " = " + abbreviate(HeaderJson.write(d))
                        + "; dimensions must be non-negative integers");
            }
            if (v > Integer.MAX_VALUE) {
                throw new SafeTensorsException(file, name, "shape " + abbreviate(HeaderJson.write(shapeList))
                        + " has dimension " + i + " = " + v + ", more than the " + Integer.MAX_VALUE
                        + " a Visor tensor dimension can hold");
            }
            shape[i] = (int) v;
        }

        Object offsetsValue = fields.get("data_offsets");
        long begin = -1;
        long end = -1;
        if (offsetsValue instanceof List && ((List<?>) offsetsValue).size() == 2) {
            begin = nonNegativeLong(((List<?>) offsetsValue).get(0));
            end = nonNegativeLong(((List<?>) offsetsValue).get(1));
        }
        if (begin < 0 || end < 0) {
            throw new SafeTensorsException(file, name, "data_offsets must be [begin, end] with two non-negative"
                    + " 64-bit integers but is " + abbreviate(HeaderJson.write(offsetsValue)));
        }
        if (end < begin) {
            throw new SafeTensorsException(file, name, "data_offsets [" + begin + ", " + end
                    + "] end before they begin");
        }

        long bytes = byteCount(dtype, shape);
        if (bytes == -1) {
            throw new SafeTensorsException(file, name, dtype + " shape " + Arrays.toString(shape)
                    + " has more bits than fit in a 64-bit integer");
        }
        if (bytes == -2) {
            throw new SafeTensorsException(file, name, dtype + " shape " + Arrays.toString(shape) + " needs "
                    + numel(shape) * dtype.bits() + " bits, which is not a whole number of bytes");
        }
        if (end - begin != bytes) {
            throw new SafeTensorsException(file, name, "data_offsets [" + begin + ", " + end + "] hold "
                    + (end - begin) + " bytes but " + dtype + " shape " + Arrays.toString(shape) + " needs " + bytes);
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /**
     * Bytes for {@code shape} elements of {@code dtype}; -1 on 64-bit overflow, -2 when the bit count
     * is not a multiple of 8 (sub-byte types).
     */
    static long byteCount(Dtype dtype, int[] shape) {
        try {
            long bits = Math.multiplyExact(numel(shape), (long) dtype.bits());
            return bits % 8 == 0 ? bits / 8 : -2;
        } catch (ArithmeticException overflow) {
            return -1;
        }
    }

    /** Element count; throws ArithmeticException on overflow. */
    private static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, (long) d);
        }
        return n;
    }

    /**
     * The value when it is an integer in 0..Long.MAX_VALUE, else -1 (integers beyond 64 bits parse
     * as BigInteger, fractions and exponents as Double: all rejected).
     */
    private static long nonNegativeLong(Object v) {
        return v instanceof Long && (Long) v >= 0 ? (Long) v : -1;
    }

    private static String decodeUtf8(Path file, ByteBuffer bytes) throws SafeTensorsException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer chars = CharBuffer.allocate(bytes.remaining());
        CoderResult result = decoder.decode(bytes, chars, true);
        if (!result.isError()) {
            result = decoder.flush(chars);
        }
        if (result.isError()) {
            int at = bytes.position();
            StringBuilder hex = new StringBuilder();
            for (int i = 0; i < result.length() && at + i < bytes.limit(); i++) {
                hex.append(i == 0 ? "" : " ").append(String.format("0x%02X", bytes.get(at + i) & 0xFF));
            }
            throw new SafeTensorsException(file, null, "header is not valid UTF-8: malformed byte sequence " + hex
                    + " at header byte " + at + " (file byte " + (8 + at) + ")");
        }
        chars.flip();
        return chars.toString();
    }

    static void readFully(Path file, String tensor, ByteSource source, ByteBuffer buffer, long position)
            throws IOException {
        long p = position;
        while (buffer.hasRemaining()) {
            int read = source.read(buffer, p);
            if (read < 0) {
                throw new SafeTensorsException(file, tensor, "file ended at byte " + p + " while reading "
                        + buffer.remaining() + " more bytes (was it truncated after it was opened?)");
            }
            p += read;
        }
    }

    /** {@code "an array ([1,2])"}, {@code "null"}: what a JSON value is, and the value itself. */
    private static String describe(Object value) {
        return value == null ? "null" : HeaderJson.kind(value) + " (" + abbreviate(HeaderJson.write(value)) + ")";
    }

    static String offsets(TensorInfo t) {
        return "[" + t.begin() + ", " + t.end() + "]";
    }

    private static String describeChar(char c) {
        return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    /** At most 80 characters of {@code s}, never splitting a surrogate pair. */
    static String abbreviate(String s) {
        if (s.length() <= 80) {
            return s;
        }
        int cut = Character.isLowSurrogate(s.charAt(77)) ? 76 : 77;
        return s.substring(0, cut) + "...";
    }
}
