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

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The ledger (schema in {@code sql/}): the id map Cliniko id → HubSpot id per object, the audit
 * trail of what each run did to each record, and the rejections. Every write joins the
 * caller's transaction, which for a step is the chunk's, so the ledger and the step's restart
 * state always commit together.
 */
@Component
public class Ledger {

	/** Audit actions. WOULD_* are dry-run actions and never touch the id map. */
	public enum Action {

		CREATED, UPDATED, UNCHANGED, WOULD_CREATE, WOULD_UPDATE,

		/** Not written: merged into another record (counted as unchanged). */
		MERGED

	}

	/**
	 * An id map entry: the HubSpot record id, the hash of the properties last written, and the
	 * association targets last written ("contacts:123:200 ...", null before they were kept).
	 */
	public record Mapped(String hubspotId, String contentHash, String associationTargets) {
	}

	/** One audit line to record. {@code hubspotId} is null in dry runs. */
	public record Entry(String clinikoId, String hubspotId, Action action, String contentHash) {
	}

	/** A rejected record, as reported in {@code rejected.csv}. */
	public record Rejected(String objectType, String sourceRef, String clinikoId, String field, String reason) {
	}

	/** Per-object counts of a run. */
	public record Counts(long created, long updated, long unchanged, long rejected) {

		public long read() {
			return created + updated + unchanged + rejected;
		}
	}

	private final JdbcTemplate jdbc;

	private final NamedParameterJdbcTemplate named;

	private final TransactionTemplate ownTransaction;

	private final TableStatistics statistics;

	/** For queries read row by row: in a transaction, so PostgreSQL uses a cursor, 1,000 rows a fetch. */
	private final JdbcTemplate streaming;

	public Ledger(JdbcTemplate jdbc, PlatformTransactionManager transactionManager) {
		this.jdbc = jdbc;
		this.streaming = new JdbcTemplate(jdbc.getDataSource());
		this.streaming.setFetchSize(1000);
		this.statistics = new TableStatistics(jdbc, new TransactionTemplate(transactionManager,
				new org.springframework.transaction.support.DefaultTransactionDefinition(
						TransactionDefinition.PROPAGATION_REQUIRES_NEW)),
				() -> database().contains("postgres"));
		this.named = new NamedParameterJdbcTemplate(jdbc);
		this.ownTransaction = new TransactionTemplate(transactionManager);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
	}

	/**
	 * Notes, in a transaction of its own that commits at once, that creates for these records
	 * are about to be sent (portals without a unique ID property): after a crash the notes say
	 * which records to look up in HubSpot before creating them again.
	 */
	public void pendingCreates(String runId, String objectType, Collection<String> clinikoIds) {
		Timestamp now = Timestamp.from(Instant.now());
		ownTransaction.executeWithoutResult(status -> {
			Set<String> known = new HashSet<>(pendingCreates(objectType, clinikoIds));
			List<Object[]> rows = new ArrayList<>();
			for (String id : clinikoIds) {
				if (!known.contains(id)) {
					rows.add(new Object[] { objectType, id, runId, now });
				}
			}
			jdbc.batchUpdate("INSERT INTO pending_create (object_type, cliniko_id, run_id, sent_at) VALUES (?, ?, ?, ?)",
					rows);
		});
	}

	/** Which of these records had a create sent for them that may have landed. */
	public List<String> pendingCreates(String objectType, Collection<String> clinikoIds) {
		if (clinikoIds.isEmpty()) {
			return List.of();
		}
		return named.queryForList("SELECT cliniko_id FROM pending_create WHERE object_type = :type AND cliniko_id IN (:ids)",
				new MapSqlParameterSource("type", objectType).addValue("ids", clinikoIds), String.class);
	}

	/** Clears the pending notes of records now in the id map (in the caller's transaction). */
	public void createsSettled(String objectType, Collection<String> clinikoIds) {
		if (!clinikoIds.isEmpty()) {
			named.update("DELETE FROM pending_create WHERE object_type = :type AND cliniko_id IN (:ids)",
					new MapSqlParameterSource("type", objectType).addValue("ids", clinikoIds));
		}
	}

	/** Whether the id map holds any record of an object (written by an earlier run). */
	public boolean hasMapped(String objectType) {
		Integer found = jdbc.query("SELECT 1 FROM id_map WHERE object_type = ? FETCH FIRST 1 ROWS ONLY",
				rs -> rs.next() ? 1 : null, objectType);
		return found != null;
	}

	/** Id map entries for the given Cliniko ids of one object type (absent ids are left out). */
	public Map<String, Mapped> mapped(String objectType, Collection<String> clinikoIds) {
		Map<String, Mapped> found = new HashMap<>();
		if (clinikoIds.isEmpty()) {
			return found;
		}
		named.query("SELECT cliniko_id, hubspot_id, content_hash, association_targets, object_type FROM id_map WHERE "
				+ byIds("object_type = :type AND "), new MapSqlParameterSource("type", objectType).addValue("ids", clinikoIds),
				rs -> {
					if (objectType.equals(rs.getString(5))) {
						found.put(rs.getString(1), new Mapped(rs.getString(2), rs.getString(3), rs.getString(4)));
					}
				});
		return found;
	}

	private volatile String database;

