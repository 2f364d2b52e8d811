package com.clinikobridge.ledger;

import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What delta sync keeps in the database (schema in {@code sql/common/V4__sync.sql}): each
 * source's high-water marks, the marks of each run (applied when it completes), the lock that
 * lets one sync at a time run per Cliniko account and HubSpot portal, and the CSV export files
 * already ingested. Every write commits at once in a transaction of its own.
 */
@Component
public class SyncStore {

	/**
	 * One object's delta in a run: records changed after {@code since} (null: everything), how
	 * many, and the newest {@code updated_at} when the run started (the next mark).
	 */
	public record Mark(Instant since, Instant highWater, long delta) implements Serializable {
	}

	private final JdbcTemplate jdbc;

	private final TransactionTemplate own;

	public SyncStore(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.own = new TransactionTemplate(transactionManager);
		this.own.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/** A source's high-water marks by object (what its last completed run had seen). */
	public Map<String, Instant> marks(String sourceKey) {
		Map<String, Instant> marks = new LinkedHashMap<>();
		jdbc.query("SELECT object_type, high_water FROM sync_mark WHERE source_key = ?", rs -> {
			marks.put(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)));
		}, sourceKey);
		return marks;
	}

	/** Stores a run's marks when it starts. */
	public void saveRunMarks(String runId, String sourceKey, Map<String, Mark> marks) {
		own.executeWithoutResult(status -> marks.forEach((object, m) -> jdbc.update(
				"INSERT INTO run_mark (run_id, source_key, object_type, since, high_water, delta) VALUES (?, ?, ?, ?, ?, ?)",
				runId, sourceKey, object, millis(m.since()), millis(m.highWater()), m.delta())));
	}

	/** A run's marks by object (empty for runs that kept none). */
	public Map<String, Mark> runMarks(String runId) {
		Map<String, Mark> marks = new LinkedHashMap<>();
		jdbc.query("SELECT object_type, since, high_water, delta FROM run_mark WHERE run_id = ?", rs -> {
			marks.put(rs.getString(1), new Mark(instant((Number) rs.getObject(2)), instant((Number) rs.getObject(3)),
					rs.getLong(4)));
		}, runId);
		return marks;
	}

	/**
	 * Advances the source's marks to a completed run's (never backwards), except for the objects
	 * in {@code held}: those had records that did not land, so the next run reads them again.
	 */
	public void applyRunMarks(String runId, java.util.Set<String> held) {
		own.executeWithoutResult(status -> jdbc.query("SELECT source_key, object_type, high_water FROM run_mark"
				+ " WHERE run_id = ? AND high_water IS NOT NULL", rs -> {
					String source = rs.getString(1);
					String object = rs.getString(2);
					long mark = rs.getLong(3);
					if (held.contains(object)) {
						return;
					}
					int updated = jdbc.update("UPDATE sync_mark SET high_water = ?, run_id = ? WHERE source_key = ?"
							+ " AND object_type = ? AND high_water < ?", mark, runId, source, object, mark);
					Long known = jdbc.queryForObject("SELECT COUNT(*) FROM sync_mark WHERE source_key = ? AND object_type = ?",
							Long.class, source, object);
					if (updated == 0 && (known == null || known == 0)) {
						jdbc.update("INSERT INTO sync_mark (source_key, object_type, high_water, run_id) VALUES (?, ?, ?, ?)",
								source, object, mark, runId);
					}
				}, runId));
	}

	/**
	 * After a rollback of a run: moves the source's marks back to where that run started reading
	 * (forgets them when it read everything), so the next sync reads its records again.
	 */
	public void rewindMarks(String runId) {
		own.executeWithoutResult(status -> jdbc.query("SELECT source_key, object_type, since FROM run_mark WHERE run_id = ?",
				rs -> {
					Number since = (Number) rs.getObject(3);
					if (since == null) {
						jdbc.update("DELETE FROM sync_mark WHERE source_key = ? AND object_type = ?", rs.getString(1),
								rs.getString(2));
					}
					else {
						jdbc.update("UPDATE sync_mark SET high_water = ? WHERE source_key = ? AND object_type = ?"
								+ " AND high_water > ?", since.longValue(), rs.getString(1), rs.getString(2),
								since.longValue());
					}
				}, runId));
	}

	/** The source key a run kept its marks under, or null. */
	public String sourceKeyOf(String runId) {
		return jdbc.queryForList("SELECT source_key FROM run_mark WHERE run_id = ?", String.class, runId)
			.stream()
			.findFirst()
			.orElse(null);
	}

	/**
	 * Takes the lock, or takes over one whose holder stopped refreshing it {@code stale} ago.
	 * @return empty when this process holds the lock now; else who holds it
	 */
	public Optional<String> lock(String lockKey, String holder, Duration stale) {
		return lock(lockKey, holder, stale, other -> false);
	}

	/**
	 * Like {@link #lock(String, String, Duration)}; a lock whose holder {@code gone} says has
	 * ended (a killed process on this host) is taken over at once.
	 */
	public Optional<String> lock(String lockKey, String holder, Duration stale,
			java.util.function.Predicate<String> gone) {
		Boolean inserted = own.execute(status -> {
			long now = System.currentTimeMillis();
			try {
				jdbc.update("INSERT INTO run_lock (lock_key, holder, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?)",
						lockKey, holder, now, now);
				return true;
			}
			catch (DuplicateKeyException ex) {
				status.setRollbackOnly();
				return false;
			}
		});
		return Boolean.TRUE.equals(inserted) ? Optional.empty() : takeOver(lockKey, holder, stale, gone);
	}

	private Optional<String> takeOver(String lockKey, String holder, Duration stale,
			java.util.function.Predicate<String> gone) {
		return own.execute(status -> {
			List<Map<String, Object>> rows = jdbc.queryForList("SELECT * FROM run_lock WHERE lock_key = ?", lockKey);
			if (rows.isEmpty()) {
				return Optional.of("the lock changed hands; try again");
			}
			Map<String, Object> row = rows.get(0);
			long beat = ((Number) row.get("heartbeat_at")).longValue();
			long now = System.currentTimeMillis();
			if (beat + stale.toMillis() > now && !gone.test((String) row.get("holder"))) {
				return Optional.of(row.get("holder") + (row.get("run_id") == null ? "" : ", run " + row.get("run_id"))
						+ ", since " + Instant.ofEpochMilli(((Number) row.get("acquired_at")).longValue())
						+ " (last heartbeat " + Instant.ofEpochMilli(beat) + ")");
			}
			int taken = jdbc.update("UPDATE run_lock SET holder = ?, run_id = NULL, acquired_at = ?, heartbeat_at = ?"
					+ " WHERE lock_key = ? AND heartbeat_at = ?", holder, now, now, lockKey, beat);
			return taken == 1 ? Optional.<String>empty() : Optional.of("another process took the stale lock first");
		});
	}

	/**
	 * Refreshes the lock's heartbeat and names the run holding it.
	 * @return false when this holder no longer has the lock (another process took it over)
	 */
	public boolean heartbeat(String lockKey, String holder, String runId) {
		Integer updated = own.execute(status -> jdbc.update("UPDATE run_lock SET heartbeat_at = ?,"
				+ " run_id = COALESCE(?, run_id) WHERE lock_key = ? AND holder = ?", System.currentTimeMillis(), runId,
				lockKey, holder));
		return updated != null && updated > 0;
	}

	public void unlock(String lockKey, String holder) {
		own.executeWithoutResult(status -> jdbc.update("DELETE FROM run_lock WHERE lock_key = ? AND holder = ?", lockKey,
				holder));
	}

	/** The run that ingested a file with this checksum, if any. */
	public Optional<String> ingestedBy(String checksum) {
		return jdbc.queryForList("SELECT run_id FROM ingested_file WHERE checksum = ?", String.class, checksum)
			.stream()
			.findFirst();
	}

	/** Records export files as ingested by a completed run (checksum → file name). */
	public void ingested(String runId, Map<String, String> files) {
		own.executeWithoutResult(status -> files.forEach((checksum, name) -> {
			if (ingestedBy(checksum).isEmpty()) {
				jdbc.update("INSERT INTO ingested_file (checksum, file_name, run_id, ingested_at) VALUES (?, ?, ?, ?)",
						checksum, name, runId, Timestamp.from(Instant.now()));
			}
		}));
	}

	private static Long millis(Instant i) {
		return i == null ? null : i.toEpochMilli();
	}

	private static Instant instant(Number millis) {
		return millis == null ? null : Instant.ofEpochMilli(millis.longValue());
	}
}
