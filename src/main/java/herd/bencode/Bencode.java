package herd.bencode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bencoding (BEP 3). Decoded values are {@code Long}, {@code byte[]}, {@code List<Object>} and
 * {@code Map<String, Object>} whose keys are byte strings read as ISO-8859-1, so that re-encoding is lossless
 * and keys sort in byte order. Encoding also takes {@code Integer} and {@code String} (written as UTF-8).
 */
public final class Bencode {
  private static final int MAX_DEPTH = 64;

  private Bencode() {}

  public static byte[] encode(Object value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, value);
    return out.toByteArray();
  }

  /** Decodes exactly one value that spans the whole input. */
  public static Object decode(byte[] input) {
    Decoder d = new Decoder(input);
    Object v = d.value(0);
    if (d.pos != input.length) throw new BencodeException("trailing data at " + d.pos);
    return v;
  }

  /** Decodes a dictionary that spans the whole input. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> decodeDict(byte[] input) {
    Object v = decode(input);
    if (!(v instanceof Map)) throw new BencodeException("not a dictionary");
    return (Map<String, Object>) v;
  }

  private static void write(ByteArrayOutputStream out, Object value) {
    if (value instanceof Long || value instanceof Integer) {
      ascii(out, "i" + value + "e");
    } else if (value instanceof byte[]) {
      byte[] b = (byte[]) value;
      ascii(out, b.length + ":");
      out.writeBytes(b);
    } else if (value instanceof String) {
      write(out, ((String) value).getBytes(StandardCharsets.UTF_8));
    } else if (value instanceof List) {
      out.write('l');
      for (Object o : (List<?>) value) write(out, o);
      out.write('e');
    } else if (value instanceof Map) {
      out.write('d');
      TreeMap<String, Object> sorted = new TreeMap<>();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) sorted.put((String) e.getKey(), e.getValue());
      for (Map.Entry<String, Object> e : sorted.entrySet()) {
        write(out, e.getKey().getBytes(StandardCharsets.ISO_8859_1));
        write(out, e.getValue());
      }
      out.write('e');
    } else {
      throw new IllegalArgumentException("cannot bencode " + (value == null ? "null" : value.getClass()));
    }
  }

  private static void ascii(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static final class Decoder {
    private final byte[] in;
    private int pos;

    Decoder(byte[] in) {
      this.in = in;
    }

    Object value(int depth) {
      if (depth > MAX_DEPTH) throw new BencodeException("nested too deeply");
      int c = peek();
      switch (c) {
        case 'i':
          pos++;
          long n = number('e');
          return n;
        case 'l': {
          pos++;
          List<Object> list = new ArrayList<>();
          while (peek() != 'e') list.add(value(depth + 1));
          pos++;
          return list;
        }
        case 'd': {
          pos++;
          Map<String, Object> map = new TreeMap<>();
          String last = null;
          while (peek() != 'e') {
            if (peek() < '0' || peek() > '9') throw new BencodeException("dictionary key is not a string at " + pos);
            String key = new String(bytes(), StandardCharsets.ISO_8859_1);
            if (last != null && key.compareTo(last) <= 0) throw new BencodeException("unsorted or duplicate key at " + pos);
            last = key;
            map.put(key, value(depth + 1));
          }
          pos++;
          return map;
        }
        default:
          if (c >= '0' && c <= '9') return bytes();
          throw new BencodeException("unexpected byte " + c + " at " + pos);
      }
    }

    private byte[] bytes() {
      long len = number(':');
      if (len < 0 || len > in.length - pos) throw new BencodeException("string length " + len + " beyond input at " + pos);
      byte[] b = new byte[(int) len];
      System.arraycopy(in, pos, b, 0, b.length);
      pos += b.length;
      return b;
    }

    /** Reads a canonical decimal integer up to the terminator. */
    private long number(char terminator) {
      int start = pos;
      boolean negative = false;
      if (peek() == '-') {
        negative = true;
        pos++;
      }
      int digitsStart = pos;
      long n = 0;
      while (peek() != terminator) {
        int c = in[pos];
        if (c < '0' || c > '9') throw new BencodeException("bad digit at " + pos);
        if (n > (Long.MAX_VALUE - (c - '0')) / 10) throw new BencodeException("integer overflow at " + start);
        n = n * 10 + (c - '0');
        pos++;
      }
      int digits = pos - digitsStart;
      pos++;
      if (digits == 0) throw new BencodeException("empty integer at " + start);
      if (digits > 1 && in[digitsStart] == '0') throw new BencodeException("leading zero at " + start);
      if (negative && n == 0) throw new BencodeException("negative zero at " + start);
      return negative ? -n : n;
    }

    private int peek() {
      if (pos >= in.length) throw new BencodeException("unexpected end of input");
      return in[pos];
    }
  }
}
