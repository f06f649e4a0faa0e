package io.homefleet.agent.module.logic;

/** Ansible's {@code debug} for ad-hoc runs: {@link io.homefleet.playbook.run.LogicActions} does the work. */
public final class DebugModule extends LogicModule {
  public DebugModule() {
    super("debug");
  }
}
