package herd.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.hosts.HostList;
import herd.hosts.HostListException;
import herd.push.InvalidPushException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import herd.bencode.Bencode;
import herd.metainfo.FileEntry;
import herd.metainfo.Metainfo;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad input is refused with one clear line and the bad-input status, before anything connects. */
class CommandLineTest {
  @TempDir Path dir;

  private record Run(int status, String err) {}

  private Run run(String stdin, String... args) {
    CommandLine cmd = Main.commandLine(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    StringWriter err = new StringWriter();
    cmd.setErr(new PrintWriter(err));
    cmd.setOut(new PrintWriter(new StringWriter()));
    return new Run(Main.execute(cmd, args), err.toString());
  }

  private Path file() throws IOException {
    return Files.writeString(dir.resolve("f.txt"), "data");
  }

  private void assertBadInput(Run r, String expected) {
    assertEquals(ExitStatus.BAD_INPUT.code, r.status(), r.err());
    assertTrue(r.err().contains(expected), r.err());
    assertEquals(1, r.err().lines().count(), "one line: " + r.err());
  }

  @Test
  void missingFile() {
    assertBadInput(run("", dir.resolve("nope").toString(), "/tmp/x", "--hostlist", "h1"), "no such file");
  }

  @Test
  void relativeDest() throws IOException {
    assertBadInput(run("", file().toString(), "srv/x", "--hostlist", "h1"), "DEST must be an absolute path");
  }

  @Test
  void emptyHostListOnStdin() throws IOException {
    assertBadInput(run("# nothing here\n\n", file().toString(), "/srv/x", "-"), "no hosts given");
  }

  @Test
  void garbageHostList() throws IOException {
    Path hosts = Files.writeString(dir.resolve("hosts"), "good-host\n\u0000\u0001garbage!!\n[::1\n");
    assertBadInput(run("", file().toString(), "/srv/x", hosts.toString()), "line 2");
  }

  @Test
  void missingHostsFile() throws IOException {
    assertBadInput(run("", file().toString(), "/srv/x", dir.resolve("absent").toString()), "cannot read hosts file");
  }

  @Test
  void missingHostsFileThatLooksLikeAHostSuggestsHostlist() throws IOException {
    Path cwd = Path.of("").toAbsolutePath();
    assertTrue(Files.notExists(cwd.resolve("web1")) && Files.notExists(cwd.resolve("deploy@web1:2222,web2")));
    assertBadInput(run("", file().toString(), "/srv/x", "web1"), "herd: no hosts file web1 (did you mean --hostlist web1?)");
    assertBadInput(run("", file().toString(), "/srv/x", "deploy@web1:2222,web2"),
        "no hosts file deploy@web1:2222,web2 (did you mean --hostlist deploy@web1:2222,web2?)");
    assertBadInput(run("", file().toString(), "/srv/x", "hosts.txt"), "cannot read hosts file hosts.txt");
  }

  @Test
  void hostsFileAndHostlistTogether() throws IOException {
    assertBadInput(run("", file().toString(), "/srv/x", "hosts", "--hostlist", "a"), "not both");
  }

  @Test
  void badPortRange() throws IOException {
    assertBadInput(run("", file().toString(), "/srv/x", "--hostlist", "a", "--port", "9-x"), "--port");
    assertBadInput(run("", file().toString(), "/srv/x", "--hostlist", "a", "--port", "7000"), "at least two ports");
  }

  @Test
  void limitRateTakesBytesASecondWithKmgSuffixes() throws IOException {
    RateConverter rate = new RateConverter();
    assertEquals(512_000L, rate.convert("512000"));
    assertEquals(500L << 10, rate.convert("500k"));
    assertEquals(10L << 20, rate.convert("10M"));
    assertEquals(1L << 30, rate.convert("1g"));
    assertBadInput(run("", file().toString(), "/srv/x", "--hostlist", "a", "--limit-rate", "10q"),
        "'10q' is not a rate: bytes a second, like 500k, 10m or 1g");
    assertBadInput(run("", file().toString(), "/srv/x", "--hostlist", "a", "--limit-rate", "-1"), "is not a rate");
  }

  @Test
  void badJumpHost() throws IOException {
    assertBadInput(run("", file().toString(), "/srv/x", "--hostlist", "a", "-J", "bastion,u@@x"), "--jump entry 2");
  }

  @Test
  void unknownOptionIsBadInput() throws IOException {
    Run r = run("", "--frobnicate", file().toString(), "/srv/x");
    assertEquals(ExitStatus.BAD_INPUT.code, r.status());
    assertTrue(r.err().contains("Unknown option"), r.err());
  }

  @Test
  void pushIsTheDefaultCommandAndCanBeNamed() throws IOException {
    assertBadInput(run("", "push", file().toString(), "srv/x", "--hostlist", "h1"), "DEST must be an absolute path");
    Run bare = run("");
    assertEquals(ExitStatus.BAD_INPUT.code, bare.status());
    assertTrue(bare.err().contains("torrent") && bare.err().contains("tracker"), "no list of commands: " + bare.err());
  }

  @Test
  void torrentWritesATorrentForADirectoryThatLeavesGitOut() throws IOException {
    Path tree = Files.createDirectories(dir.resolve("release"));
    Files.writeString(Files.createDirectories(tree.resolve(".git")).resolve("HEAD"), "ref");
    Files.writeString(Files.createDirectories(tree.resolve("bin")).resolve("app"), "binary");
    Files.writeString(tree.resolve("README"), "read me");
    Path out = dir.resolve("out.torrent");
    Run r = run("", "torrent", tree.toString(), "--announce", "http://tracker.example:6969/announce", "-o", out.toString());
    assertEquals(ExitStatus.OK.code, r.status(), r.err());
    Map<String, Object> torrent = Bencode.decodeDict(Files.readAllBytes(out));
    assertEquals("http://tracker.example:6969/announce", new String((byte[]) torrent.get("announce"), StandardCharsets.UTF_8));
    Metainfo meta = Metainfo.decodeInfo(Bencode.encode(torrent.get("info")));
    assertEquals("release", meta.name());
    assertEquals(List.of(List.of("README"), List.of("bin", "app")), meta.files().stream().map(FileEntry::path).toList());
  }

  @Test
  void torrentNeedsAnHttpAnnounceUrl() throws IOException {
    assertEquals(ExitStatus.BAD_INPUT.code, run("", "torrent", file().toString()).status());
    assertBadInput(run("", "torrent", file().toString(), "--announce", "udp://x:1"), "--announce must be an http:// or https:// URL");
    assertBadInput(run("", "torrent", dir.resolve("absent").toString(), "--announce", "http://x/a"), "no such file or directory");
  }

  @Test
  void helpListsEveryExitStatus() {
    StringWriter out = new StringWriter();
    CommandLine cmd = Main.commandLine(new ByteArrayInputStream(new byte[0]));
    cmd.setOut(new PrintWriter(out));
    assertEquals(0, Main.execute(cmd, "--help"));
    for (ExitStatus s : ExitStatus.values()) assertTrue(out.toString().contains(String.format("%3d   ", s.code)), s.name());
  }

  @Test
  void exitStatusesAreDistinctAndMapped() throws HostListException {
    assertEquals(ExitStatus.values().length, Arrays.stream(ExitStatus.values()).mapToInt(s -> s.code).distinct().count());
    assertEquals(ExitStatus.BAD_INPUT, Main.exitStatus(new InvalidPushException("x")));
    assertEquals(ExitStatus.INTERRUPTED, Main.exitStatus(new InterruptedException()));
    assertEquals(ExitStatus.ERROR, Main.exitStatus(new IOException("port")));
    try {
      HostList.parseList("a b");
    } catch (HostListException e) {
      assertEquals(ExitStatus.BAD_INPUT, Main.exitStatus(e));
    }
  }
}
