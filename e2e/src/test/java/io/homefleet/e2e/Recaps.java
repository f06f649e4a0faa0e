package io.homefleet.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads a PLAY RECAP from {@code homefleet play}'s output. */
public final class Recaps {
  private Recaps() {}

  /** The recap line of {@code host}, after its name: {@code ok=3 changed=1 ...}; fails the test when there is none. */
  public static String recap(String out, String host) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(host) + "\\s+: (.*)$").matcher(out);
    assertThat(m.find()).as("no recap line for %s in:\n%s", host, out).isTrue();
    return m.group(1);
  }

  /** The {@code changed=} count of {@code host}'s recap line. */
  public static int changed(String out, String host) {
    Matcher m = Pattern.compile("changed=(\\d+)").matcher(recap(out, host));
    assertThat(m.find()).isTrue();
    return Integer.parseInt(m.group(1));
  }
}
