package herd.metainfo;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** POSIX permission bits as the octal number herd passes to peers. */
public final class FileMode {
  /** Indexed by bit: 0001 is others' execute, 0400 the owner's read. */
  private static final PosixFilePermission[] BITS = {
    PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
    PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
    PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
  };

  private FileMode() {}

  public static int toBits(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (int i = 0; i < BITS.length; i++) if (permissions.contains(BITS[i])) mode |= 1 << i;
    return mode;
  }

  public static Set<PosixFilePermission> toPermissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) if ((mode & (1 << i)) != 0) set.add(BITS[i]);
    return set;
  }
}
