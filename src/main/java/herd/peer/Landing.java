package herd.peer;

import herd.swarm.PieceStore;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where a peer's content is written and how it lands: one file ({@link Placement}) or a directory
 * ({@link TreePlacement}), written aside and moved into place whole, or not at all.
 */
interface Landing {
  /** Where the content is written while it arrives. */
  Path writing();

  /** Where it lands. */
  Path target();

  /** Creates the content's files, empty, to be filled in. */
  PieceStore create() throws IOException;

  /** Makes the complete, verified and synced content the target. */
  void commit() throws IOException;

  /** Removes whatever was written; the target stays as it was. */
  void abandon();
}
