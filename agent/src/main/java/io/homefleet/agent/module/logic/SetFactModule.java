package io.homefleet.agent.module.logic;

/** Ansible's {@code set_fact} for ad-hoc runs: {@link io.homefleet.playbook.run.LogicActions} does the work. */
public final class SetFactModule extends LogicModule {
  public SetFactModule() {
    super("set_fact");
  }
}
