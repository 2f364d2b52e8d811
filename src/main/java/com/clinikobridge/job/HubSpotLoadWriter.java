package com.clinikobridge.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.time.Instant;

import com.clinikobridge.http.ApiUnavailableException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.clinikobridge.hubspot.HubSpotClient;
import com.clinikobridge.hubspot.HubSpotClient.Association;
import com.clinikobridge.hubspot.HubSpotClient.Current;
import com.clinikobridge.ledger.Ledger.AddedAssociation;
import com.clinikobridge.ledger.Ledger.BeforeImage;
import com.clinikobridge.hubspot.HubSpotClient.UpsertOutcome;
import com.clinikobridge.hubspot.HubSpotClient.Written;
import com.clinikobridge.hubspot.HubSpotRecord;
import com.clinikobridge.hubspot.HubSpotRecord.AssociationIntent;
import com.clinikobridge.hubspot.HubSpotRecord.Reference;
import com.clinikobridge.ledger.Ledger;
import com.clinikobridge.mapping.ObjectMapping;
import com.clinikobridge.ledger.Ledger.Action;
import com.clinikobridge.ledger.Ledger.Entry;
import com.clinikobridge.ledger.Ledger.Mapped;
import com.clinikobridge.ledger.Ledger.Rejected;
import com.clinikobridge.ledger.WriteProofs;
import com.clinikobridge.ledger.WriteProofs.Proof;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;

/**
 * Writes one chunk of mapped records (ARCHITECTURE.md, one record's trip): resolves association
 * targets through the ledger, skips records whose properties are unchanged since the last
 * write, upserts the rest on their unique ID property, creates the associations with batch v4
 * calls, then records the ledger entries and rejections in the chunk's transaction.
 *
 * <p>
 * Replaying a chunk (after a lost response, a crash or a restart) is harmless: the upsert is
 * keyed on the Cliniko id, and a record that is new to the id map but was created in HubSpot
 * after the run started is counted as created by this run.
 */
class HubSpotLoadWriter implements ItemWriter<HubSpotRecord> {

	private static final Logger log = LoggerFactory.getLogger(HubSpotLoadWriter.class);

	private final ActiveRun run;

	private final Ledger ledger;

	private final WriteProofs proofs;

	HubSpotLoadWriter(ActiveRun run, Ledger ledger, WriteProofs proofs) {
		this.run = run;
		this.ledger = ledger;
		this.proofs = proofs;
	}

