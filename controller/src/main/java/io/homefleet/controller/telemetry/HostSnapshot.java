package io.homefleet.controller.telemetry;

import java.util.List;
import java.util.Optional;

/**
 * The latest telemetry of one host: when the agent took it ({@code takenMillis}, agent clock),
 * when it arrived ({@code receivedMillis}, controller clock), and its samples.
 */
public record HostSnapshot(String host, long takenMillis, long receivedMillis, List<Sample> samples) {
  public HostSnapshot {
    samples = List.copyOf(samples);
  }

  /** The first sample of {@code family} whose labels contain every entry of {@code match}. */
  public Optional<Sample> find(String family, java.util.Map<String, String> match) {
    for (Sample s : samples) {
      if (s.family().equals(family) && s.labels().entrySet().containsAll(match.entrySet())) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  public List<Sample> all(String family) {
    return samples.stream().filter(s -> s.family().equals(family)).toList();
  }
}
