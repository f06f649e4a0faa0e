package io.homefleet.pki;

import java.net.URI;
import java.util.regex.Pattern;

/**
 * Who a certificate speaks for. The identity lives in a URI SAN chosen by the controller:
 * {@code agent://<host>}, {@code operator://<name>} or {@code controller://<name>}.
 */
public record Identity(Kind kind, String name) {

  /** The closed set of principals homefleet knows. */
  public enum Kind {
    AGENT("agent"),
    OPERATOR("operator"),
    CONTROLLER("controller");

    private final String scheme;

    Kind(String scheme) {
      this.scheme = scheme;
    }

    public String scheme() {
      return scheme;
    }
  }

  /** Host and operator names: DNS-label-like, 1-63 characters. */
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?");

  public Identity {
    if (kind == null) {
      throw new IllegalArgumentException("identity kind is required");
    }
    if (!isValidName(name)) {
      throw new IllegalArgumentException("invalid " + kind.scheme() + " name '" + name + "'");
    }
  }

  public static Identity agent(String host) {
    return new Identity(Kind.AGENT, host);
  }

  public static Identity operator(String name) {
    return new Identity(Kind.OPERATOR, name);
  }

  /** True when {@code name} is acceptable as a host or operator name (lower case, digits, . _ -). */
  public static boolean isValidName(String name) {
    return name != null && NAME.matcher(name).matches();
  }

  public URI uri() {
    return URI.create(kind.scheme() + "://" + name);
  }

  /** Parses a URI SAN; returns null when it is not one of ours. */
  public static Identity fromUri(String uri) {
    for (Kind k : Kind.values()) {
      String prefix = k.scheme() + "://";
      if (uri.startsWith(prefix)) {
        String name = uri.substring(prefix.length());
        return isValidName(name) ? new Identity(k, name) : null;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return uri().toString();
  }
}