	@Override
	public void write(Chunk<? extends HubSpotRecord> chunk) {
		if (chunk.isEmpty()) {
			return;
		}
		String object = chunk.getItems().get(0).sourceObject();
		ObjectMapping mapping = ObjectMapping.byName(object).orElseThrow();
		List<Rejected> rejected = new ArrayList<>();
		List<Entry> merged = new ArrayList<>();
		List<HubSpotRecord> mergedRecords = new ArrayList<>();
		Map<String, HubSpotRecord> valid = new LinkedHashMap<>();
		for (HubSpotRecord r : chunk.getItems()) {
			String tooLong = r.isRejected() ? null : tooLong(r);
			if (r.isRejected()) {
				rejected.add(new Rejected(object, r.sourceRef(), r.sourceKey(), r.rejection().field(),
						r.rejection().reason()));
			}
			else if (r.mergedInto() != null) {
				ledger.recordMerge(run.runId(), object, r.sourceKey(), r.mergedInto());
				mergedRecords.add(r);
			}
			else if (tooLong != null) {
				rejected.add(new Rejected(object, r.sourceRef(), r.sourceKey(), tooLong, "value is "
						+ r.properties().get(tooLong).length() + " characters; HubSpot keeps at most " + MAX_VALUE
						+ " in a property"));
			}
			else if (valid.containsKey(r.sourceKey())) {
				rejected.add(new Rejected(object, r.sourceRef(), r.sourceKey(), "id",
						"duplicate of " + valid.get(r.sourceKey()).sourceRef() + " (same Cliniko id)"));
			}
			else {
				valid.put(r.sourceKey(), r);
			}
		}

		Set<String> markers = markMergedAway(mergedRecords, valid, merged);
		Map<String, String> targetIds = resolveTargets(valid, rejected, object);
		if (run.reconciling()) {
			Map<String, Map<String, String>> expected = new LinkedHashMap<>();
			valid.forEach((key, r) -> expected.put(key, withReferences(r, targetIds)));
			new Reconciler(run, ledger).compare(mapping, valid, expected, targetIds, chunk.size());
			return;
		}
		Map<String, Mapped> before = ledger.mapped(object, valid.keySet());
		Map<String, String> hashes = new HashMap<>();
		List<Entry> entries = new ArrayList<>(merged);
		Map<String, Map<String, String>> toSend = new LinkedHashMap<>();
		for (HubSpotRecord r : valid.values()) {
			Map<String, String> properties = withReferences(r, targetIds);
			String hash = hash(properties, r, targetIds);
			hashes.put(r.sourceKey(), hash);
			Mapped m = before.get(r.sourceKey());
			if (m != null && hash.equals(m.contentHash()) && !run.repairing()) {
				entries.add(new Entry(r.sourceKey(), m.hubspotId(), Action.UNCHANGED, hash));
			}
			else {
				toSend.put(r.sourceKey(), properties);
			}
		}

		String sharedEmail = run.mapping().property(ObjectMapping.PATIENTS, "shared_email");
		if (mapping == ObjectMapping.PATIENTS && sharedEmail != null) {
			toSend.values().stream().filter(p -> p.containsKey(sharedEmail)).forEach(p -> run.sharedEmail());
		}
		if (run.dryRun()) {
			for (String key : toSend.keySet()) {
				entries.add(new Entry(key, null, before.containsKey(key) ? Action.WOULD_UPDATE : Action.WOULD_CREATE,
						hashes.get(key)));
				run.addPreview(object, toSend.get(key));
			}
		}
		else if (!toSend.isEmpty()) {
			HubSpotClient hubspot = run.hubspot();
			Map<String, BeforeImage> images = captureBeforeImages(hubspot, mapping, toSend, before);
			Set<String> mappedKeys = new HashSet<>(before.keySet());
			if (run.repairing()) {
				keepOnlyDrifted(toSend, before, images, hashes, entries);
				if (toSend.isEmpty()) {
					ledger.record(run.runId(), object, entries);
					ledger.reject(run.runId(), rejected);
					return;
				}
			}
			Map<String, Written> createdInline = createNew(hubspot, mapping, toSend, before, images, valid, targetIds);
			Set<String> created = new HashSet<>(prove(object, createdInline, toSend, images));
			created.addAll(settleUnconfirmed(hubspot, mapping, toSend, before, images, createdInline.keySet()));
			Map<String, Map<String, String>> rest = new LinkedHashMap<>(toSend);
			rest.keySet().removeAll(createdInline.keySet());
			UpsertOutcome outcome = rest.isEmpty() ? new UpsertOutcome(new LinkedHashMap<>(), new LinkedHashMap<>())
					: run.withoutUniqueId(mapping.hubspotType()) ? writeThroughIdMap(hubspot, mapping, rest, before)
							: hubspot.upsert(mapping.hubspotType(), mapping.idProperty(), rest);
			created.addAll(prove(object, outcome.written(), toSend, images));
			outcome.written().putAll(createdInline);
			outcome.refused().forEach((key, message) -> rejected
				.add(new Rejected(object, valid.get(key).sourceRef(), key, null, "HubSpot refused it: " + message)));
			Map<String, List<Association>> associations = new LinkedHashMap<>();
			Map<String, String> targets = new LinkedHashMap<>();
			if (run.sample() != null) {
				toSend.forEach((key, properties) -> run.recordSent(object, key, properties,
						valid.get(key).sourceValues()));
			}
			outcome.written().forEach((key, written) -> {
				entries.add(new Entry(key, written.hubspotId(), created.contains(key) ? Action.CREATED : Action.UPDATED,
						hashes.get(key)));
				Set<String> to = new java.util.TreeSet<>();
				for (Target t : targets(valid.get(key), targetIds)) {
					if (!createdInline.containsKey(key)) {
						associations.computeIfAbsent(t.toObjectType(), k -> new ArrayList<>())
							.add(new Association(written.hubspotId(), t.toId(), t.typeId()));
					}
					to.add(t.toObjectType() + ":" + t.toId() + ":" + t.typeId());
				}
				if (!markers.contains(key)) {
					targets.put(key, String.join(" ", to)); // a merged-away contact keeps its associations
				}
			});
			removeMovedAssociations(hubspot, mapping, outcome, before, targets);
			noteAddedAssociations(hubspot, mapping, associations, images, outcome);
			Set<String> unsettled = new HashSet<>();
			associations.forEach((toType, list) -> {
				List<String> refused = hubspot.associate(mapping.hubspotType(), toType, list);
				if (!refused.isEmpty()) {
					run.associationFailed(refused.size());
					log.warn("HubSpot refused {} of {} {}→{} associations", refused.size(), list.size(),
							mapping.hubspotType(), toType);
					list.forEach(a -> unsettled.add(a.fromId()));
				}
			});
			// Records whose associations did not all land keep no hash, so the next run sends them again.
			entries.replaceAll(e -> unsettled.contains(e.hubspotId())
					? new Entry(e.clinikoId(), e.hubspotId(), e.action(), null) : e);
			ledger.record(run.runId(), object, entries, mappedKeys, targets);
			ledger.reject(run.runId(), rejected);
			return;
		}
		ledger.record(run.runId(), object, entries);
		ledger.reject(run.runId(), rejected);
	}

