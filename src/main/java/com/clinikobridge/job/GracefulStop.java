package com.clinikobridge.job;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Stops this process's work when it is asked to (SIGTERM): the running job stops after its
 * current chunk (STOPPED, restartable; the next sync restarts it), and a scheduled
 * {@code sync --every} stops waiting for its next trigger.
 */
@Component
public class GracefulStop {

	private static final Logger log = LoggerFactory.getLogger(GracefulStop.class);

	// Looked up when needed: the jobs depend on this bean, and the job registry must see them
	// before the operator exists.
	private final ObjectProvider<JobOperator> jobOperator;

	private volatile JobExecution running;

	private volatile boolean stopping;

	private final Object monitor = new Object();

	GracefulStop(ObjectProvider<JobOperator> jobOperator) {
		this.jobOperator = jobOperator;
	}

	void running(JobExecution execution) {
		this.running = execution;
		if (stopping && execution != null) {
			stopJob(execution);
		}
	}

	/** Asks the running job to stop after its current chunk, and any wait to end. */
	public void requestStop() {
		stopping = true;
		JobExecution execution = running;
		if (execution != null) {
			stopJob(execution);
		}
		synchronized (monitor) {
			monitor.notifyAll();
		}
	}

	private void stopJob(JobExecution execution) {
		try {
			log.info("Stop requested: the run stops after its current chunk");
			jobOperator.getObject().stop(execution);
		}
		catch (Exception ex) {
			log.warn("Could not stop the running job: {}", ex.getClass().getSimpleName());
		}
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
