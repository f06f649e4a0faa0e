package io.homefleet.agent.play;

import java.util.Objects;

/**
 * One play assignment: a host's compiled plan for one play of a run.
 *
 * @param assignmentId unique per run, play and host; events and the acknowledgement name it
 * @param runId the run
 * @param playIndex the play's index in the playbook
 * @param plan the plan, as {@link io.homefleet.playbook.plan.PlanCodec} encoded it
 */
public record PlayWork(String assignmentId, String runId, int playIndex, byte[] plan) {
  public PlayWork {
    Objects.requireNonNull(assignmentId, "assignmentId");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(plan, "plan");
  }
}