	/**
	 * Patients merged away in Cliniko after their contact was written: the contact stays (its
	 * history may matter) and is marked, {@code cliniko_merged_into} = the survivor's id and
	 * archived, through the normal write (before-image, hash); its associations stay. Those
	 * never written are only counted (merged).
	 * @return the Cliniko ids turned into markers
	 */
	private Set<String> markMergedAway(List<HubSpotRecord> mergedRecords, Map<String, HubSpotRecord> valid,
			List<Entry> merged) {
		Set<String> markers = new HashSet<>();
		if (mergedRecords.isEmpty()) {
			return markers;
		}
		String object = mergedRecords.get(0).sourceObject();
		Map<String, Mapped> mapped = ledger.mapped(object, mergedRecords.stream().map(HubSpotRecord::sourceKey).toList());
		String mergedInto = run.mapping().property(ObjectMapping.PATIENTS, "merged_into");
		String archived = run.mapping().property(ObjectMapping.PATIENTS, "archived");
		for (HubSpotRecord r : mergedRecords) {
			if (!mapped.containsKey(r.sourceKey()) || mergedInto == null || valid.containsKey(r.sourceKey())) {
				merged.add(new Entry(r.sourceKey(), null, Action.MERGED, null));
				continue;
			}
			Map<String, String> marker = new LinkedHashMap<>();
			marker.put(ObjectMapping.PATIENTS.idProperty(), r.sourceKey());
			marker.put(mergedInto, r.mergedInto());
			if (archived != null) {
				marker.put(archived, "true");
			}
			valid.put(r.sourceKey(), HubSpotRecord.of(r.objectType(), object, r.sourceKey(), r.sourceRef(),
					ObjectMapping.PATIENTS.idProperty(), marker, Map.of(), List.of(), List.of()));
			markers.add(r.sourceKey());
		}
		return markers;
	}

	/**
	 * Records whose association target moved (a merged patient's appointments now belong to the
	 * survivor) lose the association to the old target; noted first, so rollback can put it back.
	 */
	private void removeMovedAssociations(HubSpotClient hubspot, ObjectMapping mapping, UpsertOutcome outcome,
			Map<String, Mapped> before, Map<String, String> targets) {
		Map<String, List<Association>> stale = new LinkedHashMap<>();
		List<AddedAssociation> noted = new ArrayList<>();
		outcome.written().forEach((key, written) -> {
			Mapped previous = before.get(key);
			if (previous == null || previous.associationTargets() == null || previous.associationTargets().isEmpty()
					|| !targets.containsKey(key)) {
				return;
			}
			Set<String> now = Set.of(targets.getOrDefault(key, "").split(" "));
			for (String target : previous.associationTargets().split(" ")) {
				String[] t = target.split(":");
				if (!now.contains(target) && t.length == 3) {
					stale.computeIfAbsent(t[0], k -> new ArrayList<>())
						.add(new Association(written.hubspotId(), t[1], Integer.parseInt(t[2])));
					noted.add(new AddedAssociation(0, mapping.hubspotType(), written.hubspotId(), t[0], t[1],
							Integer.parseInt(t[2]), false));
				}
			}
		});
		if (noted.isEmpty()) {
			return;
		}
		ledger.noteRemovedAssociations(run.runId(), noted);
		// Only the type the bridge wrote (for its unlabeled default types HubSpot removes the labels too).
		stale.forEach((toType, list) -> hubspot.unassociate(mapping.hubspotType(), toType, list, true));
	}

