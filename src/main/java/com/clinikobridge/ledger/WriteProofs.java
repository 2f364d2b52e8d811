package com.clinikobridge.ledger;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What HubSpot's own answers proved each run wrote ({@code run_write}, sql/common/V6), and what a
 * rollback kept and why ({@code rollback_kept}). A record is "created by a run", and so something
 * that run's rollback may archive, only when a proof here says so; a search count or an empty read
 * never makes one (docs/safety.md).
 */
@Component
public class WriteProofs {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/**
	 * What one HubSpot answer proved: the record's id, whether HubSpot said it is new, and the
	 * values the run sent (property → value; "" or null clears).
	 */
	public record Proof(String hubspotId, boolean created, Map<String, String> properties) {
	}

	/**
	 * A record a run wrote, as proven: {@code writeId} orders rows for paging.
	 * @param properties property → the value the run last wrote
	 */
	public record ProvenWrite(long writeId, String objectType, String clinikoId, String hubspotId, boolean created,
			Map<String, String> properties) {
	}

	/** Something a rollback kept: property is null when a whole record was kept. */
	public record Kept(String objectType, String clinikoId, String hubspotId, String property, String reason) {
	}

	private final JdbcTemplate jdbc;

	private final NamedParameterJdbcTemplate named;

	private final TransactionTemplate ownTransaction;

	private final boolean postgres;