	/** The database's product name, lower case (e.g. {@code h2}, {@code postgresql}), read once. */
	private String database() {
		if (database == null) {
			database = jdbc.execute((org.springframework.jdbc.core.ConnectionCallback<String>) c -> c.getMetaData()
				.getDatabaseProductName()
				.toLowerCase(java.util.Locale.ROOT));
		}
		return database;
	}

	/**
	 * The condition of a chunk's lookup by {@code cliniko_id IN (:ids)}. H2 uses an IN list only on
	 * the first column of an index: behind the composite keys' leading columns it would test every
	 * row of the object or run, a chunk at a time. On H2 the lookup goes by the ids alone (the
	 * indexes of {@code sql/h2/V5}) and the caller checks the rest of each row; elsewhere the
	 * composite key serves the whole condition.
	 * @param leading the other conditions, ending in " AND "
	 */
	private String byIds(String leading) {
		return (database().equals("h2") ? "" : leading) + "cliniko_id IN (:ids)";
	}

	/**
	 * Which of the given ids this run can associate to: ids in the id map (with their HubSpot
	 * id), plus, in a dry run, ids that run would have written (with an empty HubSpot id).
	 */
	public Map<String, String> resolvable(String runId, boolean dryRun, String objectType,
			Collection<String> clinikoIds) {
		Map<String, String> survivors = survivors(objectType, clinikoIds);
		Map<String, String> bySurvivor = resolveDirect(runId, dryRun, objectType, new HashSet<>(survivors.values()));
		Map<String, String> found = new HashMap<>();
		survivors.forEach((id, survivor) -> {
			if (bySurvivor.containsKey(survivor)) {
				found.put(id, bySurvivor.get(survivor));
			}
		});
		return found;
	}

	/** Each id → the record it ends up in after following merges (itself when not merged). */
	private Map<String, String> survivors(String objectType, Collection<String> clinikoIds) {
		Map<String, String> current = new HashMap<>();
		clinikoIds.forEach(id -> current.put(id, id));
		for (int depth = 0; depth < 10; depth++) {
			Map<String, String> redirects = new HashMap<>();
			Set<String> targets = new HashSet<>(current.values());
			if (targets.isEmpty()) {
				break;
			}
			named.query("SELECT cliniko_id, survivor_id FROM merge_redirect WHERE object_type = :type"
					+ " AND cliniko_id IN (:ids)", new MapSqlParameterSource("type", objectType).addValue("ids", targets),
					rs -> {
						redirects.put(rs.getString(1), rs.getString(2));
					});
			if (redirects.isEmpty()) {
				break;
			}
			current.replaceAll((id, target) -> redirects.getOrDefault(target, target));
		}
		return current;
	}

	/** Records that {@code clinikoId} was merged into {@code survivorId}. */
	public void recordMerge(String runId, String objectType, String clinikoId, String survivorId) {
		int updated = jdbc.update("UPDATE merge_redirect SET survivor_id = ?, run_id = ? WHERE object_type = ?"
				+ " AND cliniko_id = ?", survivorId, runId, objectType, clinikoId);
		if (updated == 0) {
			jdbc.update("INSERT INTO merge_redirect (object_type, cliniko_id, survivor_id, run_id) VALUES (?, ?, ?, ?)",
					objectType, clinikoId, survivorId, runId);
		}
	}

	private Map<String, String> resolveDirect(String runId, boolean dryRun, String objectType,
			Collection<String> clinikoIds) {
		Map<String, String> found = new HashMap<>();
		if (clinikoIds.isEmpty()) {
			return found;
		}
		mapped(objectType, clinikoIds).forEach((id, m) -> found.put(id, m.hubspotId()));
		if (!dryRun || found.size() == clinikoIds.size()) {
			return found;
		}
		named.query("SELECT DISTINCT cliniko_id FROM ledger_entry WHERE run_id = :run AND object_type = :type"
				+ " AND action IN ('WOULD_CREATE', 'WOULD_UPDATE') AND cliniko_id IN (:ids)",
				new MapSqlParameterSource("run", runId).addValue("type", objectType).addValue("ids", clinikoIds),
				rs -> {
					found.putIfAbsent(rs.getString(1), "");
				});
		return found;
	}

	/** Records audit entries and, for real writes, updates the id map. */
	public void record(String runId, String objectType, List<Entry> entries) {
		record(runId, objectType, entries, null, Map.of());
	}

