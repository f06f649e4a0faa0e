package io.homefleet.agent.logging;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The agent's logging backend for SLF4J: one line per event on standard error (the service
 * manager's journal keeps it), {@code 2026-11-27T07:20:00.123Z INFO SessionClient - message},
 * stack traces after it. It replaces slf4j-simple, whose timestamp format is a
 * {@code SimpleDateFormat}: that loads the JDK's CLDR locale provider and keeps ~1,000
 * {@code Locale} objects and calendar data on a resident daemon's heap for nothing. Timestamps
 * are UTC, like the controller's. Levels: {@code -Dhomefleet.log=debug} (default {@code info}) and
 * {@code -Dhomefleet.log.PREFIX=LEVEL} for loggers whose name starts with {@code PREFIX}
 * ({@code io.netty} and {@code io.grpc} default to {@code warn}); see {@link Levels}.
 */
public final class AgentLogging implements SLF4JServiceProvider {
  private ILoggerFactory loggers;
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final MDCAdapter mdc = new NOPMDCAdapter();

  @Override
  public ILoggerFactory getLoggerFactory() {
    return loggers;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }

  @Override
  public void initialize() {
    Levels levels = Levels.fromSystemProperties();
    java.util.concurrent.ConcurrentHashMap<String, AgentLogger> byName = new java.util.concurrent.ConcurrentHashMap<>();
    loggers = name -> byName.computeIfAbsent(name, n -> new AgentLogger(n, levels.threshold(n), System.err));
  }
}
