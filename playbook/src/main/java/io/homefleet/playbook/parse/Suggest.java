package io.homefleet.playbook.parse;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** "Did you mean": the nearest known name by edit distance (transpositions count as one edit). */
final class Suggest {
  private Suggest() {}

  /** The candidate closest to {@code name}, if one is close enough to be a likely typo. */
  static Optional<String> nearest(String name, Collection<String> candidates) {
    String n = name.toLowerCase(Locale.ROOT);
    int limit = n.length() <= 3 ? 1 : n.length() <= 6 ? 2 : 3;
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String c : candidates) {
      int d = distance(n, c.toLowerCase(Locale.ROOT));
      // On a tie, a candidate that holds every letter of the name in order (taks: tasks, not tags) wins.
      if (d < bestDistance || (d == bestDistance && best != null && subsequence(n, c.toLowerCase(Locale.ROOT))
          && !subsequence(n, best.toLowerCase(Locale.ROOT)))) {
        best = c;
        bestDistance = d;
      }
    }
    return bestDistance <= limit ? Optional.of(best) : Optional.empty();
  }

  private static boolean subsequence(String small, String big) {
    int i = 0;
    for (int j = 0; j < big.length() && i < small.length(); j++) {
      if (big.charAt(j) == small.charAt(i)) {
        i++;
      }
    }
    return i == small.length();
  }

  /** " (did you mean 'x'?)" or nothing. */
  static String hint(String name, Collection<String> candidates) {
    return nearest(name, candidates).map(s -> " (did you mean '" + s + "'?)").orElse("");
  }

  /** Optimal string alignment distance: Levenshtein plus adjacent transpositions. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
