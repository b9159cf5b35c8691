package herd.tracker;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves {@code GET /announce} for the tracker's torrents; any other path is 404. Refusals (a malformed query, an
 * unknown torrent) are 200 replies carrying a bencoded {@code failure reason}, as BitTorrent clients expect.
 */
@Sharable
final class AnnounceHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(AnnounceHandler.class);
  private static final String TEXT = "text/plain";

  private final TrackerOptions options;
  private final Swarms swarms;
  private final Pages pages;

  AnnounceHandler(TrackerOptions options, Swarms swarms, Pages pages) {
    this.options = options;
    this.swarms = swarms;
    this.pages = pages;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (!req.decoderResult().isSuccess()) {
      respond(ctx, req, HttpResponseStatus.BAD_REQUEST, TEXT, text("bad request"), false);
      return;
    }
    int q = req.uri().indexOf('?');
    String path = q < 0 ? req.uri() : req.uri().substring(0, q);
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    if (!req.method().equals(HttpMethod.GET)) {
      respond(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, TEXT, text("method not allowed"), keepAlive);
    } else if (path.equals("/announce")) {
      respond(ctx, req, HttpResponseStatus.OK, TEXT, announce(ctx, req.uri()), keepAlive);
    } else {
      Pages.Page page = pages.get(path, q < 0 ? "" : req.uri().substring(q + 1), req.headers().get(HttpHeaderNames.HOST));
      if (page == null) {
        respond(ctx, req, HttpResponseStatus.NOT_FOUND, TEXT, text("not found"), keepAlive);
      } else {
        respond(ctx, req, HttpResponseStatus.valueOf(page.status()), page.contentType(), page.body(), keepAlive);
      }
    }
  }

  private byte[] announce(ChannelHandlerContext ctx, String uri) {
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    try {
      AnnounceRequest request = AnnounceRequest.parse(uri, remote.getAddress());
      admit(request);
      boolean forwarded = remote.getAddress().isLoopbackAddress() && request.ip() != null;
      if (forwarded) request = request.at(request.ip());
      boolean seeded = options.seederPort() != 0 && !forwarded && swarms.added(request.infoHash());
      Swarm.Handout handout = swarms.find(request.infoHash()).announce(request, seeded, System.nanoTime());
      if (handout.seeder()) {
        // The address this host reached us at is the one address of ours we know it can reach.
        InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
        handout = handout.withSeed(new Peer(new byte[0], local.getAddress(), options.seederPort()));
      }
      log.debug("{} from {}: {} peers", request.event(), remote, handout.peers().size());
      return AnnounceReply.success(handout, options.interval().toSeconds(), request.compact());
    } catch (AnnounceException e) {
      log.debug("refused announce from {}: {}", remote, e.getMessage());
      return AnnounceReply.failure(e.getMessage());
    }
  }

  /** Turns away an announce without the tracker's token; {@link Swarms#find} turns away unknown torrents. */
  private void admit(AnnounceRequest request) throws AnnounceException {
    byte[] token = options.token();
    if (token != null && (request.token() == null || !MessageDigest.isEqual(token, request.token()))) {
      throw new AnnounceException("not a member of this run");
    }
  }

  private static void respond(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String contentType,
      byte[] body, boolean keepAlive) {
    FullHttpResponse res = new DefaultFullHttpResponse(req.protocolVersion(), status, Unpooled.wrappedBuffer(body));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType).setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    HttpUtil.setKeepAlive(res, keepAlive);
    ChannelFuture written = ctx.writeAndFlush(res);
    if (!keepAlive) written.addListener(ChannelFutureListener.CLOSE);
  }

  private static byte[] text(String s) {
    return (s + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent) {
      ctx.close();
    } else {
      super.userEventTriggered(ctx, evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("tracker connection from {} failed", ctx.channel().remoteAddress(), cause);
    ctx.close();
  }
}