	/**
	 * Records audit entries and, for real writes, the id map rows, with the association targets
	 * each record was written with, in the caller's transaction.
	 * @param mapped the Cliniko ids the id map held before this chunk (null: unknown), so that
	 *        new records are inserted without first trying an update
	 * @param targets Cliniko id → association targets ("type:id:typeId ...") to keep; records
	 *        without an entry keep theirs
	 */
	public void record(String runId, String objectType, List<Entry> entries, Set<String> mapped,
			Map<String, String> targets) {
		if (entries.isEmpty()) {
			return;
		}
		Timestamp now = Timestamp.from(Instant.now());
		List<Object[]> audit = new ArrayList<>();
		List<Object[]> updates = new ArrayList<>();
		List<Object[]> inserts = new ArrayList<>();
		for (Entry e : entries) {
			audit.add(new Object[] { runId, objectType, e.clinikoId(), e.hubspotId(), e.action().name(),
					e.contentHash(), now });
			if (e.action() == Action.CREATED || e.action() == Action.UPDATED) {
				String kept = targets.get(e.clinikoId());
				Object[] update = { e.hubspotId(), e.contentHash(), runId, now, truncate(kept, 2000), objectType,
						e.clinikoId() };
				if (mapped == null || mapped.contains(e.clinikoId())) {
					updates.add(update);
				}
				else {
					inserts.add(update);
				}
			}
		}
		jdbc.batchUpdate("INSERT INTO ledger_entry (run_id, object_type, cliniko_id, hubspot_id, action, content_hash,"
				+ " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)", audit);
		if (!updates.isEmpty()) {
			int[] changed = jdbc.batchUpdate("UPDATE id_map SET hubspot_id = ?, content_hash = ?, run_id = ?,"
					+ " updated_at = ?, association_targets = COALESCE(?, association_targets)"
					+ " WHERE object_type = ? AND cliniko_id = ?", updates);
			for (int i = 0; i < changed.length; i++) {
				if (changed[i] == 0) {
					inserts.add(updates.get(i));
				}
			}
		}
		if (!inserts.isEmpty()) {
			jdbc.batchUpdate("INSERT INTO id_map (hubspot_id, content_hash, run_id, updated_at, association_targets,"
					+ " object_type, cliniko_id) VALUES (?, ?, ?, ?, ?, ?, ?)", inserts);
		}
		statistics.grew(entries.size());
	}

