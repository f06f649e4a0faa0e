package io.homefleet.e2e.netns;

/** Prints how long each phase of a test took: the figures docs/testing.md quotes. */
public final class Phases {
  private final String test;
  private long mark = System.nanoTime();

  public Phases(String test) {
    this.test = test;
  }

  /** Prints the time since the last phase (or since this was made) under {@code name}. */
  public void done(String name) {
    long now = System.nanoTime();
    System.out.printf("[%s] %-45s %5.1f s%n", test, name, (now - mark) / 1e9);
    mark = now;
  }
}
