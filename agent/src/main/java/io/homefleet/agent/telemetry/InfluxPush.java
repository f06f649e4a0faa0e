package io.homefleet.agent.telemetry;

import io.homefleet.agent.config.TelemetryConfig;
import io.micrometer.core.instrument.Clock;
import io.micrometer.influx.InfluxConfig;
import io.micrometer.influx.InfluxMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;

/**
 * Micrometer's InfluxDB registry (line protocol to an InfluxDB 1.x {@code /write}, a Telegraf
 * influxdb_listener, or InfluxDB 2's {@code /api/v2/write}), without the publishing thread it
 * would start: {@link Telemetry} calls {@link #publishNow()} from the agent's one scheduler.
 */
final class InfluxPush extends InfluxMeterRegistry {

  InfluxPush(TelemetryConfig.Influx cfg, Clock clock) {
    super(config(cfg), clock);
  }

  static InfluxConfig config(TelemetryConfig.Influx cfg) {
    Map<String, String> p = new HashMap<>();
    p.put("influx.uri", cfg.url().toString());
    p.put("influx.step", cfg.interval().toMillis() + "ms");
    p.put("influx.connectTimeout", "2s");
    p.put("influx.readTimeout", "5s");
    if (cfg.v2()) {
      p.put("influx.apiVersion", "V2");
      p.put("influx.org", cfg.org().orElseThrow());
      p.put("influx.bucket", cfg.bucket().orElseThrow());
    } else {
      p.put("influx.apiVersion", "V1");
      p.put("influx.db", cfg.db().orElseThrow());
      p.put("influx.autoCreateDb", "true");
      cfg.userName().ifPresent(u -> p.put("influx.userName", u));
      cfg.password().ifPresent(pw -> p.put("influx.password", pw));
    }
    cfg.token().ifPresent(t -> p.put("influx.token", t));
    return p::get;
  }

  /** No thread of its own: the agent's scheduler calls {@link #publishNow()}. */
  @Override
  public void start(ThreadFactory threadFactory) {
    // Deliberately empty (the superclass would start a single-thread scheduler here).
  }

  /** One push of every meter; failures are logged by the registry, not thrown. */
  void publishNow() {
    publish();
  }
}