	/** Records rejected records of a run. */
	public void reject(String runId, List<Rejected> rejected) {
		if (rejected.isEmpty()) {
			return;
		}
		Timestamp now = Timestamp.from(Instant.now());
		List<Object[]> rows = new ArrayList<>();
		for (Rejected r : rejected) {
			rows.add(new Object[] { runId, r.objectType(), truncate(r.sourceRef(), 400), r.clinikoId(),
					truncate(r.field(), 200), truncate(r.reason(), 4000), now });
		}
		jdbc.batchUpdate("INSERT INTO rejection (run_id, object_type, source_ref, cliniko_id, field, reason,"
				+ " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows);
	}

	private static String truncate(String s, int max) {
		return s == null || s.length() <= max ? s : s.substring(0, max);
	}

	/** Per-object counts of a run, from its committed audit entries and rejections. */
	public Map<String, Counts> counts(String runId) {
		Map<String, long[]> raw = new LinkedHashMap<>();
		jdbc.query("SELECT object_type, action, COUNT(*) FROM ledger_entry WHERE run_id = ? GROUP BY object_type,"
				+ " action", rs -> {
					long[] c = raw.computeIfAbsent(rs.getString(1), k -> new long[4]);
					switch (Action.valueOf(rs.getString(2))) {
						case CREATED, WOULD_CREATE -> c[0] += rs.getLong(3);
						case UPDATED, WOULD_UPDATE -> c[1] += rs.getLong(3);
						case UNCHANGED, MERGED -> c[2] += rs.getLong(3);
					}
				}, runId);
		jdbc.query("SELECT object_type, COUNT(*) FROM rejection WHERE run_id = ? GROUP BY object_type",
				rs -> {
					raw.computeIfAbsent(rs.getString(1), k -> new long[4])[3] += rs.getLong(2);
				}, runId);
		Map<String, Counts> counts = new LinkedHashMap<>();
		raw.forEach((type, c) -> counts.put(type, new Counts(c[0], c[1], c[2], c[3])));
		return counts;
	}

	/** The Cliniko ids of an object a run wrote or would have written (dry runs included). */
	public Set<String> touched(String runId, String objectType) {
		return new HashSet<>(jdbc.queryForList("SELECT cliniko_id FROM ledger_entry WHERE run_id = ? AND object_type = ?",
				String.class, runId, objectType));
	}

	/** What a run wrote for an object: Cliniko id → HubSpot id (created, updated or unchanged). */
	public Map<String, String> written(String runId, String objectType) {
		Map<String, String> written = new LinkedHashMap<>();
		jdbc.query("SELECT cliniko_id, hubspot_id FROM ledger_entry WHERE run_id = ? AND object_type = ?"
				+ " AND hubspot_id IS NOT NULL ORDER BY entry_id", rs -> {
					written.put(rs.getString(1), rs.getString(2));
				}, runId, objectType);
		return written;
	}

	/**
	 * Records a run wrote per object and time bucket, from the audit trail's timestamps: the
	 * run's throughput over time, restarts included.
	 * @return rows of [seconds from start of the bucket, object, records]
	 */
	public List<Object[]> throughput(String runId, Instant startedAt, long bucketSeconds) {
		Map<String, Long> buckets = new java.util.TreeMap<>();
		// A chunk's entries share one recorded_at: one row per chunk, not per record.
		jdbc.query("SELECT object_type, recorded_at, COUNT(*) FROM ledger_entry WHERE run_id = ?"
				+ " GROUP BY object_type, recorded_at", rs -> {
					long seconds = Math.max(0,
							(rs.getTimestamp(2).toInstant().toEpochMilli() - startedAt.toEpochMilli()) / 1000);
					long bucket = seconds / bucketSeconds * bucketSeconds;
					buckets.merge(String.format("%012d|%s", bucket, rs.getString(1)), rs.getLong(3), Long::sum);
				}, runId);
		List<Object[]> rows = new ArrayList<>();
		buckets.forEach((k, n) -> rows.add(new Object[] { Long.parseLong(k.substring(0, 12)), k.substring(13), n }));
		return rows;
	}

	/** Custom field token → the contact property it was given. */
	public Map<String, String> customFieldNames() {
		Map<String, String> names = new HashMap<>();
		jdbc.query("SELECT token, property_name FROM custom_field_property", rs -> {
			names.put(rs.getString(1), rs.getString(2));
		});
		return names;
	}

	/** Records the property names of new custom fields (known ones are left as they are). */
	public void saveCustomFieldNames(Map<String, String> names) {
		Map<String, String> known = customFieldNames();
		List<Object[]> rows = new ArrayList<>();
		names.forEach((token, name) -> {
			if (!known.containsKey(token)) {
				rows.add(new Object[] { token, name });
			}
		});
		jdbc.batchUpdate("INSERT INTO custom_field_property (token, property_name) VALUES (?, ?)", rows);
	}

	/** The rejections of a run, in the order they were recorded. */
	public List<Rejected> rejections(String runId) {
		return jdbc.query("SELECT object_type, source_ref, cliniko_id, field, reason FROM rejection WHERE run_id = ?"
				+ " ORDER BY rejection_id", (rs, i) -> new Rejected(rs.getString(1), rs.getString(2), rs.getString(3),
						rs.getString(4), rs.getString(5)), runId);
	}

	/** The patient holding an email, or null. */
	public Long emailHolder(String email) {
		List<Long> holder = jdbc.queryForList("SELECT patient_id FROM email_claim WHERE email = ?", Long.class, email);
		return holder.isEmpty() ? null : holder.get(0);
	}

	/**
	 * Claims kept in the ledger, for real runs. A chunk's claims cost one lookup after
	 * {@code prefetch} and one batched insert at {@code flush}; a pre-scan batch costs one lookup
	 * and one batched write.
	 */
	public com.clinikobridge.mapping.EmailClaims emailClaims() {
		return new com.clinikobridge.mapping.EmailClaims() {

			/** Holders of the prefetched emails (absent: none yet), and claims made since. */
			private final Map<String, Long> holders = new HashMap<>();

			private final Set<String> prefetched = new HashSet<>();

			private final List<Object[]> kept = new ArrayList<>();

			@Override
			public void preclaim(String email, long patientId) {
				preclaimAll(Map.of(email, patientId));
			}

			@Override
			public void preclaimAll(Map<String, Long> lowest) {
				if (lowest.isEmpty()) {
					return;
				}
				// email → {holder, whether the holder is written to HubSpot already}
				Map<String, long[]> current = new HashMap<>();
				for (List<String> batch : batches(new ArrayList<>(lowest.keySet()), 1000)) {
					named.query("SELECT c.email, c.patient_id, (SELECT COUNT(*) FROM id_map m WHERE m.object_type ="
							+ " 'patients' AND m.cliniko_id = CAST(c.patient_id AS VARCHAR(40))) FROM email_claim c"
							+ " WHERE c.email IN (:emails)", Map.of("emails", batch),
							rs -> {
								current.put(rs.getString(1), new long[] { rs.getLong(2), rs.getLong(3) });
							});
				}
				List<Object[]> inserts = new ArrayList<>();
				List<Object[]> moves = new ArrayList<>();
				lowest.forEach((email, id) -> {
					long[] held = current.get(email);
					if (held == null) {
						inserts.add(new Object[] { email, id });
					}
					else if (held[0] > id && held[1] == 0) {
						// A holder already written to HubSpot keeps the email: moving it would make a 409.
						moves.add(new Object[] { id, email });
					}
				});
				jdbc.batchUpdate("INSERT INTO email_claim (email, patient_id) VALUES (?, ?)", inserts);
				jdbc.batchUpdate("UPDATE email_claim SET patient_id = ? WHERE email = ?", moves);
				statistics.grew(inserts.size());
			}

			@Override
			public void prefetch(Collection<String> emails) {
				holders.clear();
				prefetched.clear();
				kept.clear();
				for (List<String> batch : batches(new ArrayList<>(new HashSet<>(emails)), 1000)) {
					named.query("SELECT email, patient_id FROM email_claim WHERE email IN (:emails)",
							Map.of("emails", batch), rs -> {
								holders.put(rs.getString(1), rs.getLong(2));
							});
					prefetched.addAll(batch);
				}
			}

			@Override
			public long claim(String email, long patientId) {
				if (prefetched.contains(email)) {
					Long holder = holders.putIfAbsent(email, patientId);
					if (holder != null) {
						return holder;
					}
					kept.add(new Object[] { email, patientId });
					return patientId;
				}
				Long holder = emailHolder(email);
				if (holder != null) {
					return holder;
				}
				jdbc.update("INSERT INTO email_claim (email, patient_id) VALUES (?, ?)", email, patientId);
				return patientId;
			}

			@Override
			public void flush() {
				jdbc.batchUpdate("INSERT INTO email_claim (email, patient_id) VALUES (?, ?)", kept);
				kept.clear();
			}
		};
	}

	private static <T> List<List<T>> batches(List<T> list, int size) {
		List<List<T>> out = new ArrayList<>();
		for (int i = 0; i < list.size(); i += size) {
			out.add(list.subList(i, Math.min(list.size(), i + size)));
		}
		return out;
	}

	/** Claims for dry runs: read from the ledger, kept in memory, never written. */
	public com.clinikobridge.mapping.EmailClaims dryRunEmailClaims() {
		Map<String, Long> mine = new java.util.concurrent.ConcurrentHashMap<>();
		return new com.clinikobridge.mapping.EmailClaims() {
			@Override
			public void preclaim(String email, long patientId) {
				Long held = mine.containsKey(email) ? mine.get(email) : emailHolder(email);
				if (held == null || held > patientId) {
					mine.put(email, patientId);
				}
			}

			@Override
			public long claim(String email, long patientId) {
				Long held = mine.containsKey(email) ? mine.get(email) : emailHolder(email);
				if (held != null) {
					return held;
				}
				mine.put(email, patientId);
				return patientId;
			}
		};
	}

	// ------------------------------------------------------------------ before-images, added associations, schema

	/**
	 * A record's state in HubSpot before a run wrote it: whether it existed, and the old values of
	 * exactly the properties the run changed (null for a value that was empty).
	 */
	public record BeforeImage(long imageId, String objectType, String clinikoId, String hubspotId, boolean existed,
			Map<String, String> properties) {
	}

	/**
	 * An association a run added: between records that had none before, or, with
	 * {@code labelOnly}, a type added to records already associated with another type.
	 */
	public record AddedAssociation(long associationId, String fromType, String fromId, String toType, String toId,
			int typeId, boolean labelOnly) {
	}

	/** A schema object a run created: kind property, group or pipeline (name is the pipeline's label). */
	public record SchemaChange(long changeId, String kind, String objectType, String name) {
	}

	private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder()
		.build();

	/**
	 * Stores before-images in a transaction of their own that commits at once (before the write
	 * is sent). An image already stored for a record in this run is kept: a replayed chunk sees
	 * the run's own first write, not the state before the run.
	 * @return the stored image of each record, by Cliniko id
	 */
	public Map<String, BeforeImage> saveBeforeImages(String runId, String objectType, List<BeforeImage> images) {
		if (images.isEmpty()) {
			return Map.of();
		}
		List<String> ids = images.stream().map(BeforeImage::clinikoId).toList();
		return ownTransaction.execute(status -> {
			Map<String, BeforeImage> stored = beforeImages(runId, objectType, ids);
			Map<String, BeforeImage> result = new HashMap<>(stored);
			Timestamp now = Timestamp.from(Instant.now());
			List<Object[]> rows = new ArrayList<>();
			List<Object[]> widened = new ArrayList<>();
			for (BeforeImage image : images) {
				BeforeImage first = stored.get(image.clinikoId());
				if (first == null) {
					rows.add(new Object[] { runId, objectType, image.clinikoId(), image.hubspotId(), image.existed(),
							JSON.writeValueAsString(image.properties()), now });
					result.put(image.clinikoId(), image);
				}
				else if (first.existed() && !first.properties().keySet().containsAll(image.properties().keySet())) {
					// This write changes properties the first attempt did not: their values now are
					// still those from before the run (the first attempt sent the same values).
					Map<String, String> merged = new LinkedHashMap<>(image.properties());
					merged.putAll(first.properties());
					widened.add(new Object[] { JSON.writeValueAsString(merged), first.imageId() });
					result.put(image.clinikoId(), new BeforeImage(first.imageId(), first.objectType(),
							first.clinikoId(), first.hubspotId(), true, merged));
				}
			}
			jdbc.batchUpdate("INSERT INTO before_image (run_id, object_type, cliniko_id, hubspot_id, existed,"
					+ " properties, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)", rows);
			jdbc.batchUpdate("UPDATE before_image SET properties = ? WHERE image_id = ?", widened);
			statistics.grew(rows.size());
			return result; // new images carry image id 0: callers read existed and properties only
		});
	}

	/**
	 * Replaces, in a transaction of its own, images that said a record did not exist with what
	 * HubSpot holds: HubSpot refused to create the record because it holds it (the image was taken
	 * without a read, or the read said absent and the record appeared since). Images that already
	 * say the record existed are kept.
	 */
	public void beforeImagesExisted(String runId, String objectType, List<BeforeImage> images) {
		if (images.isEmpty()) {
			return;
		}
		ownTransaction.executeWithoutResult(status -> jdbc.batchUpdate("UPDATE before_image SET existed = TRUE,"
				+ " hubspot_id = ?, properties = ? WHERE run_id = ? AND object_type = ? AND cliniko_id = ?"
				+ " AND existed = FALSE", images.stream()
					.map(i -> new Object[] { i.hubspotId(), JSON.writeValueAsString(i.properties()), runId, objectType,
							i.clinikoId() })
					.toList()));
	}

	private Map<String, BeforeImage> beforeImages(String runId, String objectType, Collection<String> clinikoIds) {
		Map<String, BeforeImage> found = new HashMap<>();
		named.query("SELECT * FROM before_image WHERE " + byIds("run_id = :run AND object_type = :type AND "),
				new MapSqlParameterSource("run", runId).addValue("type", objectType).addValue("ids", clinikoIds),
				rs -> {
					if (runId.equals(rs.getString("run_id")) && objectType.equals(rs.getString("object_type"))) {
						BeforeImage image = beforeImage(rs);
						found.put(image.clinikoId(), image);
					}
				});
		return found;
	}

	@SuppressWarnings("unchecked")
	private static BeforeImage beforeImage(java.sql.ResultSet rs) throws java.sql.SQLException {
		Map<String, String> properties = JSON.readValue(rs.getString("properties"), LinkedHashMap.class);
		return new BeforeImage(rs.getLong("image_id"), rs.getString("object_type"), rs.getString("cliniko_id"),
				rs.getString("hubspot_id"), rs.getBoolean("existed"), properties);
	}

	/** Notes associations about to be sent, in a transaction of its own (kept if already noted). */
	public void noteAddedAssociations(String runId, List<AddedAssociation> associations) {
		noteAssociations("added_association", runId, associations, true);
	}

	/** Notes a schema object about to be created, in a transaction of its own (kept if already noted). */
	public void noteSchemaChange(String runId, String kind, String objectType, String name) {
		ownTransaction.executeWithoutResult(status -> {
			Long known = jdbc.queryForObject("SELECT COUNT(*) FROM schema_change WHERE run_id = ? AND kind = ?"
					+ " AND object_type = ? AND name = ?", Long.class, runId, kind, objectType, name);
			if (known == null || known == 0) {
				jdbc.update("INSERT INTO schema_change (run_id, kind, object_type, name, recorded_at) VALUES (?, ?, ?, ?, ?)",
						runId, kind, objectType, name, Timestamp.from(Instant.now()));
			}
		});
	}

	/** Added associations of a run not yet removed, newest first, with ids below {@code beforeId}. */
	public List<AddedAssociation> associationsToRemove(String runId, long beforeId, int limit) {
		return jdbc.query("SELECT * FROM added_association WHERE run_id = ? AND removed_by IS NULL AND association_id < ?"
				+ " ORDER BY association_id DESC FETCH FIRST " + limit + " ROWS ONLY",
				(rs, i) -> new AddedAssociation(rs.getLong("association_id"), rs.getString("from_type"),
						rs.getString("from_id"), rs.getString("to_type"), rs.getString("to_id"), rs.getInt("type_id"),
						rs.getBoolean("label_only")),
				runId, beforeId);
	}

	/**
	 * Before-images of records that existed before the run, not yet restored, newest first.
	 * Images are the source of truth, not audit entries: a run that stopped mid-chunk may have
	 * written records whose entries never committed.
	 */
	public List<BeforeImage> imagesToRestore(String runId, long beforeId, int limit) {
		return jdbc.query("SELECT * FROM before_image WHERE run_id = ? AND existed = TRUE AND restored_by IS NULL"
				+ " AND image_id < ? ORDER BY image_id DESC FETCH FIRST " + limit + " ROWS ONLY", (rs, i) -> beforeImage(rs),
				runId, beforeId);
	}

	/** Schema objects a run created and no rollback has removed yet, newest first. */
	public List<SchemaChange> schemaToRemove(String runId) {
		return jdbc.query("SELECT change_id, kind, object_type, name FROM schema_change WHERE run_id = ?"
				+ " AND removed_by IS NULL ORDER BY change_id DESC", (rs, i) -> new SchemaChange(rs.getLong(1),
						rs.getString(2), rs.getString(3), rs.getString(4)), runId);
	}

	/** Notes, in a transaction of its own, associations about to be removed (a record's target moved). */
	public void noteRemovedAssociations(String runId, List<AddedAssociation> removed) {
		noteAssociations("removed_association", runId, removed, false);
	}

	/** Inserts association notes that are not there yet, in a transaction of its own. */
	private void noteAssociations(String table, String runId, List<AddedAssociation> associations, boolean added) {
		if (associations.isEmpty()) {
			return;
		}
		Timestamp now = Timestamp.from(Instant.now());
		ownTransaction.executeWithoutResult(status -> {
			Set<String> noted = new HashSet<>();
			named.query("SELECT from_type, from_id, to_type, to_id FROM " + table + " WHERE run_id = :run"
					+ " AND from_id IN (:ids)", new MapSqlParameterSource("run", runId).addValue("ids",
							associations.stream().map(AddedAssociation::fromId).distinct().toList()),
					rs -> {
						noted.add(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3) + "/" + rs.getString(4));
					});
			List<Object[]> rows = associations.stream()
				.filter(a -> noted.add(a.fromType() + "/" + a.fromId() + "/" + a.toType() + "/" + a.toId()))
				.map(a -> added
						? new Object[] { runId, a.fromType(), a.fromId(), a.toType(), a.toId(), a.typeId(), a.labelOnly(), now }
						: new Object[] { runId, a.fromType(), a.fromId(), a.toType(), a.toId(), a.typeId(), now })
				.toList();
			jdbc.batchUpdate("INSERT INTO " + table + " (run_id, from_type, from_id, to_type, to_id, type_id,"
					+ (added ? " label_only," : "") + " recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?" + (added ? ", ?" : "")
					+ ")", rows);
		});
	}

