package io.homefleet.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homefleet.agent.config.AgentConfig;
import io.homefleet.agent.exec.Executor;
import io.homefleet.agent.exec.ModuleRuns;
import io.homefleet.agent.exec.Outcome;
import io.homefleet.agent.exec.Task;
import io.homefleet.agent.exec.TaskSink;
import io.homefleet.agent.identity.IdentityStore;
import io.homefleet.agent.module.Modules;
import io.homefleet.agent.status.AgentStatus;
import io.homefleet.pki.CertificateAuthority;
import io.homefleet.pki.Identity;
import io.homefleet.pki.KeyMaterial;
import io.homefleet.pki.Keys;
import io.homefleet.pki.StaticKeyManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole telemetry of one agent, on real sockets, against this machine's /proc. */
class TelemetryTest {
  private static final Duration DAY = Duration.ofDays(1);

  /** An enrolled agent's config and state dir (a real CA, a real identity file). */
  static AgentConfig enrolled(Path dir, CertificateAuthority ca, String telemetry) throws Exception {
    Path yaml = dir.resolve("agent.yaml");
    Files.writeString(yaml, "controller: 127.0.0.1:1\nhost: web-1\nca_fingerprint: \"" + ca.fingerprint()
        + "\"\nstate_dir: state\n" + telemetry);
    AgentConfig cfg = AgentConfig.load(yaml);
    KeyPair kp = Keys.generateP256();
    new IdentityStore(cfg).saveEnrolled(kp.getPrivate(), ca.issueClient(kp.getPublic(), Identity.agent("web-1"), DAY),
        ca.certificate());
    return cfg;
  }