	/**
	 * Reads, in one batch per 100 records, what HubSpot holds now for the records about to be
	 * sent (by unique ID property, or by HubSpot id for types written through the id map), and
	 * stores each record's before-image: whether it existed and the old values of exactly the
	 * properties this write changes. Stored before the write is sent, and never overwritten, so
	 * a replayed chunk keeps the state from before the run.
	 * @return the stored image per Cliniko id
	 */
	private Map<String, BeforeImage> captureBeforeImages(HubSpotClient hubspot, ObjectMapping mapping,
			Map<String, Map<String, String>> toSend, Map<String, Mapped> before) {
		Set<String> properties = new java.util.TreeSet<>();
		toSend.values().forEach(p -> properties.addAll(p.keySet()));
		Map<String, Current> current = new HashMap<>();
		// A first migration into a portal without any of these records needs no reads: one count
		// (CRM search) per object instead of a batch read per chunk. The count is only a hint (the
		// search index lags): each record is then sent as a batch/create, which HubSpot refuses for
		// a record that already holds the unique value, and settleUnconfirmed reads those. A
		// restart after committed chunks reads again; records an earlier attempt sent already have
		// their image.
		boolean fresh = run.freshInHubSpot(mapping.clinikoName(), () -> !ledger.hasMapped(mapping.clinikoName())
				&& hubspot.count(mapping.hubspotType(), mapping.idProperty(), null) == 0);
		if (fresh) {
			// nothing to read: every record is new to HubSpot
		}
		else if (run.withoutUniqueId(mapping.hubspotType())) {
			Map<String, String> keyById = new HashMap<>();
			toSend.keySet().stream().filter(before::containsKey).forEach(k -> keyById.put(before.get(k).hubspotId(), k));
			hubspot.read(mapping.hubspotType(), new ArrayList<>(keyById.keySet()), new ArrayList<>(properties))
				.forEach((id, values) -> current.put(keyById.get(id), new Current(id, values)));
		}
		else {
			current.putAll(hubspot.readByUniqueId(mapping.hubspotType(), mapping.idProperty(), toSend.keySet(),
					properties));
		}
		List<BeforeImage> images = new ArrayList<>();
		toSend.forEach((key, sent) -> images.add(image(mapping, key, sent, current.get(key))));
		return ledger.saveBeforeImages(run.runId(), mapping.clinikoName(), images);
	}

	/**
	 * Notes at once what HubSpot answered for these records (docs/safety.md): created only when
	 * HubSpot said so ({@code Written.isNew}).
	 * @return the records this run has proven it created, of those given (earlier attempts included)
	 */
	private Set<String> prove(String object, Map<String, Written> written, Map<String, Map<String, String>> sent,
			Map<String, BeforeImage> images) {
		Map<String, Proof> answered = new LinkedHashMap<>();
		written.forEach((key, w) -> answered.put(key, new Proof(w.hubspotId(), w.isNew() || createdByRun(w, images.get(key)),
				sent.get(key))));
		return proofs.prove(run.runId(), object, answered);
	}

	/**
	 * A record whose image says HubSpot did not hold it when this run read it, and that HubSpot
	 * says it created after the run started: an earlier attempt of this run created it and its
	 * answer was lost (a retried upsert answers {@code new: false} for it).
	 */
	private boolean createdByRun(Written w, BeforeImage image) {
		return image != null && !image.existed() && w.createdAt() != null && !w.createdAt().isBefore(run.startedAt());
	}

