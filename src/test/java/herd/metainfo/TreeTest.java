package herd.metainfo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import herd.bencode.Bencode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeTest {
  @TempDir Path dir;

  @Test
  void keepsFilesLinksAndEmptyDirectoriesInOrderAndSkipsExcludedNames() throws IOException {
    Path root = Files.createDirectories(dir.resolve("app"));
    Files.createDirectories(root.resolve(".git/objects"));
    Files.writeString(root.resolve(".git/HEAD"), "ref");
    Files.writeString(Files.createDirectories(root.resolve("bin")).resolve("run"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(root.resolve("bin/run"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(root.resolve("b.txt"), "bb");
    Files.writeString(root.resolve("debug.log"), "noise");
    Files.createSymbolicLink(root.resolve("current"), Path.of("bin/run"));
    Files.createDirectories(root.resolve("var/empty"));

    Tree tree = Tree.scan(root, List.of(".git", "*.log"));
    assertEquals(List.of(
        FileEntry.file(List.of("b.txt"), 2, false),
        FileEntry.file(List.of("bin", "run"), 10, true),
        new FileEntry(List.of("current"), 0, false, List.of("bin", "run"))), tree.files());
    assertEquals(List.of(0644, 0755), tree.layout().fileModes().stream().map(m -> m & 0755).toList());
    assertEquals(List.of(List.of("bin"), List.of("var"), List.of("var", "empty")),
        tree.layout().dirs().stream().map(Layout.Dir::path).toList());
    assertEquals(tree.layout(), Layout.decode(Bencode.decodeDict(Bencode.encode(tree.layout().encode()))));
  }

  @Test
  void refusesLinksOutOfTheTreeAndSpecialFiles() throws IOException {
    Path root = Files.createDirectories(dir.resolve("app"));
    Files.createSymbolicLink(root.resolve("passwd"), Path.of("/etc/passwd"));
    assertTrue(assertThrows(IOException.class, () -> Tree.scan(root, List.of())).getMessage()
        .contains("symbolic link passwd points out of the tree, to /etc/passwd"));
    Files.delete(root.resolve("passwd"));
    Files.createSymbolicLink(Files.createDirectories(root.resolve("d")).resolve("up"), Path.of("../../x"));
    assertThrows(IOException.class, () -> Tree.scan(root, List.of()));
    Tree withoutLink = Tree.scan(root, List.of("up"));
    assertEquals(0, withoutLink.files().size());
    assertEquals(List.of(new Layout.Dir(List.of("d"), withoutLink.layout().dirs().get(0).mode())), withoutLink.layout().dirs());
  }
}
