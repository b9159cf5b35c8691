package herd.serve;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How {@code herd serve} runs.
 *
 * @param root the directory tree served
 * @param cache where hashes are remembered across restarts ({@link MetaCache})
 * @param http where {@code /serve}, {@code /serve_last_updated} and {@code /announce} are answered
 * @param peerPort where peers connect to fetch pieces; 0 for any free port
 * @param token when not null, every request must carry it as a {@code token} parameter (the served torrents'
 *     announce URLs do)
 * @param settle how long a file must go unmodified before it is served: files still being written are not
 * @param scanInterval how often the tree is scanned for new, changed and deleted files
 * @param announceInterval how often clients are told to announce
 * @param rateLimit the most bytes a second the seeder uploads in all; 0 for no limit
 */
public record ServeOptions(Path root, Path cache, InetSocketAddress http, int peerPort, String token, Duration settle,
    Duration scanInterval, Duration announceInterval, long rateLimit) {}