  static String get(String url) throws IOException {
    try (InputStream in = new URL(url).openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  static double value(String scrape, String series) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
    assertThat(m.find()).as("series %s in the scrape", series).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  void scrape_onLoopback_servesHostAgentAndJvmMetricsWithHelp(@TempDir Path dir) throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("lab", DAY);
    AgentConfig cfg = enrolled(dir, ca, "telemetry:\n  prometheus: 127.0.0.1:0\n");
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    try (Telemetry t = Telemetry.create(cfg, "1.2.3")) {
      t.start(timer);
      String s = get("http://" + t.endpointAddress().orElseThrow() + "/metrics");

      assertThat(value(s, "homefleet_host_cpu_seconds_total{cpu=\"cpu-total\",host=\"web-1\",mode=\"user\"}"))
          .isPositive();
      assertThat(value(s, "homefleet_host_cpus{host=\"web-1\"}"))
          .isEqualTo(Runtime.getRuntime().availableProcessors());
      double total = value(s, "homefleet_host_memory_total_bytes{host=\"web-1\"}");
      assertThat(total).isGreaterThan(64L << 20);
      assertThat(value(s, "homefleet_host_memory_available_bytes{host=\"web-1\"}")).isPositive().isLessThan(total);
      assertThat(value(s, "homefleet_host_memory_used_bytes{host=\"web-1\"}")).isPositive().isLessThan(total);
      assertThat(value(s, "homefleet_host_uptime_seconds{host=\"web-1\"}")).isPositive();
      double boot = value(s, "homefleet_host_boot_time_seconds{host=\"web-1\"}");
      assertThat(boot).isBetween(1.0e9, System.currentTimeMillis() / 1000.0);
      assertThat(value(s, "homefleet_host_load1{host=\"web-1\"}")).isGreaterThanOrEqualTo(0);
      assertThat(s).containsPattern("homefleet_host_filesystem_size_bytes\\{device=\"[^\"]+\",fstype=\"[^\"]+\","
          + "host=\"web-1\",mountpoint=\"/\"} [1-9]");
      assertThat(s).containsPattern("homefleet_host_filesystem_files\\{[^}]*mountpoint=\"/\"} [1-9]");
      assertThat(s).containsPattern("homefleet_host_network_receive_bytes_total\\{device=\"lo\",host=\"web-1\"}");
      double expiry = value(s, "homefleet_agent_certificate_expiry_seconds{host=\"web-1\"}");
      assertThat(expiry).isBetween(DAY.toSeconds() - 600.0, (double) DAY.toSeconds());
      assertThat(value(s, "homefleet_agent_info{host=\"web-1\",version=\"1.2.3\"}")).isEqualTo(1);
      assertThat(value(s, "homefleet_agent_process_resident_bytes{host=\"web-1\"}")).isGreaterThan(1 << 20);
      assertThat(s).contains("jvm_memory_used_bytes{area=\"heap\"");
      // promtool refuses a family without help text; every family here has one.
      for (String family : Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(s).results().map(r -> r.group(1)).toList()) {
        assertThat(s).containsPattern("(?m)^# HELP " + Pattern.quote(family) + " \\S");
      }
      // A collection is counted once it is written: the second scrape shows the first.
      String again = get("http://" + t.endpointAddress().orElseThrow() + "/metrics");
      assertThat(value(again, "homefleet_agent_telemetry_collections_total{host=\"web-1\"}")).isEqualTo(1);
      assertThat(value(again, "homefleet_agent_telemetry_cpu_seconds_total{host=\"web-1\"}")).isPositive();
      assertThat(get("http://" + t.endpointAddress().orElseThrow() + "/metrics")).isNotEmpty();
      assertThatThrownBy(() -> get("http://" + t.endpointAddress().orElseThrow() + "/other"))
          .isInstanceOf(java.io.FileNotFoundException.class);
    } finally {
      timer.shutdownNow();
    }
  }

  @Test
  void tasks_runThroughMeteredModules_areCountedByModuleAndResultAndTimed(@TempDir Path dir) throws Exception {
    AgentConfig cfg = enrolled(dir, CertificateAuthority.create("lab", DAY), "telemetry:\n  prometheus: off\n");
    try (Telemetry t = Telemetry.create(cfg, "1")) {
      CountDownLatch done = new CountDownLatch(3);
      TaskSink sink = new TaskSink() {
        @Override
        public void started(Task task, long unixMillis) {}

        @Override
        public void output(Task task, boolean stderr, byte[] data, long seq) {}

        @Override
        public void finished(Task task, Outcome outcome, long startedMillis, long finishedMillis) {
          done.countDown();
        }
      };
      try (Executor ex = new Executor(ModuleRuns.observed(Modules.builtin(), t), 2, sink, dir)) {
        ex.submit(new Task("t1", "r", "ping", Map.of(), Duration.ofSeconds(10), false));
        ex.submit(new Task("t2", "r", "command", Map.of("argv", List.of("true")), Duration.ofSeconds(10), false));
        ex.submit(new Task("t3", "r", "command", Map.of("argv", List.of("false")), Duration.ofSeconds(10), false));
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
      }
      var reg = t.registry();
      assertThat(reg.get(MetricNames.AGENT_TASKS).tags("module", "ping", "result", "ok").counter().count()).isEqualTo(1);
      assertThat(reg.get(MetricNames.AGENT_TASKS).tags("module", "command", "result", "changed").counter().count())
          .isEqualTo(1);
      assertThat(reg.get(MetricNames.AGENT_TASKS).tags("module", "command", "result", "failed").counter().count())
          .isEqualTo(1);
      assertThat(reg.get(MetricNames.AGENT_TASK_DURATION).tags("module", "command").timer().count()).isEqualTo(2);
      assertThat(reg.get(MetricNames.AGENT_TASK_DURATION).tags("module", "command").timer()
          .totalTime(TimeUnit.NANOSECONDS)).isPositive();
    }
  }

  @Test
  void statusChanges_countSessionsAndReconnects(@TempDir Path dir) throws Exception {
    AgentConfig cfg = enrolled(dir, CertificateAuthority.create("lab", DAY), "telemetry:\n  prometheus: off\n");
    try (Telemetry t = Telemetry.create(cfg, "1")) {
      AgentStatus status = new AgentStatus(dir, t.statusListener());
      status.set(AgentStatus.State.CONNECTING, "web-1", "c", "");
      status.set(AgentStatus.State.CONNECTED, "web-1", "c", "");
      status.set(AgentStatus.State.CONNECTING, "web-1", "c", "UNAVAILABLE: gone");
      status.set(AgentStatus.State.CONNECTING, "web-1", "c", "");
      status.set(AgentStatus.State.CONNECTING, "web-1", "c", "UNAVAILABLE: refused");
      status.set(AgentStatus.State.CONNECTING, "web-1", "c", "");
      status.set(AgentStatus.State.CONNECTED, "web-1", "c", "");
      var reg = t.registry();
      assertThat(reg.get(MetricNames.AGENT_SESSIONS_OPENED).functionCounter().count()).isEqualTo(2);
      assertThat(reg.get(MetricNames.AGENT_SESSIONS_CLOSED).functionCounter().count()).isEqualTo(1);
      assertThat(reg.get(MetricNames.AGENT_RECONNECTS).functionCounter().count()).isEqualTo(2);
      assertThat(reg.get(MetricNames.AGENT_CONNECTED).gauge().value()).isEqualTo(1);
      status.set(AgentStatus.State.STOPPED, "web-1", "c", "");
      assertThat(reg.get(MetricNames.AGENT_CONNECTED).gauge().value()).isZero();
      assertThat(reg.get(MetricNames.AGENT_SESSIONS_CLOSED).functionCounter().count()).isEqualTo(2);
    }
  }

  /** A scraper's TLS context: presents {@code client} (if any) and, like insecure_skip_verify, checks no server. */
  static SSLContext scraper(Optional<KeyMaterial> client, X509Certificate[] seen) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(client.map(km -> new KeyManager[] {new StaticKeyManager(km.key(), km.chain())}).orElse(null),
        new TrustManager[] {new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {
            seen[0] = chain[0];
          }

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        }}, null);
    return ctx;
  }

  static String getTls(String url, SSLContext ctx) throws IOException {
    HttpsURLConnection c = (HttpsURLConnection) new URL(url).openConnection();
    c.setSSLSocketFactory(ctx.getSocketFactory());
    c.setHostnameVerifier((h, s) -> true);
    try (InputStream in = c.getInputStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void tlsEndpoint_requiresAFleetClientCertificate_andPresentsTheCurrentAgentCertificate(@TempDir Path dir)
      throws Exception {
    CertificateAuthority ca = CertificateAuthority.create("lab", DAY);
    AgentConfig cfg = enrolled(dir, ca, "telemetry:\n  prometheus: off\n");
    IdentityStore ids = new IdentityStore(cfg);
    Telemetry.IdentityCache identity = new Telemetry.IdentityCache(ids, cfg.identityFile());
    SSLContext server = ServerTls.context(identity, ca.certificate(), Clock.systemUTC());
    KeyPair op = Keys.generateP256();
    KeyMaterial operator = new KeyMaterial(op.getPrivate(),
        List.of(ca.issueClient(op.getPublic(), Identity.operator("telegraf"), DAY), ca.certificate()));
    CertificateAuthority foreign = CertificateAuthority.create("lab", DAY);
    KeyPair fk = Keys.generateP256();
    KeyMaterial stranger = new KeyMaterial(fk.getPrivate(),
        List.of(foreign.issueClient(fk.getPublic(), Identity.operator("telegraf"), DAY), foreign.certificate()));

    try (MetricsEndpoint e = MetricsEndpoint.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
        Optional.of(server), out -> out.write("up 1\n".getBytes(StandardCharsets.UTF_8)))) {
      String url = "https://127.0.0.1:" + e.port() + "/metrics";
      X509Certificate[] seen = new X509Certificate[1];
      assertThat(getTls(url, scraper(Optional.of(operator), seen))).isEqualTo("up 1\n");
      assertThat(seen[0]).isEqualTo(ids.load().leaf());

      assertThatThrownBy(() -> getTls(url, scraper(Optional.empty(), seen))).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> getTls(url, scraper(Optional.of(stranger), seen))).isInstanceOf(IOException.class);
      assertThatThrownBy(() -> get("http://127.0.0.1:" + e.port() + "/metrics")).isInstanceOf(IOException.class);

      // After a renewal the next handshake presents the new certificate.
      KeyPair renewed = Keys.generateP256();
      X509Certificate next = ca.issueClient(renewed.getPublic(), Identity.agent("web-1"), DAY);
      Thread.sleep(20); // a new modification time on file systems with coarse timestamps
      ids.saveRenewed(new KeyMaterial(renewed.getPrivate(), List.of(next, ca.certificate())));
      assertThat(getTls(url, scraper(Optional.of(operator), seen))).isEqualTo("up 1\n");
      assertThat(seen[0]).isEqualTo(next);
    }
  }
}
