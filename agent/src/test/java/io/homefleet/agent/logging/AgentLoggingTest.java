package io.homefleet.agent.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** The agent's SLF4J backend: the line it writes, levels per name prefix, and that SLF4J picks it. */
class AgentLoggingTest {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private String written() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void slf4j_usesThisBackend() {
    assertThat(LoggerFactory.getLogger("io.homefleet.agent.Test")).isInstanceOf(AgentLogger.class);
  }

  @Test
  void info_writesUtcTimestampLevelShortNameAndTheFormattedMessage() {
    long before = System.currentTimeMillis();
    new AgentLogger("io.homefleet.agent.session.SessionClient", Level.INFO, out)
        .info("connected to {} as {}", "127.0.0.1:7443", "web-1");
    String line = written();
    assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO SessionClient - "
        + "connected to 127\\.0\\.0\\.1:7443 as web-1\n");
    Instant at = Instant.parse(line.substring(0, line.indexOf(' ')));
    assertThat(at.toEpochMilli()).isBetween(before - before % 1000, System.currentTimeMillis());
  }

  @Test
  void timestamp_isIso8601InUtc_forAnyInstant() {
    for (long millis : new long[] {0L, 951_782_400_123L, 1_795_737_600_999L, 4_102_444_799_000L}) {
      StringBuilder b = new StringBuilder();
      AgentLogger.timestamp(b, millis);
      assertThat(b).hasToString(Instant.ofEpochMilli(millis).toString().replaceFirst("Z$", "")
          .concat(millis % 1000 == 0 ? ".000" : "").concat("Z"));
    }
  }

  @Test
  void throwable_followsTheLineAsAStackTrace() {
    new AgentLogger("x.Y", Level.INFO, out).warn("enrollment failed for {}", "web-1", new IllegalStateException("boom"));
    assertThat(written()).contains(" WARN Y - enrollment failed for web-1\n")
        .contains("java.lang.IllegalStateException: boom\n\tat ");
  }

  @Test
  void belowTheThreshold_nothingIsWritten() {
    AgentLogger log = new AgentLogger("io.netty.channel.X", Level.WARN, out);
    log.info("quiet");
    log.debug("quiet");
    assertThat(written()).isEmpty();
    assertThat(log.isInfoEnabled()).isFalse();
    assertThat(log.isWarnEnabled()).isTrue();
    log.error("loud");
    assertThat(written()).contains(" ERROR X - loud");
  }

  @Test
  void levels_longestPrefixWins_onNameBoundaries() {
    Levels levels = new Levels(Level.INFO, Map.of("io.grpc", Level.WARN, "io.grpc.netty", Level.DEBUG));
    assertThat(levels.threshold("io.grpc.internal.ManagedChannelImpl")).isEqualTo(Level.WARN);
    assertThat(levels.threshold("io.grpc.netty.NettyClientHandler")).isEqualTo(Level.DEBUG);
    assertThat(levels.threshold("io.grpc")).isEqualTo(Level.WARN);
    assertThat(levels.threshold("io.grpcx.Other")).isEqualTo(Level.INFO);
    assertThat(levels.threshold("io.homefleet.agent.AgentMain")).isEqualTo(Level.INFO);
  }

  @Test
  void parse_acceptsAnyCase_andABadValueFallsBackWithAMessage() {
    assertThat(Levels.parse(Levels.PROPERTY, " Debug ", Level.INFO)).isEqualTo(Level.DEBUG);
    PrintStream err = System.err;
    System.setErr(out);
    try {
      assertThat(Levels.parse(Levels.PROPERTY, "loud", Level.INFO)).isEqualTo(Level.INFO);
    } finally {
      System.setErr(err);
    }
    assertThat(written()).contains("-Dhomefleet.log=loud is not a log level (trace, debug, info, warn, error); using info");
  }
}
