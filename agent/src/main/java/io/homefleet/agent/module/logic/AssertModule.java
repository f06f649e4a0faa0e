package io.homefleet.agent.module.logic;

/** Ansible's {@code assert} for ad-hoc runs: {@link io.homefleet.playbook.run.LogicActions} does the work. */
public final class AssertModule extends LogicModule {
  public AssertModule() {
    super("assert");
  }
}
