package io.homefleet.agent.module.logic;

/** Ansible's {@code fail} for ad-hoc runs: {@link io.homefleet.playbook.run.LogicActions} does the work. */
public final class FailModule extends LogicModule {
  public FailModule() {
    super("fail");
  }
}
