package io.homefleet.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.homefleet.pki.KeyMaterial;
import io.homefleet.pki.Pem;
import io.homefleet.pki.PinnedServerTrustManager;
import io.homefleet.pki.StaticKeyManager;
import io.homefleet.proto.v1.OperatorGrpc;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real controller process started through {@code bin/homefleet}, in a directory of its own. */
final class ControllerProcess implements AutoCloseable {
  final Path root;
  final Path dir;
  final Path dataDir;
  final Path home;
  final int port;
  private Process process;
  private int starts;

  ControllerProcess(Path root, Path dir) throws IOException {
    this.root = root;
    this.dir = dir;
    this.dataDir = dir.resolve("controller");
    this.home = dir.resolve("home");
    try (ServerSocket s = new ServerSocket(0)) {
      this.port = s.getLocalPort();
    }
  }

  void init(String... extra) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(root.resolve("bin/homefleet").toString(), "--home", home.toString(),
        "ca", "init", "--data-dir", dataDir.toString(), "--listen", "127.0.0.1:" + port, "--metrics-listen", "off"));
    cmd.addAll(List.of(extra));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("init.log").toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("ca init failed: " + Files.readString(dir.resolve("init.log")));
    }
  }

  /** Adds a line to the controller's controller.yaml (after {@link #init}). */
  void configure(String yamlLine) throws IOException {
    Files.writeString(dataDir.resolve("controller.yaml"), "\n" + yamlLine + "\n", java.nio.file.StandardOpenOption.APPEND);
  }

  /** The log of the controller's {@code n}-th start (1 for the first). */
  Path log(int n) {
    return dir.resolve("controller-" + n + ".log");
  }

  void start() throws IOException, InterruptedException {
    Path log = dir.resolve("controller-" + (++starts) + ".log");
    ProcessBuilder pb = new ProcessBuilder(root.resolve("bin/homefleet").toString(), "server", "--data-dir",
        dataDir.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    String opts = System.getenv("HOMEFLEET_SERVER_OPTS");
    if (opts != null) {
      pb.environment().put("HOMEFLEET_SERVER_OPTS", opts);
    }
    process = pb.start();
    long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < until) {
      if (Files.exists(log) && Files.readString(log).contains("listening on")) {
        return;
      }
      if (!process.isAlive()) {
        throw new IOException("controller exited: " + Files.readString(log));
      }
      Thread.sleep(50);
    }
    throw new IOException("controller did not start: " + Files.readString(log));
  }

  long pid() {
    return process.pid();
  }

  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  String target() {
    return "127.0.0.1:" + port;
  }

  X509Certificate ca() throws Exception {
    return Pem.parseCertificates(Files.readString(home.resolve("ca.crt"))).get(0);
  }

  String fingerprint() throws Exception {
    return io.homefleet.pki.Keys.fingerprint(ca());
  }

  /** An operator channel with the credentials {@code ca init} wrote. */
  ManagedChannel operatorChannel() throws Exception {
    KeyMaterial km = KeyMaterial.load(home, "operator");
    var ssl = GrpcSslContexts.configure(SslContextBuilder.forClient(), SslProvider.JDK)
        .keyManager(new StaticKeyManager(km.key(), km.chain()))
        .trustManager(new PinnedServerTrustManager(ca(), fingerprint(), Clock.systemUTC()))
        .build();
    return NettyChannelBuilder.forTarget(target()).sslContext(ssl).maxInboundMessageSize(64 << 20).build();
  }

  static OperatorGrpc.OperatorBlockingStub operator(ManagedChannel ch, Duration deadline) {
    return OperatorGrpc.newBlockingStub(ch).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
