package io.homefleet.controller.run;

/** Counts for a finished run, like the PLAY RECAP totals. */
public record RunSummary(String runId, String state, int ok, int changed, int failed, int unreachable) {}