	/** Associations a run removed and no rollback has put back, newest first. */
	public List<AddedAssociation> associationsToPutBack(String runId, long beforeId, int limit) {
		return jdbc.query("SELECT * FROM removed_association WHERE run_id = ? AND restored_by IS NULL"
				+ " AND association_id < ? ORDER BY association_id DESC FETCH FIRST " + limit + " ROWS ONLY",
				(rs, i) -> new AddedAssociation(rs.getLong("association_id"), rs.getString("from_type"),
						rs.getString("from_id"), rs.getString("to_type"), rs.getString("to_id"), rs.getInt("type_id"), false),
				runId, beforeId);
	}

	/** Marks removed associations put back by a rollback run. */
	public void associationsPutBack(String rollbackRunId, Collection<Long> ids) {
		markUndone("UPDATE removed_association SET restored_by = :by WHERE association_id IN (:ids)", rollbackRunId, ids);
	}

	/** Marks added associations removed by a rollback run (in the caller's transaction). */
	public void associationsRemoved(String rollbackRunId, Collection<Long> ids) {
		markUndone("UPDATE added_association SET removed_by = :by WHERE association_id IN (:ids)", rollbackRunId, ids);
	}

	/** Marks before-images restored; the id map forgets their hash so the next run sends them again. */
	public void imagesRestored(String rollbackRunId, List<BeforeImage> images) {
		markUndone("UPDATE before_image SET restored_by = :by WHERE image_id IN (:ids)", rollbackRunId,
				images.stream().map(BeforeImage::imageId).toList());
		List<Object[]> rows = images.stream().map(i -> new Object[] { i.objectType(), i.clinikoId() }).toList();
		jdbc.batchUpdate("UPDATE id_map SET content_hash = NULL WHERE object_type = ? AND cliniko_id = ?", rows);
	}

