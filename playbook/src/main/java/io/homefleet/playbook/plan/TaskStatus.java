package io.homefleet.playbook.plan;

/** How a task (or one loop item, or one module call) ended, as ansible-playbook prints it. */
public enum TaskStatus {
  /** Nothing to change. */
  OK,
  /** Something was changed (or would be, in check mode). */
  CHANGED,
  /** It failed (possibly ignored or rescued: see the event). */
  FAILED,
  /** It did not run: a condition was false, or the module skipped it. */
  SKIPPED
}
