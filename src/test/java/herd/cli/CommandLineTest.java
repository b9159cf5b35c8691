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
import java.util.Arrays;
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
    return new Run(cmd.execute(args), err.toString());
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
  void helpListsEveryExitStatus() {
    StringWriter out = new StringWriter();
    CommandLine cmd = Main.commandLine(new ByteArrayInputStream(new byte[0]));
    cmd.setOut(new PrintWriter(out));
    assertEquals(0, cmd.execute("--help"));
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
