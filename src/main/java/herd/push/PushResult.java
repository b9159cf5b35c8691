package herd.push;

import java.time.Duration;
import java.util.List;

/** Every host's outcome, in the order the hosts were given. */
public record PushResult(List<HostOutcome> hosts, Duration elapsed) {
  public boolean allDone() {
    return hosts.stream().allMatch(HostOutcome::done);
  }

  public List<HostOutcome> failed() {
    return hosts.stream().filter(h -> !h.done()).toList();
  }
}
