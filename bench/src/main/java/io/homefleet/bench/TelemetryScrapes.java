package io.homefleet.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Scrapes a real agent's /metrics (docs/telemetry.md) and reads its own account of what collecting cost. */
final class TelemetryScrapes {
  private TelemetryScrapes() {}

  static byte[] scrape(int port) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/metrics").toURL()
        .openConnection();
    c.setConnectTimeout(2000);
    c.setReadTimeout(10000);
    try (InputStream in = c.getInputStream()) {
      return in.readAllBytes();
    }
  }

  /** A daemon thread scraping every 15 s for {@code seconds} (bounded: at most seconds / 15 + 1 scrapes). */
  static Thread every15s(int port, int seconds) {
    Thread t = new Thread(() -> {
      for (int i = 0; i <= seconds / 15; i++) {
        try {
          scrape(port);
          Thread.sleep(15_000);
        } catch (IOException e) {
          System.err.println("scrape failed: " + e);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "bench-scraper");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /**
   * {@code n} scrapes back to back, then the agent's own counters: CPU per collection (read and
   * formatted, as the agent measured it on its serving thread) and the size of one scrape.
   */
  static Map<String, Object> cost(int port, int n) throws IOException {
    double cpu0 = value(scrape(port), "homefleet_agent_telemetry_cpu_seconds_total");
    double col0 = value(scrape(port), "homefleet_agent_telemetry_collections_total");
    for (int i = 0; i < n; i++) {
      scrape(port);
    }
    byte[] last = scrape(port);
    double cpu1 = value(last, "homefleet_agent_telemetry_cpu_seconds_total");
    double col1 = value(last, "homefleet_agent_telemetry_collections_total");
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("telemetry_cpu_ms_per_collection", String.format(Locale.ROOT, "%.2f",
        (cpu1 - cpu0) * 1000 / (col1 - col0)));
    out.put("telemetry_scrape_bytes", last.length);
    out.put("telemetry_series", new String(last, java.nio.charset.StandardCharsets.UTF_8).lines()
        .filter(l -> !l.startsWith("#")).count());
    return out;
  }

  private static double value(byte[] scrape, String name) {
    Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*} (\\S+)$")
        .matcher(new String(scrape, java.nio.charset.StandardCharsets.UTF_8));
    if (!m.find()) {
      throw new IllegalStateException(name + " not in the scrape");
    }
    return Double.parseDouble(m.group(1));
  }
}
