package herd.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class HostSpecTest {
  @ParameterizedTest
  @ValueSource(
      strings = {"web1", "root@web1", "web1:2222", "root@10.0.0.1:2", "::1", "root@[fe80::1]:2222", "fe80::1%eth0"})
  void displayFormParsesBackToItself(String entry) throws Exception {
    List<HostSpec> parsed = HostList.parseList(entry);
    assertEquals(entry, parsed.get(0).toString());
    assertEquals(parsed, HostList.parseList(parsed.get(0).toString()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[::1]", "[::1]:22", "::1"})
  void ipv6OnDefaultPortShowsWithoutBrackets(String entry) throws Exception {
    assertEquals("::1", HostList.parseList(entry).get(0).toString());
  }
}