	/** Marks a schema change removed by a rollback run. */
	public void schemaRemoved(String rollbackRunId, long changeId) {
		markUndone("UPDATE schema_change SET removed_by = :by WHERE change_id IN (:ids)", rollbackRunId,
				List.of(changeId));
	}

	private void markUndone(String sql, String rollbackRunId, Collection<Long> ids) {
		if (!ids.isEmpty()) {
			named.update(sql, new MapSqlParameterSource("by", rollbackRunId).addValue("ids", ids));
		}
	}

	/** What rollback of a run has left to do: associations, records to restore, records to archive, schema. */
	public record UndoCounts(long associations, long restores, long archives, long schema) {

		public long total() {
			return associations + restores + archives + schema;
		}
	}

	/** Whether a run wrote records (created or updated) but kept no before-images for them. */
	public boolean wroteWithoutImages(String runId) {
		return count("SELECT COUNT(*) FROM ledger_entry WHERE run_id = ? AND action IN ('CREATED', 'UPDATED')", runId) > 0
				&& count("SELECT COUNT(*) FROM before_image WHERE run_id = ?", runId) == 0;
	}

	/** What is left to undo of a run (all of it before any rollback). */
	public UndoCounts undoLeft(String runId) {
		return new UndoCounts(
				count("SELECT COUNT(*) FROM added_association WHERE run_id = ? AND removed_by IS NULL", runId)
						+ count("SELECT COUNT(*) FROM removed_association WHERE run_id = ? AND restored_by IS NULL", runId),
				count("SELECT COUNT(*) FROM before_image WHERE run_id = ? AND existed = TRUE AND restored_by IS NULL",
						runId),
				count("SELECT COUNT(*) FROM run_write WHERE run_id = ? AND created = TRUE AND undone_by IS NULL"
						+ " AND kept_by IS NULL", runId),
				count("SELECT COUNT(*) FROM schema_change WHERE run_id = ? AND removed_by IS NULL", runId));
	}

