package com.clinikobridge.job;

import java.time.Instant;

import com.clinikobridge.ledger.RunStore;
import com.clinikobridge.report.ReportWriter.ReportWriteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's report could not be written (disk full, a read-only or missing folder). Reports are
 * written before a run is marked ended, so such a run is marked FAILED (exit code 1), never
 * COMPLETED without its proof. The message is one line: the file, the cause, and the run's state.
 */
public class ReportNotWrittenException extends RuntimeException {

	private static final Logger log = LoggerFactory.getLogger(ReportNotWrittenException.class);

	ReportNotWrittenException(String message, Throwable cause) {
		super(message, cause);
	}

	/**
	 * Marks the run FAILED and returns the exception to throw.
	 * @param ex the write failure, naming the file and the cause
	 */
	static ReportNotWrittenException markFailed(RunStore runs, String runId, Instant ended, ReportWriteException ex) {
		runs.ended(runId, "FAILED", 1, ended);
		String message = ex.getMessage() + " (run " + runId + " is marked FAILED: free space or fix the folder,"
				+ " what the run did is kept in the job repository)";
		log.debug("{}", message);
		return new ReportNotWrittenException(message, ex);
	}
}
