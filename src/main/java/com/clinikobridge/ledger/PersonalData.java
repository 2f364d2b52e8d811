package com.clinikobridge.ledger;

import java.sql.Timestamp;
import java.time.Instant;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The personal values the job repository keeps per run, and their removal ({@code purge}): the
 * before-images' and write proofs' property values, rejections' source references and reasons,
 * and reconcile mismatches' expected and HubSpot values. Counts stay: ledger entries, runs,
 * rejections and mismatches keep their rows (object, Cliniko and HubSpot ids, field, kind).
 */
@Component
public class PersonalData {

	/** The value a purged source reference or reason reads. */
	public static final String PURGED = "(purged)";

	/** How many rows of each kind a purge cleared. */
	public record Cleared(int beforeImages, int writeProofs, int rejections, int mismatches) {
	}

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transaction;

	public PersonalData(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.transaction = new TransactionTemplate(transactionManager);
	}

	/**
	 * Clears a run's personal values and marks the run purged, in one transaction.
	 * @return the rows cleared, by kind
	 */
	public Cleared purge(String runId, Instant at) {
		return transaction.execute(status -> {
			Cleared cleared = new Cleared(
					jdbc.update("UPDATE before_image SET properties = '{}' WHERE run_id = ?", runId),
					jdbc.update("UPDATE run_write SET properties = '{}' WHERE run_id = ?", runId),
					jdbc.update("UPDATE rejection SET source_ref = ?, reason = ? WHERE run_id = ?", PURGED, PURGED, runId),
					jdbc.update("UPDATE reconcile_mismatch SET expected = NULL, actual = NULL WHERE run_id = ?", runId));
			jdbc.update("UPDATE bridge_run SET purged_at = ? WHERE run_id = ?", Timestamp.from(at), runId);
			return cleared;
		});
	}

	/** Whether a run's personal values were purged (it can no longer be rolled back). */
	public boolean purged(String runId) {
		Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM bridge_run WHERE run_id = ? AND purged_at IS NOT NULL",
				Integer.class, runId);
		return n != null && n > 0;
	}
}
