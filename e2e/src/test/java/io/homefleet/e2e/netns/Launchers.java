package io.homefleet.e2e.netns;

import java.nio.file.Files;
import java.nio.file.Path;

/** The packaged launchers under {@code bin/} of the checkout the tests run in. */
final class Launchers {
  /** The repository root; failsafe sets {@code homefleet.root} (e2e/pom.xml). */
  static final Path ROOT = Path.of(System.getProperty("homefleet.root", "..")).toAbsolutePath().normalize();

  private Launchers() {}

  static Path cli() {
    return built("bin/homefleet", "controller/target/homefleet-controller.jar");
  }

  static Path agent() {
    return built("bin/homefleet-agent", "agent/target/homefleet-agent.jar");
  }

  private static Path built(String launcher, String jar) {
    if (!Files.isRegularFile(ROOT.resolve(jar))) {
      throw new IllegalStateException(ROOT.resolve(jar) + " is not built; run: (cd " + ROOT
          + " && mvn -B -q -o package -DskipTests)");
    }
    return ROOT.resolve(launcher);
  }
}