	private long count(String sql, String runId) {
		Long n = jdbc.queryForObject(sql, Long.class, runId);
		return n == null ? 0 : n;
	}

	/**
	 * What a rollback run undid: {@code associationsRemoved} by HubSpot from-type,
	 * {@code recordsRestored} and {@code recordsArchived} by Cliniko object, {@code schemaRemoved}
	 * by kind.
	 */
	public Map<String, Map<String, Long>> undoneBy(String rollbackRunId) {
		Map<String, Map<String, Long>> done = new LinkedHashMap<>();
		String[][] queries = {
				{ "associationsRemoved", "SELECT from_type, COUNT(*) FROM added_association WHERE removed_by = ? GROUP BY from_type" },
				{ "associationsPutBack", "SELECT from_type, COUNT(*) FROM removed_association WHERE restored_by = ? GROUP BY from_type" },
				{ "recordsRestored", "SELECT object_type, COUNT(*) FROM before_image WHERE restored_by = ? AND existed = TRUE"
						+ " GROUP BY object_type" },
				{ "recordsArchived", "SELECT object_type, COUNT(*) FROM run_write WHERE undone_by = ? GROUP BY object_type" },
				{ "recordsKept", "SELECT object_type, COUNT(DISTINCT cliniko_id) FROM rollback_kept WHERE run_id = ?"
						+ " GROUP BY object_type" },
				{ "schemaRemoved", "SELECT kind, COUNT(*) FROM schema_change WHERE removed_by = ? GROUP BY kind" } };
		for (String[] q : queries) {
			Map<String, Long> counts = new java.util.TreeMap<>();
			jdbc.query(q[1], rs -> {
				counts.put(rs.getString(1), rs.getLong(2));
			}, rollbackRunId);
			done.put(q[0], counts);
		}
		return done;
	}

