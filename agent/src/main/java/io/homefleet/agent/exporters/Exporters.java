package io.homefleet.agent.exporters;

import io.homefleet.agent.exec.ModuleRuns;
import io.homefleet.agent.status.AgentStatus;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The agent's own metrics exporters (agent.yaml's {@code telemetry:} section: the {@code /metrics}
 * endpoint and the InfluxDB push), as the rest of the agent sees them. The implementation
 * ({@code io.homefleet.agent.telemetry.Telemetry}, on Micrometer) comes from
 * {@link ExportersLoader}; only types of the agent and the JDK cross this interface, so it works
 * whichever class loader the implementation and Micrometer were loaded in.
 */
public interface Exporters extends ModuleRuns.Listener, AutoCloseable {
  /** Counts and times a task's run by module and result (ad-hoc tasks and play tasks alike). */
  @Override
  void finished(String module, String result, long nanos);

  /** Counts sessions and reconnects; give it to {@link AgentStatus}. */
  AgentStatus.Listener statusListener();


  /** Starts the endpoint and the pushes that the section asks for. */
  void start(ScheduledExecutorService timer);

  @Override
  void close();
}
