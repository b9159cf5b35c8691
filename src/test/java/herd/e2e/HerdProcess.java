package herd.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the built {@code target/herd} executable, as a user would. */
final class HerdProcess {
  record Result(int status, String stdout, String stderr) {}

  private HerdProcess() {}

  static Path executable() {
    Path p = Path.of(System.getProperty("herd.executable", "target/herd"));
    if (!Files.isExecutable(p)) throw new IllegalStateException(p + " is missing: run ./mvnw package first");
    return p;
  }

  /**
   * Starts herd with {@code args} and stdin from /dev/null; its stderr goes to {@code stderr}. herd gets SIGINT's
   * default disposition, as from a terminal: a build started in the background (by {@code cmd &} in a script, as CI
   * runners may) has SIGINT ignored, every process below it inherits that, and the JVM then ignores SIGINT too, as a
   * background job should. Java cannot reset it for a child, so perl (essential on Debian) does, then execs herd.
   */
  static Process start(List<String> args, Path stderr) throws IOException {
    List<String> cmd = new ArrayList<>(
        List.of("perl", "-e", "$SIG{INT} = 'DEFAULT'; exec {$ARGV[0]} @ARGV or die \"exec $ARGV[0]: $!\\n\"", "--"));
    cmd.add(executable().toString());
    cmd.addAll(args);
    return new ProcessBuilder(cmd).redirectError(stderr.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectInput(new File("/dev/null")).start();
  }

  /** Runs herd with {@code args}, feeding {@code stdin} (or nothing, from /dev/null, when null). */
  static Result run(String stdin, List<String> args) throws IOException, InterruptedException {
    return run(stdin, args, Map.of());
  }

  /** Like {@link #run(String, List)}, with {@code env} set in herd's environment (an empty value removes the variable). */
  static Result run(String stdin, List<String> args, Map<String, String> env) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(executable().toString());
    cmd.addAll(args);
    Path err = Files.createTempFile("herd-stderr", ".txt");
    Path out = Files.createTempFile("herd-stdout", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(out.toFile());
    env.forEach((name, value) -> {
      if (value.isEmpty()) pb.environment().remove(name);
      else pb.environment().put(name, value);
    });
    if (stdin == null) pb.redirectInput(new File("/dev/null"));
    Process p = pb.start();
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    p.getOutputStream().close();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("herd did not finish: " + Files.readString(err));
    }
    String stderr = Files.readString(err);
    String stdout = Files.readString(out);
    Files.delete(err);
    Files.delete(out);
    return new Result(p.exitValue(), stdout, stderr);
  }
}