	/**
	 * Later runs that wrote records this run wrote, or rely on them (left them unchanged, as a
	 * full migration does with its sample's records, and associated their own records to them):
	 * run id → object → records, for rollback's refusal.
	 */
	public Map<String, Map<String, Long>> laterWrites(String runId) {
		Map<String, Map<String, Long>> found = new LinkedHashMap<>();
		jdbc.query("SELECT l.run_id, l.object_type, COUNT(DISTINCT l.cliniko_id) FROM ledger_entry l"
				+ " JOIN bridge_run r ON r.run_id = l.run_id JOIN bridge_run mine ON mine.run_id = ?"
				+ " WHERE l.action IN ('CREATED', 'UPDATED', 'UNCHANGED') AND r.dry_run = FALSE AND l.run_id <> mine.run_id"
				+ " AND r.started_at >= mine.started_at"
				+ " AND EXISTS (SELECT 1 FROM ledger_entry m WHERE m.run_id = mine.run_id AND m.object_type = l.object_type"
				+ " AND m.cliniko_id = l.cliniko_id AND m.action IN ('CREATED', 'UPDATED'))"
				+ " AND NOT EXISTS (SELECT 1 FROM bridge_run rb WHERE rb.command = 'rollback' AND rb.target_run_id = l.run_id"
				+ " AND rb.status = 'COMPLETED' AND rb.dry_run = FALSE)"
				+ " GROUP BY l.run_id, l.object_type ORDER BY l.run_id, l.object_type", rs -> {
					found.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.getLong(3));
				}, runId);
		return found;
	}

	/**
	 * The audit trail of a run, row by row (entries, then rejections) as audit.csv has them:
	 * object, Cliniko id, HubSpot id, action, error, recorded at, undone by. Streamed, so a run of
	 * any size is written without holding its rows.
	 */
	public void audit(String runId, java.util.function.Consumer<String[]> row) {
		// Without a transaction the PostgreSQL driver fetches the whole result first: a run of a
		// million records would not fit a small heap (measured: OutOfMemoryError at -Xmx256m).
		ownTransaction.executeWithoutResult(status -> {
			streaming.query("SELECT object_type, cliniko_id, hubspot_id, action, recorded_at, undone_by"
					+ " FROM ledger_entry WHERE run_id = ? ORDER BY entry_id", rs -> {
						row.accept(new String[] { rs.getString(1), rs.getString(2), nz(rs.getString(3)),
								rs.getString(4), "", rs.getTimestamp(5).toInstant().toString(), nz(rs.getString(6)) });
					}, runId);
			streaming.query("SELECT object_type, cliniko_id, source_ref, field, reason, recorded_at FROM rejection"
					+ " WHERE run_id = ? ORDER BY rejection_id", rs -> {
						String where = rs.getString(3) + (rs.getString(4) == null ? "" : " field " + rs.getString(4));
						row.accept(new String[] { rs.getString(1), nz(rs.getString(2)), "", "REJECTED",
								where + ": " + rs.getString(5), rs.getTimestamp(6).toInstant().toString(), "" });
					}, runId);
		});
	}

	private static String nz(String s) {
		return s == null ? "" : s;
	}

	// ------------------------------------------------------------------ reconcile

	/** One thing reconcile found wrong. kind: missing, duplicate, value, association, extra. */
	public record Mismatch(String objectType, String clinikoId, String hubspotId, String kind, String property,
			String expected, String actual) {
	}

	/** A reconcile run's per-object totals: source records, expected in HubSpot, present, values compared. */
	public record Tally(long sourceRecords, long expected, long present, long compared) {
	}

	/** Records what one chunk of a reconcile run found (in the chunk's transaction). */
	public void reconciled(String runId, String objectType, Tally tally, List<Mismatch> mismatches) {
		jdbc.update("INSERT INTO reconcile_tally (run_id, object_type, source_records, expected, present, compared)"
				+ " VALUES (?, ?, ?, ?, ?, ?)", runId, objectType, tally.sourceRecords(), tally.expected(), tally.present(),
				tally.compared());
		mismatches(runId, mismatches);
	}

	/** Records mismatches of a reconcile run (in the caller's transaction). */
	public void mismatches(String runId, List<Mismatch> mismatches) {
		jdbc.batchUpdate("INSERT INTO reconcile_mismatch (run_id, object_type, cliniko_id, hubspot_id, kind, property,"
				+ " expected, actual) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", mismatches.stream()
					.map(m -> new Object[] { runId, m.objectType(), m.clinikoId(), truncate(m.hubspotId(), 200), m.kind(),
							truncate(m.property(), 200), truncate(m.expected(), 4000), truncate(m.actual(), 4000) })
					.toList());
	}

	/** A reconcile run's totals per object, in the order objects were reconciled. */
	public Map<String, Tally> tallies(String runId) {
		Map<String, Tally> tallies = new LinkedHashMap<>();
		jdbc.query("SELECT object_type, SUM(source_records), SUM(expected), SUM(present), SUM(compared), MIN(tally_id)"
				+ " FROM reconcile_tally WHERE run_id = ? GROUP BY object_type ORDER BY MIN(tally_id)", rs -> {
					tallies.put(rs.getString(1), new Tally(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5)));
				}, runId);
		return tallies;
	}

	/** A reconcile run's mismatches, in the order found. */
	public List<Mismatch> mismatches(String runId) {
		return jdbc.query("SELECT object_type, cliniko_id, hubspot_id, kind, property, expected, actual"
				+ " FROM reconcile_mismatch WHERE run_id = ? ORDER BY mismatch_id", (rs, i) -> new Mismatch(rs.getString(1),
						rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
						rs.getString(7)), runId);
	}
}
