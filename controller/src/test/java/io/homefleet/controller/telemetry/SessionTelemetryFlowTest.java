package io.homefleet.controller.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.homefleet.controller.testing.ControllerHarness;
import io.homefleet.controller.testing.ControllerHarness.EnrolledAgent;
import io.homefleet.controller.testing.SessionStream;
import io.homefleet.proto.v1.AgentMessage;
import io.homefleet.proto.v1.HostSummary;
import io.homefleet.proto.v1.MetricSample;
import io.homefleet.proto.v1.Telemetry;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Telemetry through a real controller over real mTLS: a session's Telemetry message becomes the
 * host's usage in ListHosts, a newer one replaces it, and the host's figures go with its session.
 */
class SessionTelemetryFlowTest {
  @RegisterExtension
  final ControllerHarness controller = new ControllerHarness();

  private static AgentMessage telemetry(long at, double cpu, double memAvailable) {
    return AgentMessage.newBuilder().setTelemetry(Telemetry.newBuilder().setUnixMillis(at)
        .addSamples(MetricSample.newBuilder().setName("system.cpu.usage").setType(MetricSample.Type.GAUGE).setValue(cpu))
        .addSamples(MetricSample.newBuilder().setName("system.memory.limit").setBaseUnit("bytes")
            .setType(MetricSample.Type.GAUGE).setValue(1000))
        .addSamples(MetricSample.newBuilder().setName("system.linux.memory.available").setBaseUnit("bytes")
            .setType(MetricSample.Type.GAUGE).setValue(memAvailable))
        .addSamples(MetricSample.newBuilder().setName("disk.total").setBaseUnit("bytes").putTags("path", "/")
            .setType(MetricSample.Type.GAUGE).setValue(200))
        .addSamples(MetricSample.newBuilder().setName("disk.free").setBaseUnit("bytes").putTags("path", "/")
            .setType(MetricSample.Type.GAUGE).setValue(50))).build();
  }

  /** The host's summary once {@code done} holds, polling: the message is handled on the server's own thread. */
  private HostSummary await(String host, java.util.function.Predicate<HostSummary> done) throws Exception {
    long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    HostSummary h = controller.host(host);
    while (!done.test(h) && System.nanoTime() < until) {
      Thread.sleep(50);
      h = controller.host(host);
    }
    return h;
  }

  @Test
  void telemetry_becomesTheHostsUsage_replacedByTheNext_droppedWithTheSession() throws Exception {
    EnrolledAgent web1 = controller.enrollAgent("web1");
    SessionStream s = controller.openSession(web1.credentials());
    s.helloAndAwaitWelcome();
    assertThat(controller.host("web1").getHasUsage()).isFalse();

    s.send(telemetry(1_000, 0.5, 400));
    HostSummary h = await("web1", HostSummary::getHasUsage);
    assertThat(h.getUsageUnixMillis()).isEqualTo(1_000);
    assertThat(h.getCpuUsage()).isEqualTo(0.5);
    assertThat(h.getMemoryTotalBytes()).isEqualTo(1000);
    assertThat(h.getMemoryUsedBytes()).isEqualTo(600);
    assertThat(h.getDiskMount()).isEqualTo("/");
    assertThat(h.getDiskTotalBytes()).isEqualTo(200);
    assertThat(h.getDiskUsedBytes()).isEqualTo(150);
    assertThat(h.getLoad1()).isEqualTo(-1);

    s.send(telemetry(2_000, 0.25, 900));
    h = await("web1", x -> x.getUsageUnixMillis() == 2_000);
    assertThat(h.getCpuUsage()).isEqualTo(0.25);
    assertThat(h.getMemoryUsedBytes()).isEqualTo(100);

    s.complete();
    s.awaitEnd(Duration.ofSeconds(10));
    assertThat(await("web1", x -> !x.getHasUsage()).getHasUsage()).isFalse();
  }
}
