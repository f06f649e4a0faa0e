package io.homefleet.agent.module;

import io.homefleet.agent.exec.Module;
import io.homefleet.agent.module.command.CommandModule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The modules this agent build knows, by short name. */
public final class Modules {
  private Modules() {}

  public static Map<String, Module> builtin() {
    Map<String, Module> m = new LinkedHashMap<>();
    for (Module mod : List.of(CommandModule.command(), CommandModule.shell(), new PingModule())) {
      m.put(mod.name(), mod);
    }
    return m;
  }
}
