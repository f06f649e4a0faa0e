package io.homefleet.playbook.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class IndexDotsTest {
  @Test
  void rewrite_subscriptsAfterNamesAndBrackets_onlyOutsideLiterals() {
    assertThat(IndexDots.rewrite("item.0")).isEqualTo("item[0]");
    assertThat(IndexDots.rewrite("item.0.1 ~ x.12")).isEqualTo("item[0][1] ~ x[12]");
    assertThat(IndexDots.rewrite("f(x).2 + a[1].3")).isEqualTo("f(x)[2] + a[1][3]");
    assertThat(IndexDots.rewrite("x.10|int")).isEqualTo("x[10]|int");
    assertThat(IndexDots.rewrite("1.5 + x.1a + x.1() + a.b")).isEqualTo("1.5 + x.1a + x.1() + a.b");
    assertThat(IndexDots.rewrite("'item.0' ~ item.0 ~ \"y.1\"")).isEqualTo("'item.0' ~ item[0] ~ \"y.1\"");
  }

  /** The regex this scan replaced (too slow: its look-behind ran at every position). */
  private static final Pattern OLD = Pattern.compile("(?<=[A-Za-z_][A-Za-z0-9_]{0,200}|[\\])])\\.(\\d+)(?![\\w(])");

  private static String old(String s) {
    for (Matcher m = OLD.matcher(s); m.find(); m = OLD.matcher(s)) {
      s = m.replaceAll("[$1]");
    }
    return s;
  }

  @Test
  void rewrite_agreesWithTheRegexItReplaced_onRandomExpressions() {
    Random random = new Random(16);
    String alphabet = "ab_19.().[] |+0";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder s = new StringBuilder();
      for (int i = random.nextInt(16); i >= 0; i--) {
        s.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String e = s.toString();
      assertThat(IndexDots.rewrite(e)).as(e).isEqualTo(old(e));
    }
  }
}
