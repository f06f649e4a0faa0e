package io.homefleet.controller.config;

/** A configuration file or value is wrong; the message names the file, the field and the fix. */
public final class ConfigException extends Exception {
  public ConfigException(String message) {
    super(message);
  }
}