	/**
	 * Records whose before-image says HubSpot did not hold them, but which {@code batch/create}
	 * did not create (HubSpot refused the batch, most often because a record already holds the
	 * unique value, or the answer was lost and the retry found it). A first attempt of this run
	 * may have proved it created them; otherwise they are read by unique ID (a consistent read):
	 * one HubSpot says it created after this run started was created by this run (its answer was
	 * lost), any other existed before the run, and its before-image is replaced by what HubSpot
	 * holds, so rollback restores it instead of archiving it.
	 * @return the records among them this run created
	 */
	private Set<String> settleUnconfirmed(HubSpotClient hubspot, ObjectMapping mapping,
			Map<String, Map<String, String>> toSend, Map<String, Mapped> before, Map<String, BeforeImage> images,
			Set<String> createdInline) {
		if (run.withoutUniqueId(mapping.hubspotType()) || mapping.idProperty() == null) {
			return Set.of();
		}
		List<String> unconfirmed = toSend.keySet().stream().filter(k -> !createdInline.contains(k)
				&& !before.containsKey(k) && images.get(k) != null && !images.get(k).existed()).toList();
		if (unconfirmed.isEmpty()) {
			return Set.of();
		}
		run.notFresh(mapping.clinikoName()); // HubSpot holds some: read before-images from now on
		Set<String> created = new HashSet<>();
		proofs.byClinikoId(run.runId(), mapping.clinikoName(), unconfirmed).forEach((key, w) -> {
			if (w.created()) {
				created.add(key);
			}
		});
		Set<String> properties = new java.util.TreeSet<>();
		toSend.values().forEach(p -> properties.addAll(p.keySet()));
		List<String> toRead = unconfirmed.stream().filter(k -> !created.contains(k)).toList();
		Map<String, Current> current = toRead.isEmpty() ? Map.of()
				: hubspot.readByUniqueId(mapping.hubspotType(), mapping.idProperty(), toRead, properties);
		Map<String, Written> lostAnswers = new LinkedHashMap<>();
		List<BeforeImage> existed = new ArrayList<>();
		current.forEach((key, now) -> {
			if (now.createdAt() != null && !now.createdAt().isBefore(run.startedAt())) {
				lostAnswers.put(key, new Written(now.hubspotId(), true, now.createdAt()));
			}
			else {
				BeforeImage image = image(mapping, key, toSend.get(key), now);
				existed.add(image);
				images.put(key, image);
			}
		});
		ledger.beforeImagesExisted(run.runId(), mapping.clinikoName(), existed);
		created.addAll(prove(mapping.clinikoName(), lostAnswers, toSend, images));
		return created;
	}

	/** A before-image of a record HubSpot holds: the old values of the properties this write changes. */
	private static BeforeImage image(ObjectMapping mapping, String key, Map<String, String> sent, Current now) {
		Map<String, String> changed = new LinkedHashMap<>();
		if (now != null) {
			sent.forEach((property, value) -> {
				String old = now.values().get(property);
				if (!(old == null ? "" : old).equals(value == null ? "" : value)) {
					changed.put(property, old);
				}
			});
		}
		return new BeforeImage(0, mapping.clinikoName(), key, now == null ? null : now.hubspotId(), now != null,
				changed);
	}

	/**
	 * {@code reconcile --repair}: of the records whose mapped values did not change in Cliniko
	 * (same hash as last written), only those HubSpot no longer holds as written are sent: a value
	 * that drifted is written again, a record that is gone is created again (it leaves the id map's
	 * view here, so it is created, not updated); the rest count as unchanged.
	 */
	private void keepOnlyDrifted(Map<String, Map<String, String>> toSend, Map<String, Mapped> before,
			Map<String, BeforeImage> images, Map<String, String> hashes, List<Entry> entries) {
		for (String key : List.copyOf(toSend.keySet())) {
			Mapped m = before.get(key);
			BeforeImage image = images.get(key);
			if (m == null || !hashes.get(key).equals(m.contentHash()) || image == null) {
				continue; // changed in Cliniko (or new): the normal write
			}
			Map<String, String> sent = toSend.get(key);
			if (image.existed() && image.properties().entrySet().stream()
				.allMatch(e -> RollbackChecks.same(sent.get(e.getKey()), e.getValue()))) {
				toSend.remove(key);
				entries.add(new Entry(key, m.hubspotId(), Action.UNCHANGED, hashes.get(key)));
			}
			else if (!image.existed()) {
				before.remove(key);
			}
		}
	}

