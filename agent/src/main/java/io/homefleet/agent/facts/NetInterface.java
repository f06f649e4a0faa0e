package io.homefleet.agent.facts;

import java.util.List;
import java.util.Objects;

/**
 * A network interface that is up.
 *
 * @param name the kernel's interface name, such as {@code eth0}
 * @param mac the hardware address as lower-case {@code aa:bb:cc:dd:ee:ff}, or "" if it has none
 * @param addresses the IPv4 and IPv6 addresses as {@code ip/prefix}, without IPv6 scope ids
 */
public record NetInterface(String name, String mac, List<String> addresses) {

  /** Rejects nulls and makes the address list immutable. */
  public NetInterface {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mac, "mac");
    addresses = List.copyOf(addresses);
  }
}
