package io.homefleet.agent.exporters;

import io.homefleet.agent.exec.Module;
import io.homefleet.agent.status.AgentStatus;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The agent's own metrics exporters (agent.yaml's {@code telemetry:} section: the {@code /metrics}
 * endpoint and the InfluxDB push), as the rest of the agent sees them. The implementation
 * ({@code io.homefleet.agent.telemetry.Telemetry}, on Micrometer) comes from
 * {@link ExportersLoader}; only types of the agent and the JDK cross this interface, so it works
 * whichever class loader the implementation and Micrometer were loaded in.
 */
public interface Exporters extends AutoCloseable {
  /** Counts sessions and reconnects; give it to {@link AgentStatus}. */
  AgentStatus.Listener statusListener();

  /** {@code modules}, each timed and counted. */
  Map<String, Module> metered(Map<String, Module> modules);

  /** Starts the endpoint and the pushes that the section asks for. */
  void start(ScheduledExecutorService timer);

  @Override
  void close();
}
