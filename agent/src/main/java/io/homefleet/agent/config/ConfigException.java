package io.homefleet.agent.config;

/** The agent's configuration is wrong; the message names the file, the field and the fix. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}
