package io.homefleet.playbook.run;

import io.homefleet.playbook.plan.ItemResult;
import io.homefleet.playbook.plan.PlayRecap;
import io.homefleet.playbook.plan.TaskRef;
import io.homefleet.playbook.plan.TaskResult;

/**
 * Receives a host's events as they happen, on the runner's thread: the agent turns them into
 * {@code TaskEvent}s. Every method has an empty default so a listener implements what it needs.
 * A listener must not throw; what it throws is not caught.
 */
public interface PlanListener {

  /** Listens to nothing. */
  PlanListener NONE = new PlanListener() {};

  /** A task (or handler, or include) starts: before its conditions are evaluated. */
  default void taskStarted(TaskRef task) {}

  /** One loop item finished. */
  default void itemFinished(ItemResult item) {}

  /** A task finished (every item, every retry). */
  default void taskFinished(TaskResult result) {}

  /** The host's play is over: the recap and the facts to carry. */
  default void playFinished(PlayRecap recap) {}
}
