package io.homefleet.bench;

import io.homefleet.agent.worker.PlayWorkers;
import io.homefleet.playbook.template.Templar;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What rendering costs the play worker: the templates and conditions a play like the benchmark
 * play renders (paths, filters, a loop, an inline if, plain text), in a JVM with the play
 * worker's flags. CPU of the rendering thread per render, per round of {@code ITERATIONS} passes;
 * the figure is the median of the rounds after the first half (the JIT's warm-up).
 */
public final class RenderCost {
  private static final int ITERATIONS = 3_000;
  private static final String[] TEMPLATES = {
    "{{ target_root }}{{ app_home }}/conf/app.conf",
    "users={{ app_users | join(',') }} port={{ app_port }}",
    "{{ item.name }}-{{ item.uid }}",
    "{% for u in app_users %}user {{ u }} on {{ inventory_hostname }}\n{% endfor %}",
    "{{ 'on' if r.stat.exists else 'off' }} {{ app_port | int + 1 }}",
    "plain text without any template",
  };
  private static final String[] CONDITIONS = {
    "r.stat.exists and app_port | int > 1000", "app_users | length == 3", "item.name == 'web'",
  };

  private RenderCost() {}

  static Map<String, Object> measure(Path root, int rounds) throws Exception {
    return AgentJvm.run(root, RenderCost.class.getName(), Arrays.asList(PlayWorkers.DEFAULT_JAVA_OPTS.split(" ")),
        String.valueOf(rounds));
  }

  public static void main(String[] args) throws Exception {
    int rounds = Math.max(2, Integer.parseInt(args[0]));
    Templar templar = new Templar();
    Map<String, Object> vars = new HashMap<>();
    vars.put("target_root", "/srv/bench");
    vars.put("app_home", "/opt/app");
    vars.put("app_port", 8080);
    vars.put("app_users", List.of("alice", "bob", "carol"));
    vars.put("item", Map.of("name", "web", "uid", 1001));
    vars.put("r", Map.of("stat", Map.of("exists", true, "mode", "0644")));
    vars.put("inventory_hostname", "host-1");
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    List<Double> perRender = new ArrayList<>();
    int renders = ITERATIONS * (TEMPLATES.length + CONDITIONS.length);
    for (int round = 0; round < rounds; round++) {
      long cpu0 = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < ITERATIONS; i++) {
        for (String t : TEMPLATES) {
          templar.render(t, vars);
        }
        for (String c : CONDITIONS) {
          if (!templar.condition(c, vars)) {
            throw new IllegalStateException(c + " should hold");
          }
        }
      }
      perRender.add((threads.getCurrentThreadCpuTime() - cpu0) / 1e3 / renders);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("rounds", rounds);
    out.put("renders_per_round", renders);
    out.put("first_round_cpu_us_per_render", String.format(Locale.ROOT, "%.1f", perRender.get(0)));
    out.put("render_cpu_us_per_render", String.format(Locale.ROOT, "%.1f",
        Stats.median(perRender.subList(rounds / 2, rounds))));
    out.put("row", "| " + out.get("render_cpu_us_per_render") + " µs (first round " + out.get(
        "first_round_cpu_us_per_render") + " µs) |");
    out.forEach((k, v) -> System.out.println(k + "=" + v));
  }
}