	/** HubSpot's limit on a property value, in characters. */
	static final int MAX_VALUE = 65_536;

	/** The first property whose value HubSpot would refuse as too long, or null. */
	private static String tooLong(HubSpotRecord r) {
		for (Map.Entry<String, String> p : r.properties().entrySet()) {
			if (p.getValue() != null && p.getValue().length() > MAX_VALUE) {
				return p.getKey();
			}
		}
		return null;
	}

	/** An association target in HubSpot: its object type, record id and the association type id. */
	private record Target(String toObjectType, String toId, int typeId) {
	}

	/** The record's associations whose targets are in HubSpot (the others are left out). */
	private static List<Target> targets(HubSpotRecord r, Map<String, String> targetIds) {
		List<Target> targets = new ArrayList<>();
		for (AssociationIntent intent : r.associations()) {
			String toId = targetIds.get(intent.toSourceObject() + "/" + intent.toSourceKey());
			if (toId != null && !toId.isEmpty()) {
				targets.add(new Target(intent.toObjectType(), toId, intent.typeId()));
			}
		}
		return targets;
	}

	/**
	 * Creates, with their associations inline, the records HubSpot does not hold: the before-image
	 * says the record did not exist and the id map does not know it. A first migration then costs
	 * one request per 100 records instead of an upsert plus an association pass. Only for types
	 * keyed by a unique ID property, so a replayed chunk whose records an earlier attempt created
	 * fails on the unique value and those records go the upsert way, as does anything HubSpot
	 * refuses here.
	 * @return the records created, by Cliniko id
	 */
	private Map<String, Written> createNew(HubSpotClient hubspot, ObjectMapping mapping,
			Map<String, Map<String, String>> toSend, Map<String, Mapped> before, Map<String, BeforeImage> images,
			Map<String, HubSpotRecord> valid, Map<String, String> targetIds) {
		if (run.withoutUniqueId(mapping.hubspotType()) || mapping.idProperty() == null) {
			return Map.of();
		}
		Map<String, Map<String, String>> creates = new LinkedHashMap<>();
		Map<String, List<Association>> links = new HashMap<>();
		toSend.forEach((key, properties) -> {
			BeforeImage image = images.get(key);
			if (image == null || image.existed() || before.containsKey(key)) {
				return;
			}
			creates.put(key, properties);
			links.put(key, targets(valid.get(key), targetIds).stream()
				.map(t -> new Association(null, t.toId(), t.typeId()))
				.toList());
		});
		return creates.isEmpty() ? Map.of()
				: hubspot.createAssociated(mapping.hubspotType(), mapping.idProperty(), creates, links);
	}

	/**
	 * Notes, before they are sent, the associations this write adds from records that existed
	 * before the run: to records they had no association with, or of a type they did not have
	 * yet. (Associations of records the run created go when rollback archives those records.)
	 */
	private void noteAddedAssociations(HubSpotClient hubspot, ObjectMapping mapping,
			Map<String, List<Association>> associations, Map<String, BeforeImage> images, UpsertOutcome outcome) {
		Set<String> existedIds = new HashSet<>();
		outcome.written().forEach((key, written) -> {
			BeforeImage image = images.get(key);
			if (image != null && image.existed()) {
				existedIds.add(written.hubspotId());
			}
		});
		if (existedIds.isEmpty()) {
			return;
		}
		List<AddedAssociation> added = new ArrayList<>();
		associations.forEach((toType, list) -> {
			List<Association> fromExisting = list.stream().filter(a -> existedIds.contains(a.fromId())).toList();
			if (fromExisting.isEmpty()) {
				return;
			}
			Map<String, Map<String, Set<Integer>>> had = hubspot.associated(mapping.hubspotType(), toType,
					fromExisting.stream().map(Association::fromId).toList());
			for (Association a : fromExisting) {
				Set<Integer> types = had.getOrDefault(a.fromId(), Map.of()).get(a.toId());
				if (types == null || !types.contains(a.typeId())) {
					added.add(new AddedAssociation(0, mapping.hubspotType(), a.fromId(), toType, a.toId(), a.typeId(),
							types != null));
				}
			}
		});
		ledger.noteAddedAssociations(run.runId(), added);
	}

