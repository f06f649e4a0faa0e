package io.homefleet.playbook.model;

import java.util.List;

/**
 * A play's {@code serial}: the batch sizes hosts are run in. The last size repeats until every
 * host has run; no sizes means all hosts in one batch.
 *
 * @param batches the sizes, in order
 */
public record Serial(List<Batch> batches) {

  /** All hosts at once (no {@code serial}). */
  public static final Serial ALL = new Serial(List.of());

  public Serial {
    batches = List.copyOf(batches);
  }

  /** One batch size. */
  public sealed interface Batch permits Count, Percent {}

  /** A number of hosts. */
  public record Count(int hosts) implements Batch {
    public Count {
      if (hosts < 1) {
        throw new IllegalArgumentException("a batch has at least one host: " + hosts);
      }
    }
  }

  /** A percentage of the play's hosts (at least one host per batch). */
  public record Percent(double percent) implements Batch {
    public Percent {
      if (!(percent > 0 && percent <= 100)) {
        throw new IllegalArgumentException("a batch percentage is in (0, 100]: " + percent);
      }
    }
  }
}
