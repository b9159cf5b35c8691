package herd.hosts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class HostListTest {
  @Test
  void skipsCommentsAndBlankLinesAndTrims() throws Exception {
    String text = "# fleet\n\n  web1  \nweb2 # trailing\n\t\n   # indented comment\r\nroot@db:2200\r\n";
    assertEquals(
        List.of(new HostSpec(null, "web1", 22), new HostSpec(null, "web2", 22), new HostSpec("root", "db", 2200)),
        HostList.parseLines(text, "hosts.txt"));
  }

  @Test
  void dropsDuplicatesKeepingFirst() throws Exception {
    String text = "b\na\nB:22\nroot@a\na\n";
    assertEquals(
        List.of(new HostSpec(null, "b", 22), new HostSpec(null, "a", 22), new HostSpec("root", "a", 22)),
        HostList.parseLines(text, "hosts.txt"));
  }

  @Test
  void parsesIpv4AndIpv6() throws Exception {
    String text = "10.0.0.1:2022\n[::1]\nroot@[fe80::1]:2222\nfe80::1:2222\n::ffff:192.0.2.1\n[FE80::1%eth0]:23\n";
    assertEquals(
        List.of(
            new HostSpec(null, "10.0.0.1", 2022),
            new HostSpec(null, "::1", 22),
            new HostSpec("root", "fe80::1", 2222),
            new HostSpec(null, "fe80::1:2222", 22),
            new HostSpec(null, "::ffff:192.0.2.1", 22),
            new HostSpec(null, "fe80::1%eth0", 23)),
        HostList.parseLines(text, "hosts.txt"));
  }

  @Test
  void parsesCommaList() throws Exception {
    assertEquals(
        List.of(new HostSpec(null, "h1", 22), new HostSpec("u", "h2", 2), new HostSpec(null, "::1", 2200)),
        HostList.parseList("h1, u@h2:2 ,[::1]:2200,h1"));
  }

  @Test
  void parsesAJumpChainInOrderKeepingEveryHop() throws Exception {
    assertEquals(
        List.of(new HostSpec("ops", "bastion", 2222), new HostSpec(null, "inner", 22), new HostSpec("ops", "bastion", 2222)),
        HostList.parseChain("ops@bastion:2222, inner,ops@bastion:2222", "--jump"));
    assertEquals("--jump entry 2: empty entry",
        assertThrows(HostListException.class, () -> HostList.parseChain("a,", "--jump")).getMessage());
  }

  @Test
  void emptyTextIsEmptyList() throws Exception {
    assertEquals(List.of(), HostList.parseLines("", "stdin"));
    assertEquals(List.of(), HostList.parseLines("# only\n\n", "stdin"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "@host | empty user",
        "a@b@host | more than one '@'",
        "us er@host | spaces inside the entry",
        "web 1 | spaces inside the entry",
        "us/er@host | bad characters in user 'us/er'",
        "root@ | empty host",
        ":22 | empty host",
        "ho$t | bad characters in host 'ho$t'",
        "host_é | bad characters in host",
        "-host | malformed host name '-host'",
        "a..b | malformed host name 'a..b'",
        "999.1.1.1 | '999.1.1.1' is not an IPv4 address",
        "host: | empty port",
        "host:ssh | port 'ssh' is not a number",
        "host:-1 | port '-1' is not a number",
        "host:0 | port 0 out of range 1..65535",
        "host:65536 | port 65536 out of range 1..65535",
        "host:99999999999 | port 99999999999 out of range 1..65535",
        "[::1 | unclosed bracket",
        "root@[fe80::1:2222 | unclosed bracket",
        "[] | empty brackets",
        "[example.com]:22 | 'example.com' in brackets is not an IPv6 address",
        "[1:2:3:4:5:6:7:8:9] | '1:2:3:4:5:6:7:8:9' in brackets is not an IPv6 address",
        "[::1::2] | '::1::2' in brackets is not an IPv6 address",
        "[::1]x | unexpected 'x' after ']'",
        "[::1]: | empty port",
        "[::1]:http | port 'http' is not a number",
        "host]:22 | misplaced bracket",
        "ho[st | misplaced bracket",
        "fe80:::1 | 'fe80:::1' is not an IPv6 address (write [address]:port to give a port)",
        "gggg::1 | 'gggg::1' is not an IPv6 address",
      })
  void rejectsMalformedLineNamingSourceAndLine(String entry, String reason) {
    HostListException e =
        assertThrows(HostListException.class, () -> HostList.parseLines("ok\n# c\n" + entry + "\n", "hosts.txt"));
    String message = e.getMessage();
    assertStartsWith("hosts.txt line 3: " + reason, message);
  }

  @Test
  void rejectsMalformedListEntryNamingPosition() {
    HostListException e = assertThrows(HostListException.class, () -> HostList.parseList("a,b:x,c"));
    assertEquals("--hostlist entry 2: port 'x' is not a number in 'b:x'", e.getMessage());
  }

  @Test
  void rejectsEmptyListEntries() {
    assertEquals(
        "--hostlist entry 2: empty entry",
        assertThrows(HostListException.class, () -> HostList.parseList("a,,b")).getMessage());
    assertEquals(
        "--hostlist entry 3: empty entry",
        assertThrows(HostListException.class, () -> HostList.parseList("a,b,")).getMessage());
  }

  private static void assertStartsWith(String expectedPrefix, String actual) {
    if (!actual.startsWith(expectedPrefix)) {
      assertEquals(expectedPrefix, actual);
    }
  }
}