	/**
	 * Writes for a portal that refused the unique ID property: records in the id map are
	 * updated by HubSpot id; records a crashed attempt may have created (pending notes) are
	 * looked up by their Cliniko id property and adopted; the rest are created, after a pending
	 * note is committed for them. A create whose answer is lost (a fault, a timeout, a garbled
	 * body) is resolved within the run: once the search index has caught up
	 * ({@code HUBSPOT_SEARCH_LAG_MS}) what landed is adopted and the rest is created again, until
	 * the retry budget is spent. No record is ever created twice.
	 */
	private UpsertOutcome writeThroughIdMap(HubSpotClient hubspot, ObjectMapping mapping,
			Map<String, Map<String, String>> toSend, Map<String, Mapped> before) {
		String object = mapping.clinikoName();
		Map<String, String> hubspotIds = new LinkedHashMap<>();
		toSend.keySet().stream().filter(before::containsKey).forEach(k -> hubspotIds.put(k, before.get(k).hubspotId()));
		List<String> unmapped = toSend.keySet().stream().filter(k -> !before.containsKey(k)).toList();
		Map<String, Current> adopted = adopt(hubspot, mapping, ledger.pendingCreates(object, unmapped), true);
		adopted.forEach((key, found) -> hubspotIds.put(key, found.hubspotId()));
		UpsertOutcome outcome = new UpsertOutcome(new LinkedHashMap<>(), new LinkedHashMap<>());
		Map<String, Map<String, String>> updates = new LinkedHashMap<>();
		hubspotIds.forEach((key, id) -> updates.put(id, toSend.get(key)));
		Map<String, String> refusedIds = hubspot.update(mapping.hubspotType(), updates);
		hubspotIds.forEach((key, id) -> {
			if (refusedIds.containsKey(id)) {
				outcome.refused().put(key, refusedIds.get(id));
			}
			else {
				Instant createdAt = adopted.containsKey(key) ? adopted.get(key).createdAt() : null;
				outcome.written().put(key, new Written(id, false, createdAt));
			}
		});
		Map<String, Map<String, String>> creates = new LinkedHashMap<>();
		toSend.forEach((key, properties) -> {
			if (!hubspotIds.containsKey(key)) {
				creates.put(key, properties);
			}
		});
		createResolvingLostAnswers(hubspot, mapping, creates, outcome);
		ledger.createsSettled(object, outcome.written().keySet());
		return outcome;
	}

	/**
	 * Creates records without a unique ID property. After a lost answer, waits for the search
	 * index, adopts the records that landed (with HubSpot's createdAt, which proves this run made
	 * them) and creates the others again, at most as many times as the retry budget allows.
	 * @throws ApiUnavailableException when answers are still lost after the last attempt
	 */
	private void createResolvingLostAnswers(HubSpotClient hubspot, ObjectMapping mapping,
			Map<String, Map<String, String>> creates, UpsertOutcome outcome) {
		Map<String, Map<String, String>> open = new LinkedHashMap<>(creates);
		int attempts = run.settings().retryBudget().maxAttempts();
		for (int attempt = 1; !open.isEmpty(); attempt++) {
			ledger.pendingCreates(run.runId(), mapping.clinikoName(), open.keySet());
			HubSpotClient.Created created = hubspot.create(mapping.hubspotType(), mapping.idProperty(), open);
			outcome.written().putAll(created.outcome().written());
			outcome.refused().putAll(created.outcome().refused());
			if (created.unanswered().isEmpty()) {
				return;
			}
			if (attempt >= attempts) {
				throw new ApiUnavailableException("HubSpot did not answer " + created.unanswered().size() + " "
						+ mapping.hubspotType() + " create(s) in " + attempt + " attempts; restart the run to resume");
			}
			log.info("{} {} create(s) unanswered; looking them up after the search lag", created.unanswered().size(),
					mapping.hubspotType());
			Map<String, Current> landed = adopt(hubspot, mapping, created.unanswered(), false);
			landed.forEach((key, found) -> outcome.written().put(key, new Written(found.hubspotId(), false,
					found.createdAt())));
			open.keySet().retainAll(created.unanswered());
			open.keySet().removeAll(landed.keySet());
		}
	}

