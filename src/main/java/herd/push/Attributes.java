package herd.push;

import java.util.regex.Pattern;

/**
 * What a file push sets on each host besides the content ({@code -p}, {@code --chmod}, {@code --chown}).
 *
 * @param mode the permission bits, instead of the source's; null to keep the source's
 * @param preserveTime whether the file gets the source's modification time (else the time it lands)
 * @param owner {@code USER}, {@code USER:GROUP} or {@code :GROUP} to give it; null to keep an existing DEST's where
 *     the login may
 */
public record Attributes(Integer mode, boolean preserveTime, String owner) {
  public static final Attributes NONE = new Attributes(null, false, null);
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

  /** Checks what can be checked here: an octal mode of at most 0777, names a host can look up. */
  void validate() throws InvalidPushException {
    if (mode != null && (mode < 0 || mode > 0777)) throw new InvalidPushException("--chmod takes an octal mode up to 777");
    if (owner == null) return;
    int colon = owner.indexOf(':');
    String user = colon < 0 ? owner : owner.substring(0, colon);
    String group = colon < 0 ? null : owner.substring(colon + 1);
    if ((user.isEmpty() && (group == null || group.isEmpty())) || (!user.isEmpty() && !NAME.matcher(user).matches())
        || (group != null && !NAME.matcher(group).matches())) {
      throw new InvalidPushException("--chown takes USER, USER:GROUP or :GROUP: " + owner);
    }
  }
}
