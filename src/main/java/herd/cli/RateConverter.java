package herd.cli;

import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --limit-rate RATE}: bytes a second, with an optional k, m or g suffix for KiB, MiB or GiB ({@code 500k},
 * {@code 10m}, {@code 1g}); 0 for no limit.
 */
final class RateConverter implements ITypeConverter<Long> {
  @Override
  public Long convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    int shift = 0;
    if (!v.isEmpty()) {
      switch (v.charAt(v.length() - 1)) {
        case 'k' -> shift = 10;
        case 'm' -> shift = 20;
        case 'g' -> shift = 30;
        default -> shift = -1;
      }
      if (shift >= 0) v = v.substring(0, v.length() - 1);
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0 || n > (Long.MAX_VALUE >> Math.max(shift, 0))) throw new NumberFormatException();
      return n << Math.max(shift, 0);
    } catch (NumberFormatException e) {
      throw new TypeConversionException("'" + value + "' is not a rate: bytes a second, like 500k, 10m or 1g");
    }
  }
}
