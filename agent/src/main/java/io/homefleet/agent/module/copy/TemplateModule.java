package io.homefleet.agent.module.copy;

import io.homefleet.agent.exec.Args;
import io.homefleet.agent.exec.Plan;
import io.homefleet.agent.exec.StateModule;
import io.homefleet.agent.exec.TaskContext;
import io.homefleet.agent.exec.TaskException;
import io.homefleet.agent.module.file.FileAttrs;
import io.homefleet.agent.module.file.FileContent;
import io.homefleet.agent.module.file.Validate;
import io.homefleet.playbook.template.TemplateException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ansible's {@code template}: renders {@code src} (from the play's bundle, or a role's
 * {@code templates/}) with the task's variables and writes it to {@code dest} as {@code copy}
 * would. Adds Ansible's template variables: {@code ansible_managed}, {@code template_host},
 * {@code template_path}, {@code template_fullpath}, {@code template_destpath},
 * {@code template_uid}, {@code template_run_date}.
 */
public final class TemplateModule implements StateModule {
  private static final List<String> DELIMITERS = List.of("block_start_string", "block_end_string",
      "variable_start_string", "variable_end_string", "comment_start_string", "comment_end_string");

  @Override
  public String name() {
    return "template";
  }

  @Override
  public Plan plan(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Args a = Args.of(name(), raw);
    Rendered r = render(a, ctx, true);
    FileContent.Options opts = new FileContent.Options(a.bool("backup", false), a.bool("force", true),
        FileAttrs.of(a), Validate.of(a, ctx));
    Plan p = FileContent.plan(name(), r.dest(), r.text().getBytes(StandardCharsets.UTF_8), opts);
    Map<String, Object> data = new LinkedHashMap<>(p.data());
    data.put("src", r.src().toString());
    return Plan.all(data, List.of(p));
  }

  /**
   * A delegated template as {@code copy}'s arguments: this host renders it with its variables, as
   * Ansible renders on the controller, and the delegated host writes the text.
   */
  public static Map<String, Object> asCopy(Map<String, Object> raw, TaskContext ctx) throws TaskException {
    Rendered r = render(Args.of("template", raw), ctx, false);
    Map<String, Object> args = new LinkedHashMap<>(raw);
    for (String k : List.of("src", "newline_sequence", "trim_blocks", "lstrip_blocks", "output_encoding")) {
      args.remove(k);
    }
    DELIMITERS.forEach(args::remove);
    args.put("content", r.text());
    args.put("dest", r.dest().toString());
    return args;
  }

  private record Rendered(Path src, Path dest, String text) {}

  /** The rendered text; {@code here}: {@code dest} is on this host (a directory there gets the file's name). */
  private static Rendered render(Args a, TaskContext ctx, boolean here) throws TaskException {
    for (String d : DELIMITERS) {
      if (a.has(d)) {
        throw a.error(d + " is not supported: homefleet renders with Jinja2's standard delimiters");
      }
    }
    if (!a.bool("trim_blocks", true) || a.bool("lstrip_blocks", false)) {
      throw a.error("trim_blocks=false and lstrip_blocks=true are not supported: homefleet renders with Ansible's"
          + " defaults (trim_blocks on, lstrip_blocks off)");
    }
    String encoding = a.str("output_encoding", "utf-8").toLowerCase(java.util.Locale.ROOT);
    if (!encoding.equals("utf-8") && !encoding.equals("utf8")) {
      throw a.error("output_encoding=" + encoding + " is not supported: templates are written as UTF-8");
    }
    Path src = ctx.bundleFile("template", a.required("src"), "templates");
    String destArg = a.required("dest");
    Path dest = Path.of(destArg);
    if (destArg.endsWith("/") || here && Files.isDirectory(dest)) {
      String base = src.getFileName().toString();
      dest = dest.resolve(base.endsWith(".j2") ? base.substring(0, base.length() - 3) : base);
    }
    String source;
    try {
      source = Files.readString(src, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw a.error("cannot read template " + src + ": " + e.getMessage());
    }
    Map<String, Object> vars = new LinkedHashMap<>(ctx.vars());
    String host = hostName();
    String managed = "Ansible managed";
    vars.putIfAbsent("ansible_managed", managed);
    vars.put("template_host", host);
    vars.put("template_path", a.required("src"));
    vars.put("template_fullpath", src.toString());
    vars.put("template_destpath", dest.toString());
    vars.put("template_uid", System.getProperty("user.name"));
    LocalDateTime now = LocalDateTime.now();
    vars.put("template_run_date", now.toString());
    String rendered;
    try {
      rendered = ctx.templar().render(source, vars);
    } catch (TemplateException e) {
      throw a.error("AnsibleError: " + e.getMessage() + " (template " + a.required("src") + ")");
    }
    // Jinja2 drops one trailing newline unless keep_trailing_newline; Ansible keeps it.
    if (source.endsWith("\n") && !rendered.endsWith("\n")) {
      rendered += "\n";
    }
    String nl = a.str("newline_sequence", "\n").replace("\\r", "\r").replace("\\n", "\n");
    if (!nl.equals("\n")) {
      rendered = rendered.replace("\n", nl);
    }
    return new Rendered(src, dest, rendered);
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
