package io.homefleet.controller.telemetry;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fleet endpoint's body: the controller's own metrics (Micrometer's Prometheus scrape) and
 * every host's latest telemetry with a {@code host} label, in the Prometheus text format 0.0.4,
 * one family per name, so one scrape covers every VM.
 *
 * <p>Agents' samples of a name the controller also exports (the JVM's, typically) join the
 * controller's family; a sample whose family already has another type, or whose series is
 * already there, is left out (the first wins) rather than making the whole scrape invalid.
 */
public final class FleetExposition {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private FleetExposition() {}

  private static final class Family {
    final String name;
    final String type;
    String help;
    final StringBuilder lines = new StringBuilder();
    final Set<String> series = new HashSet<>();

    Family(String name, String type, String help) {
      this.name = name;
      this.type = type;
      this.help = help;
    }
  }

  /** Renders {@code controllerScrape} (text format, as Micrometer writes it) with {@code hosts}. */
  public static String render(String controllerScrape, List<HostSnapshot> hosts) {
    Map<String, Family> families = new TreeMap<>();
    parse(controllerScrape, families);
    for (HostSnapshot h : hosts) {
      for (Sample s : h.samples()) {
        Map<String, String> labels = new TreeMap<>(s.labels());
        labels.put(TelemetryCodec.HOST_LABEL, h.host());
        String l = labels(labels);
        switch (s.kind()) {
          case GAUGE, COUNTER -> add(families, s.family(), s.kind().prometheusType(), s.help(), l,
              s.family() + l + " " + number(s.value()));
          case SUMMARY -> {
            add(families, s.family(), "summary", s.help(), l,
                s.family() + "_count" + l + " " + s.count() + "\n" + s.family() + "_sum" + l + " " + number(s.sum()));
            add(families, s.family() + "_max", "gauge", s.help(), l, s.family() + "_max" + l + " " + number(s.max()));
          }
        }
      }
    }
    StringBuilder out = new StringBuilder();
    for (Family f : families.values()) {
      String help = f.help.isBlank() ? f.name + " (no description given by its source)" : f.help;
      out.append("# HELP ").append(f.name).append(' ').append(escapeHelp(help)).append('\n');
      out.append("# TYPE ").append(f.name).append(' ').append(f.type).append('\n');
      out.append(f.lines);
    }
    return out.toString();
  }

  private static void add(Map<String, Family> families, String name, String type, String help, String labels,
      String lines) {
    Family f = families.computeIfAbsent(name, n -> new Family(n, type, help));
    if (!f.type.equals(type) || !f.series.add(labels)) {
      return;
    }
    if (f.help.isBlank()) {
      f.help = help;
    }
    f.lines.append(lines).append('\n');
  }

  /**
   * Splits a text-format scrape into families by its {@code # HELP} / {@code # TYPE} lines. The
   * controller's series carry no {@code host} label, so they never collide with an agent's.
   */
  static void parse(String scrape, Map<String, Family> families) {
    Family current = null;
    String pendingHelp = "";
    for (String line : scrape.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (line.startsWith("# HELP ")) {
        String rest = line.substring(7);
        int sp = rest.indexOf(' ');
        pendingHelp = sp < 0 ? "" : unescapeHelp(rest.substring(sp + 1)).trim();
      } else if (line.startsWith("# TYPE ")) {
        String[] parts = line.substring(7).trim().split(" ");
        current = families.computeIfAbsent(parts[0], n -> new Family(n, parts.length > 1 ? parts[1] : "untyped", ""));
        current.help = pendingHelp;
        pendingHelp = "";
      } else if (!line.startsWith("#") && current != null) {
        current.lines.append(line).append('\n');
      }
    }
  }

  static String labels(Map<String, String> labels) {
    if (labels.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("{");
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append(e.getKey()).append("=\"").append(escapeLabel(e.getValue())).append('"');
    }
    return b.append('}').toString();
  }

  static String number(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    return Double.toString(v);
  }

  static String escapeLabel(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static String escapeHelp(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }

  private static String unescapeHelp(String s) {
    return s.replace("\\n", "\n").replace("\\\\", "\\");
  }
}
