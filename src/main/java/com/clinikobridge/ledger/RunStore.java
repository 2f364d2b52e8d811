package com.clinikobridge.ledger;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Component;

/** The {@code bridge_run} table: one row per run, created when the run starts. */
@Component
public class RunStore {

	/** A run as stored: ids, what it was asked to do, its state and exit code. */
	public record Run(String runId, String command, String source, boolean dryRun, String status, Instant startedAt,
			Instant endedAt, Long jobExecutionId, Integer exitCode, String targetRunId) {
	}

	private static final RowMapper<Run> ROW = (rs, i) -> new Run(rs.getString("run_id"), rs.getString("command"),
			rs.getString("source"), rs.getBoolean("dry_run"), rs.getString("status"),
			rs.getTimestamp("started_at").toInstant(),
			rs.getTimestamp("ended_at") == null ? null : rs.getTimestamp("ended_at").toInstant(),
			rs.getObject("job_execution_id") == null ? null : rs.getLong("job_execution_id"),
			rs.getObject("exit_code") == null ? null : rs.getInt("exit_code"), rs.getString("target_run_id"));

	private final JdbcTemplate jdbc;

	public RunStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	public void create(String runId, String command, String source, boolean dryRun, Instant startedAt) {
		jdbc.update("INSERT INTO bridge_run (run_id, command, source, dry_run, status, started_at) VALUES (?, ?, ?, ?,"
				+ " 'STARTED', ?)", runId, command, source, dryRun, Timestamp.from(startedAt));
	}

	/** A run that acts on another run (rollback, reconcile): {@code targetRunId} names it. */
	public void create(String runId, String command, String source, boolean dryRun, Instant startedAt,
			String targetRunId) {
		jdbc.update("INSERT INTO bridge_run (run_id, command, source, dry_run, status, started_at, target_run_id)"
				+ " VALUES (?, ?, ?, ?, 'STARTED', ?, ?)", runId, command, source, dryRun, Timestamp.from(startedAt),
				targetRunId);
	}

	/** Runs of a command that act on a run, newest first. */
	public List<Run> actingOn(String targetRunId, String command) {
		return jdbc.query("SELECT * FROM bridge_run WHERE target_run_id = ? AND command = ?"
				+ " ORDER BY started_at DESC, run_id DESC", ROW, targetRunId, command);
	}

	public void started(String runId, long jobExecutionId) {
		jdbc.update("UPDATE bridge_run SET status = 'STARTED', ended_at = NULL, exit_code = NULL,"
				+ " job_execution_id = ? WHERE run_id = ?", jobExecutionId, runId);
	}

	public void ended(String runId, String status, int exitCode, Instant endedAt) {
		jdbc.update("UPDATE bridge_run SET status = ?, exit_code = ?, ended_at = ? WHERE run_id = ?", status, exitCode,
				Timestamp.from(endedAt), runId);
	}

	public Optional<Run> find(String runId) {
		return jdbc.query("SELECT * FROM bridge_run WHERE run_id = ?", ROW, runId).stream().findFirst();
	}

	/** Stores the ids of a sample run by kind (patient, merged, referrer). */
	public void saveSample(String runId, java.util.Map<String, java.util.Set<Long>> idsByKind) {
		List<Object[]> rows = new java.util.ArrayList<>();
		idsByKind.forEach((kind, ids) -> ids.forEach(id -> rows.add(new Object[] { runId, kind, id })));
		jdbc.batchUpdate("INSERT INTO run_sample (run_id, kind, cliniko_id) VALUES (?, ?, ?)", rows);
	}

	/** The ids of a sample run by kind; empty when the run is not a sample. */
	public java.util.Map<String, java.util.Set<Long>> sample(String runId) {
		java.util.Map<String, java.util.Set<Long>> byKind = new java.util.HashMap<>();
		jdbc.query("SELECT kind, cliniko_id FROM run_sample WHERE run_id = ?", rs -> {
			byKind.computeIfAbsent(rs.getString(1), k -> new java.util.HashSet<>()).add(rs.getLong(2));
		}, runId);
		return byKind;
	}

	/** Records the approval of a plan's fingerprint (idempotent). */
	public void approve(String fingerprint, String source, String runId) {
		if (!approved(fingerprint)) {
			jdbc.update("INSERT INTO plan_approval (fingerprint, source, run_id, approved_at) VALUES (?, ?, ?, ?)",
					fingerprint, source, runId, Timestamp.from(Instant.now()));
		}
	}

	public boolean approved(String fingerprint) {
		Integer n = jdbc.queryForObject("SELECT COUNT(*) FROM plan_approval WHERE fingerprint = ?", Integer.class,
				fingerprint);
		return n != null && n > 0;
	}

	/**
	 * Whether a source of this kind may be synced: a full (not sample, not dry) migrate from the
	 * API ({@code csv} false) or from CSV exports ({@code csv} true) has completed, or a plan for
	 * such a source was approved. CSV exports of one clinic come in new folders, so any CSV source
	 * counts for another.
	 */
	public boolean migratedOrApproved(boolean csv) {
		String like = csv ? "csv:%" : "api";
		Integer migrated = jdbc.queryForObject("SELECT COUNT(*) FROM bridge_run r WHERE r.command = 'migrate'"
				+ " AND r.dry_run = FALSE AND r.status = 'COMPLETED' AND r.source LIKE ?"
				+ " AND NOT EXISTS (SELECT 1 FROM run_sample s WHERE s.run_id = r.run_id)", Integer.class, like);
		Integer approved = jdbc.queryForObject("SELECT COUNT(*) FROM plan_approval WHERE source LIKE ?", Integer.class,
				like);
		return (migrated != null && migrated > 0) || (approved != null && approved > 0);
	}

	/** Runs, newest first. */
	public List<Run> all() {
		return jdbc.query("SELECT * FROM bridge_run ORDER BY started_at DESC, run_id DESC", ROW);
	}
}