	/**
	 * Looks records up by their Cliniko id property (CRM search), waiting for the search index
	 * first ({@code HUBSPOT_SEARCH_LAG_MS}) unless {@code lookFirst}, which looks once before
	 * waiting (a restart long after the crash needs no wait).
	 * @return Cliniko id → the oldest record found
	 */
	private Map<String, Current> adopt(HubSpotClient hubspot, ObjectMapping mapping, List<String> keys,
			boolean lookFirst) {
		Map<String, Current> found = new HashMap<>();
		if (keys.isEmpty()) {
			return found;
		}
		if (lookFirst) {
			hubspot.searchCurrent(mapping.hubspotType(), mapping.idProperty(), keys)
				.forEach((key, records) -> found.put(key, records.get(0)));
			if (found.size() == keys.size()) {
				return found;
			}
		}
		sleep(run.settings().searchLag());
		hubspot.searchCurrent(mapping.hubspotType(), mapping.idProperty(), keys)
			.forEach((key, records) -> found.put(key, records.get(0)));
		return found;
	}

	private static void sleep(java.time.Duration wait) {
		try {
			Thread.sleep(wait.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * Looks up the HubSpot ids of association and reference targets (following merges); a
	 * record whose required target is not in HubSpot (rejected or never migrated) is moved to
	 * the rejections, an optional one is simply left out.
	 * @return "sourceObject/sourceKey" → HubSpot id ("" in dry runs)
	 */
	private Map<String, String> resolveTargets(Map<String, HubSpotRecord> valid, List<Rejected> rejected,
			String object) {
		Map<String, Set<String>> wanted = new HashMap<>();
		for (HubSpotRecord r : valid.values()) {
			for (AssociationIntent a : r.associations()) {
				wanted.computeIfAbsent(a.toSourceObject(), k -> new HashSet<>()).add(a.toSourceKey());
			}
			for (Reference ref : r.references()) {
				wanted.computeIfAbsent(ref.toSourceObject(), k -> new HashSet<>()).add(ref.toSourceKey());
			}
		}
		Map<String, String> resolved = new HashMap<>();
		wanted.forEach((target, keys) -> ledger.resolvable(run.runId(), run.dryRun(), target, keys)
			.forEach((key, hubspotId) -> resolved.put(target + "/" + key, hubspotId)));
		valid.values().removeIf(r -> {
			for (AssociationIntent a : r.associations()) {
				if (a.required() && !resolved.containsKey(a.toSourceObject() + "/" + a.toSourceKey())) {
					rejected.add(new Rejected(object, r.sourceRef(), r.sourceKey(), a.toSourceObject(),
							singular(a.toSourceObject()) + " " + a.toSourceKey()
									+ " is not in HubSpot (rejected or not in the source)"));
					return true;
				}
			}
			return false;
		});
		return resolved;
	}

	/** The record's properties plus its resolved references (e.g. {@code hs_product_id}). */
	private static Map<String, String> withReferences(HubSpotRecord r, Map<String, String> targetIds) {
		if (r.references().isEmpty()) {
			return r.properties();
		}
		Map<String, String> properties = new LinkedHashMap<>(r.properties());
		for (Reference ref : r.references()) {
			String id = targetIds.get(ref.toSourceObject() + "/" + ref.toSourceKey());
			if (id != null && !id.isEmpty()) {
				properties.put(ref.property(), id);
			}
		}
		return properties;
	}

	private static String singular(String object) {
		return object.endsWith("s") ? object.substring(0, object.length() - 1) : object;
	}

	static String hash(Map<String, String> properties, HubSpotRecord r, Map<String, String> targetIds) {
		StringBuilder canonical = new StringBuilder();
		new TreeMap<>(properties).forEach((k, v) -> canonical.append(k).append('=').append(v).append('\n'));
		for (AssociationIntent a : r.associations()) {
			canonical.append("->")
				.append(a.toObjectType())
				.append(':')
				.append(targetIds.get(a.toSourceObject() + "/" + a.toSourceKey()))
				.append(':')
				.append(a.typeId())
				.append('\n');
		}
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
