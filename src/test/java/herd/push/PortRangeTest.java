package herd.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class PortRangeTest {
  @Test
  void parsesSinglePortsAndRanges() {
    assertEquals(new PortRange(6881, 6881), PortRange.parse("6881"));
    assertEquals(new PortRange(6881, 6889), PortRange.parse(" 6881-6889 "));
    assertEquals("6881-6889", PortRange.parse("6881-6889").toString());
  }

  @Test
  void rejectsMalformedRanges() {
    for (String bad : new String[] {"", "x", "1-", "-1", "5-4", "70000", "1-2-3", "0-5"}) {
      assertThrows(IllegalArgumentException.class, () -> PortRange.parse(bad), bad);
    }
  }
}