	public WriteProofs(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.postgres = Boolean.TRUE.equals(jdbc.execute((java.sql.Connection c) -> c.getMetaData()
			.getDatabaseProductName()
			.toLowerCase(java.util.Locale.ROOT)
			.contains("postgres")));
		this.named = new NamedParameterJdbcTemplate(jdbc);
		this.ownTransaction = new TransactionTemplate(transactionManager);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/**
	 * Notes, in a transaction of its own that commits at once, what HubSpot answered for these
	 * records. A record proven created by an earlier attempt of the same run stays created (a
	 * replayed chunk's upsert answers {@code new: false} for it); the values are the latest sent.
	 * @param proofs Cliniko id → proof
	 * @return the Cliniko ids (of those given) this run has proven it created
	 */
	public Set<String> prove(String runId, String objectType, Map<String, Proof> proofs) {
		if (proofs.isEmpty()) {
			return Set.of();
		}
		return ownTransaction.execute(status -> {
			if (postgres) {
				// Durable against a crash of this process the moment it commits; only a crash of the
				// database server itself could lose the last fraction of a second, and then a
				// replay proves the records again by HubSpot's createdAt. Saves a disk flush a chunk.
				jdbc.execute("SET LOCAL synchronous_commit TO OFF");
			}
			Map<String, Boolean> known = createdFlags(runId, objectType, proofs.keySet());
			Timestamp now = Timestamp.from(Instant.now());
			List<Object[]> inserts = new ArrayList<>();
			List<Object[]> updates = new ArrayList<>();
			Set<String> created = new HashSet<>();
			proofs.forEach((key, proof) -> {
				Boolean before = known.get(key);
				boolean isCreated = proof.created() || Boolean.TRUE.equals(before);
				if (isCreated) {
					created.add(key);
				}
				// A run writes a record once; a replay sends the same values: the latest stand.
				String json = JSON.writeValueAsString(proof.properties());
				if (before == null) {
					inserts.add(new Object[] { runId, objectType, key, proof.hubspotId(), isCreated, json, now });
				}
				else {
					updates.add(new Object[] { proof.hubspotId(), isCreated, json, now, runId, objectType, key });
				}
			});
			jdbc.batchUpdate("INSERT INTO run_write (run_id, object_type, cliniko_id, hubspot_id, created, properties,"
					+ " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)", inserts);
			jdbc.batchUpdate("UPDATE run_write SET hubspot_id = ?, created = ?, properties = ?, recorded_at = ?"
					+ " WHERE run_id = ? AND object_type = ? AND cliniko_id = ?", updates);
			return created;
		});
	}

	/** Whether this run has proven it created each of these records (absent: no proof yet). */
	private Map<String, Boolean> createdFlags(String runId, String objectType, Collection<String> clinikoIds) {
		Map<String, Boolean> found = new HashMap<>();
		// H2 by cliniko_id alone (sql/h2/V7: it uses an IN list only on an index's first column), run
		// and object checked here; PostgreSQL by its unique key. A few small columns, never the values.
		named.query("SELECT run_id, object_type, cliniko_id, created FROM run_write WHERE "
				+ (postgres ? "run_id = :run AND object_type = :type AND " : "") + "cliniko_id IN (:ids)",
				new MapSqlParameterSource("ids", clinikoIds).addValue("run", runId).addValue("type", objectType), rs -> {
					if (runId.equals(rs.getString(1)) && objectType.equals(rs.getString(2))) {
						found.put(rs.getString(3), rs.getBoolean(4));
					}
				});
		return found;
	}

	/** This run's proofs for the given records of one object (absent ones left out). */
	public Map<String, ProvenWrite> byClinikoId(String runId, String objectType, Collection<String> clinikoIds) {
		Map<String, ProvenWrite> found = new HashMap<>();
		if (clinikoIds.isEmpty()) {
			return found;
		}
		named.query("SELECT * FROM run_write WHERE " + (postgres ? "run_id = :run AND object_type = :type AND " : "")
				+ "cliniko_id IN (:ids)",
				new MapSqlParameterSource("ids", clinikoIds).addValue("run", runId).addValue("type", objectType), rs -> {
					if (runId.equals(rs.getString("run_id")) && objectType.equals(rs.getString("object_type"))) {
						ProvenWrite w = provenWrite(rs);
						found.put(w.clinikoId(), w);
					}
				});
		return found;
	}

	@SuppressWarnings("unchecked")
	private static ProvenWrite provenWrite(java.sql.ResultSet rs) throws java.sql.SQLException {
		return new ProvenWrite(rs.getLong("write_id"), rs.getString("object_type"), rs.getString("cliniko_id"),
				rs.getString("hubspot_id"), rs.getBoolean("created"),
				JSON.readValue(rs.getString("properties"), LinkedHashMap.class));
	}

	/** Records a run proved it created and no rollback has archived or kept yet, newest first. */
	public List<ProvenWrite> createdToArchive(String runId, long beforeId, int limit) {
		return jdbc.query("SELECT * FROM run_write WHERE run_id = ? AND created = TRUE AND undone_by IS NULL"
				+ " AND kept_by IS NULL AND write_id < ? ORDER BY write_id DESC FETCH FIRST " + limit + " ROWS ONLY",
				(rs, i) -> provenWrite(rs), runId, beforeId);
	}

	/** How many records a run proved it created that are neither archived nor kept. */
	public long createdLeft(String runId) {
		Long n = jdbc.queryForObject("SELECT COUNT(*) FROM run_write WHERE run_id = ? AND created = TRUE"
				+ " AND undone_by IS NULL AND kept_by IS NULL", Long.class, runId);
		return n == null ? 0 : n;
	}

	/**
	 * Marks created records archived by a rollback (in the chunk's transaction), and the audit
	 * entries and id map with them, so a later run creates them again.
	 */
	public void archived(String rollbackRunId, String runId, List<ProvenWrite> records) {
		if (records.isEmpty()) {
			return;
		}
		named.update("UPDATE run_write SET undone_by = :by WHERE write_id IN (:ids)",
				new MapSqlParameterSource("by", rollbackRunId).addValue("ids",
						records.stream().map(ProvenWrite::writeId).toList()));
		List<Object[]> rows = records.stream()
			.map(r -> new Object[] { rollbackRunId, runId, r.objectType(), r.clinikoId() })
			.toList();
		jdbc.batchUpdate("UPDATE ledger_entry SET undone_by = ? WHERE run_id = ? AND object_type = ? AND cliniko_id = ?"
				+ " AND action = 'CREATED'", rows);
		jdbc.batchUpdate("UPDATE before_image SET restored_by = ? WHERE run_id = ? AND object_type = ? AND cliniko_id = ?"
				+ " AND existed = FALSE", rows);
		jdbc.batchUpdate("DELETE FROM id_map WHERE object_type = ? AND cliniko_id = ? AND hubspot_id = ?",
				records.stream().map(r -> new Object[] { r.objectType(), r.clinikoId(), r.hubspotId() }).toList());
	}

	/**
	 * Notes what a rollback kept (in the chunk's transaction); whole records kept are marked so a
	 * resumed rollback does not look at them again.
	 */
	public void kept(String rollbackRunId, String runId, List<Kept> kept, List<ProvenWrite> keptRecords) {
		Timestamp now = Timestamp.from(Instant.now());
		jdbc.batchUpdate("INSERT INTO rollback_kept (run_id, target_run_id, object_type, cliniko_id, hubspot_id, property,"
				+ " reason, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", kept.stream()
					.map(k -> new Object[] { rollbackRunId, runId, k.objectType(), k.clinikoId(), k.hubspotId(),
							k.property(), truncate(k.reason(), 1000), now })
					.toList());
		if (!keptRecords.isEmpty()) {
			named.update("UPDATE run_write SET kept_by = :by WHERE write_id IN (:ids)",
					new MapSqlParameterSource("by", rollbackRunId).addValue("ids",
							keptRecords.stream().map(ProvenWrite::writeId).toList()));
		}
	}

	/** What a rollback run kept, in the order it decided. */
	public List<Kept> keptBy(String rollbackRunId) {
		return jdbc.query("SELECT object_type, cliniko_id, hubspot_id, property, reason FROM rollback_kept"
				+ " WHERE run_id = ? ORDER BY kept_id", (rs, i) -> new Kept(rs.getString(1), rs.getString(2),
						rs.getString(3), rs.getString(4), rs.getString(5)), rollbackRunId);
	}

	/**
	 * Records a run noted it was about to create but HubSpot never confirmed it did (the answer
	 * was lost and no later answer proved it): rollback keeps them, if they exist, and lists them.
	 */
	public List<Kept> unproven(String runId) {
		return jdbc.query("SELECT b.object_type, b.cliniko_id FROM before_image b WHERE b.run_id = ? AND b.existed = FALSE"
				+ " AND NOT EXISTS (SELECT 1 FROM run_write w WHERE w.run_id = b.run_id AND w.object_type = b.object_type"
				+ " AND w.cliniko_id = b.cliniko_id AND w.created = TRUE) AND NOT EXISTS (SELECT 1 FROM rejection j"
				+ " WHERE j.run_id = b.run_id AND j.object_type = b.object_type AND j.cliniko_id = b.cliniko_id)"
				+ " ORDER BY b.image_id",
				(rs, i) -> new Kept(rs.getString(1), rs.getString(2), null, null,
						"HubSpot never confirmed that this run created it (the answer was lost or the write was never"
								+ " sent): if HubSpot holds it, it was kept"),
				runId);
	}

	/**
	 * Whether another run of this job repository, started before {@code runId}, wrote the same
	 * HubSpot record (created or updated it) and has not been rolled back.
	 * @param hubspotIds Cliniko id → HubSpot record id
	 * @return Cliniko id → that run's id, for those of the given records that have one
	 */
	public Map<String, String> writtenEarlier(String runId, String objectType, Map<String, String> hubspotIds) {
		Map<String, String> found = new HashMap<>();
		if (hubspotIds.isEmpty()) {
			return found;
		}
		named.query("SELECT l.cliniko_id, l.run_id, l.hubspot_id FROM ledger_entry l JOIN bridge_run r ON r.run_id = l.run_id"
				+ " JOIN bridge_run mine ON mine.run_id = :run WHERE l.object_type = :type AND l.cliniko_id IN (:ids)"
				+ " AND l.run_id <> :run AND l.action IN ('CREATED', 'UPDATED') AND r.dry_run = FALSE"
				+ " AND r.started_at < mine.started_at AND l.undone_by IS NULL",
				new MapSqlParameterSource("run", runId).addValue("type", objectType).addValue("ids", hubspotIds.keySet()),
				rs -> {
					if (java.util.Objects.equals(hubspotIds.get(rs.getString(1)), rs.getString(3))) {
						found.putIfAbsent(rs.getString(1), rs.getString(2));
					}
				});
		return found;
	}

	/**
	 * Earlier runs, not rolled back, that created records {@code runId} left unchanged and relied
	 * on (a sample's records under the full migration): run id → records.
	 */
	public Map<String, Long> reliedOn(String runId) {
		Map<String, Long> found = new LinkedHashMap<>();
		jdbc.query("SELECT w.run_id, COUNT(*) FROM run_write w JOIN ledger_entry l ON l.object_type = w.object_type"
				+ " AND l.cliniko_id = w.cliniko_id AND l.hubspot_id = w.hubspot_id WHERE l.run_id = ?"
				+ " AND l.action = 'UNCHANGED' AND w.run_id <> l.run_id AND w.created = TRUE AND w.undone_by IS NULL"
				+ " GROUP BY w.run_id ORDER BY w.run_id", rs -> {
					found.put(rs.getString(1), rs.getLong(2));
				}, runId);
		return found;
	}

	/** How many records of each object this ledger has in its id map (what this installation wrote). */
	public Map<String, Long> mappedCounts() {
		Map<String, Long> counts = new HashMap<>();
		jdbc.query("SELECT object_type, COUNT(*) FROM id_map GROUP BY object_type", rs -> {
			counts.put(rs.getString(1), rs.getLong(2));
		});
		return counts;
	}

	private static String truncate(String s, int max) {
		return s == null || s.length() <= max ? s : s.substring(0, max);
	}
}
