package com.clinikobridge.job;

import com.clinikobridge.ledger.RunStore;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;

/**
 * Ties a job execution to its run: stored in {@code bridge_run} before any step runs (so a
 * killed run can be found and restarted).
 */
final class RunExecutionListener implements JobExecutionListener {

	private final RunStore runs;

	RunExecutionListener(RunStore runs) {
		this.runs = runs;
	}

	@Override
	public void beforeJob(JobExecution execution) {
		runs.started(execution.getJobParameters().getString("runId"), execution.getId());
	}

	/** A finished execution's status as runs report it: COMPLETED, STOPPED or FAILED. */
	static String runStatus(JobExecution execution) {
		return switch (execution.getStatus()) {
			case COMPLETED -> "COMPLETED";
			case STOPPED, STOPPING -> "STOPPED";
			default -> "FAILED";
		};
	}
}
