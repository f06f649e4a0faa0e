package io.homefleet.agent.play;

import io.homefleet.playbook.compile.PlanCompiler;
import io.homefleet.playbook.compile.PlanOptions;
import io.homefleet.playbook.parse.LoadedPlaybook;
import io.homefleet.playbook.parse.PlaybookLoader;
import io.homefleet.playbook.plan.PlanCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Compiled plans of small playbooks, as the controller sends them. */
public final class TestPlans {
  private TestPlans() {}

  /** {@code yaml} as {@code DIR/pb/site.yml} (with {@code templates/motd.j2}), compiled for one host. */
  public static byte[] plan(Path dir, String yaml, Map<String, Object> vars, boolean check) throws Exception {
    Path pb = dir.resolve("pb");
    Files.createDirectories(pb.resolve("templates"));
    Files.writeString(pb.resolve("templates/motd.j2"), "hello {{ who }}\n");
    Files.writeString(pb.resolve("site.yml"), yaml);
    LoadedPlaybook loaded = new PlaybookLoader(pb, List.of()).load(pb.resolve("site.yml"));
    return PlanCodec.encode(PlanCompiler.compile(loaded, 0, vars, new PlanOptions(List.of(), List.of(), check, true,
        Map.of())));
  }
}
