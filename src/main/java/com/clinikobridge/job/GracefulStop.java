package com.clinikobridge.job;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.StepInterruptionPolicy;
import org.springframework.batch.core.step.tasklet.TaskletStep;
import org.springframework.stereotype.Component;

/**
 * Stops this process's work when it is asked to (SIGTERM): the running job stops after its
 * current chunk (STOPPED, restartable; the next sync restarts it), and a scheduled
 * {@code sync --every} stops waiting for its next trigger.
 *
 * <p>
 * Every step uses this as its interruption policy, so the step's own thread notices the request
 * at its next chunk boundary (a set-up tasklet: before it starts or after it commits) and marks
 * its step execution to terminate. Nothing else writes the job repository. (Spring Batch 6's
 * {@code JobOperator.stop} updates the running step execution from the signal thread, which
 * races the step's own update of it and fails the run with an
 * {@code OptimisticLockingFailureException} instead of stopping it.)
 */
@Component
public class GracefulStop implements StepInterruptionPolicy {

	private static final Logger log = LoggerFactory.getLogger(GracefulStop.class);

	private volatile boolean stopping;

	private final Object monitor = new Object();

	/** Asks the running job to stop after its current chunk, and any wait to end. */
	public void requestStop() {
		if (!stopping) {
			log.info("Stop requested: the run stops after its current chunk");
		}
		stopping = true;
		synchronized (monitor) {
			monitor.notifyAll();
		}
	}

	/**
	 * Called by a step on its own thread at each chunk boundary (Spring Batch 6
	 * {@code StepInterruptionPolicy}).
	 * @throws JobInterruptedException when a stop was requested or the thread was interrupted;
	 * the step execution is then marked terminate-only, so the step ends STOPPED
	 */
	@Override
	public void checkInterrupted(StepExecution stepExecution) throws JobInterruptedException {
		if (stopping || Thread.currentThread().isInterrupted()) {
			stepExecution.setTerminateOnly();
			throw new JobInterruptedException("Stop requested");
		}
	}

	/** A tasklet step that a stop request skips (before it starts) or ends STOPPED (after it commits). */
	TaskletStep stoppable(TaskletStep step) {
		step.setInterruptionPolicy(this);
		return step;
	}

	/** Forgets a stop request (tests that stop a scheduled sync and go on in the same process). */
	void reset() {
		stopping = false;
	}

	public boolean stopping() {
		return stopping;
	}

	/** Waits up to {@code millis} or until a stop is requested. @return false when stopping */
	boolean await(long millis) throws InterruptedException {
		long until = System.currentTimeMillis() + millis;
		synchronized (monitor) {
			while (!stopping && System.currentTimeMillis() < until) {
				monitor.wait(Math.max(1, until - System.currentTimeMillis()));
			}
		}
		return !stopping;
	}
}
