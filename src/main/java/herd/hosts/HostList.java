package herd.hosts;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads host lists: the text of a hosts file (or stdin), one entry per line, or a {@code --hostlist} comma list.
 * Entries are {@code [user@]host[:port]} (see {@link EntryParser} for IPv6). No DNS is resolved here.
 *
 * <p>Duplicates are dropped, keeping the first occurrence. Two entries are duplicates when their parsed (user, host,
 * port) triples are equal: {@code h} and {@code h:22} are, {@code h} and {@code root@h} are not (the default user is
 * only known at connect time), and host names compare case-insensitively.
 */
public final class HostList {
  private HostList() {}

  /**
   * Parses hosts-file text. {@code #} starts a comment (whole-line or trailing); blank lines are skipped; each line is
   * trimmed. {@code sourceName} (a path, or {@code "stdin"}) is used in error messages with the 1-based line number.
   */
  public static List<HostSpec> parseLines(String text, String sourceName) throws HostListException {
    Set<HostSpec> hosts = new LinkedHashSet<>();
    String[] lines = text.split("\r?\n|\r", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      String entry = (hash >= 0 ? line.substring(0, hash) : line).strip();
      if (!entry.isEmpty()) {
        hosts.add(parse(entry, sourceName + " line " + (i + 1)));
      }
    }
    return new ArrayList<>(hosts);
  }

  /**
   * Parses a {@code --hostlist} value: comma-separated entries, each trimmed, duplicates dropped. An empty entry (as in {@code a,,b} or a
   * trailing comma) is an error; errors name the 1-based position in the list.
   */
  public static List<HostSpec> parseList(String commaList) throws HostListException {
    return new ArrayList<>(new LinkedHashSet<>(parseChain(commaList, "--hostlist")));
  }

  /**
   * Parses a chain of jump hosts, as {@code ssh -J} takes it: comma-separated entries, in the order they are passed
   * through. Nothing is dropped; {@code option} names the option in error messages, with the 1-based position.
   */
  public static List<HostSpec> parseChain(String commaList, String option) throws HostListException {
    List<HostSpec> chain = new ArrayList<>();
    String[] entries = commaList.split(",", -1);
    for (int i = 0; i < entries.length; i++) {
      chain.add(parse(entries[i].strip(), option + " entry " + (i + 1)));
    }
    return chain;
  }

  private static HostSpec parse(String entry, String where) throws HostListException {
    try {
      return EntryParser.parse(entry);
    } catch (EntryParser.Malformed e) {
      String shown = entry.isEmpty() ? "" : " in '" + entry + "'";
      throw new HostListException(where + ": " + e.getMessage() + shown);
    }
  }
}
