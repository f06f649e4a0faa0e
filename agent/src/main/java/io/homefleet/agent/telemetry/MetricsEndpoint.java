package io.homefleet.agent.telemetry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.homefleet.agent.config.TelemetryConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /metrics} in Prometheus text format, on the JDK's own HTTP server (its one
 * dispatcher thread does the work: no pool). Plain HTTP on a loopback address; on any other
 * address HTTPS that requires a client certificate of the fleet (see {@link ServerTls}).
 */
final class MetricsEndpoint implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MetricsEndpoint.class);
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Writes one scrape. */
  @FunctionalInterface
  interface Scrape {
    void writeTo(OutputStream out) throws IOException;
  }

  private final HttpServer server;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream(32 * 1024);
  private final Scrape scrape;

  private MetricsEndpoint(HttpServer server, Scrape scrape) {
    this.server = server;
    this.scrape = scrape;
  }

  /** The socket address of {@code listen}, resolved. */
  static InetSocketAddress resolve(TelemetryConfig.Listen listen) throws IOException {
    return new InetSocketAddress(InetAddress.getByName(listen.host()), listen.port());
  }

  /**
   * Binds {@code address} and starts serving: HTTPS requiring a client certificate when
   * {@code tls} is present, else plain HTTP (which {@link Telemetry} uses on loopback only).
   *
   * @throws IOException when the address cannot be bound (in use, not local)
   */
  static MetricsEndpoint start(InetSocketAddress address, Optional<SSLContext> tls, Scrape scrape)
      throws IOException {
    HttpServer server;
    if (tls.isEmpty()) {
      server = HttpServer.create(address, 16);
    } else {
      SSLContext ctx = tls.get();
      HttpsServer https = HttpsServer.create(address, 16);
      https.setHttpsConfigurator(new HttpsConfigurator(ctx) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters p = ctx.getDefaultSSLParameters();
          p.setNeedClientAuth(true);
          p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
          params.setSSLParameters(p);
        }
      });
      server = https;
    }
    MetricsEndpoint endpoint = new MetricsEndpoint(server, scrape);
    server.createContext("/", endpoint::handle);
    server.setExecutor(null);
    server.start();
    log.info("serving metrics on {}://{}/metrics", tls.isEmpty() ? "http" : "https", endpoint.address());
    return endpoint;
  }

  /** The bound address (the real port when 0 was asked). */
  String address() {
    InetSocketAddress a = server.getAddress();
    String host = a.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String method = ex.getRequestMethod();
      if (!ex.getRequestURI().getPath().equals("/metrics")) {
        reply(ex, 404, "not found; the metrics are at /metrics\n".getBytes(StandardCharsets.UTF_8), "text/plain");
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        reply(ex, 405, "use GET\n".getBytes(StandardCharsets.UTF_8), "text/plain");
        return;
      }
      synchronized (body) {
        body.reset();
        try {
          scrape.writeTo(body);
        } catch (IOException | RuntimeException e) {
          log.warn("metrics scrape failed: {}", e.toString());
          reply(ex, 500, ("scrape failed: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8), "text/plain");
          return;
        }
        ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        if (method.equals("HEAD")) {
          ex.sendResponseHeaders(200, -1);
          return;
        }
        ex.sendResponseHeaders(200, body.size());
        body.writeTo(ex.getResponseBody());
      }
    }
  }

  private static void reply(HttpExchange ex, int code, byte[] text, String type) throws IOException {
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, text.length);
    ex.getResponseBody().write(text);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
