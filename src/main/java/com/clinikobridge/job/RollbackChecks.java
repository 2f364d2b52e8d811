package com.clinikobridge.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.clinikobridge.hubspot.HubSpotClient;
import com.clinikobridge.hubspot.HubSpotClient.Current;
import com.clinikobridge.ledger.Ledger.BeforeImage;
import com.clinikobridge.ledger.WriteProofs;
import com.clinikobridge.ledger.WriteProofs.Kept;
import com.clinikobridge.ledger.WriteProofs.ProvenWrite;
import com.clinikobridge.mapping.ObjectMapping;

/**
 * What rollback may do to a page of records, decided from what HubSpot holds now (one
 * {@code batch/read} per object and 100 records) against what the rolled-back run wrote
 * (docs/safety.md). Shared by the rollback job's writers and {@code rollback --dry-run}, so the
 * dry run lists exactly what the run will keep.
 * <ul>
 * <li>A property is restored only when HubSpot still holds the value the run wrote; a value a
 * person changed after the run is kept and listed.</li>
 * <li>A record is archived only when the run proved it created it, it still carries the run's
 * Cliniko id, no earlier run of this job repository wrote it, and nobody edited what the run
 * wrote (unless {@code --force}). Anything else is kept and listed with the reason.</li>
 * </ul>
 */
final class RollbackChecks {

	/** Restores to send, by HubSpot object type → record id → property → old value; and what is kept. */
	record Restores(Map<String, Map<String, Map<String, String>>> values, List<Kept> kept) {
	}

	/** Records to archive, by HubSpot object type → ids; records kept (and why); records already gone. */
	record Archives(Map<String, List<String>> ids, List<ProvenWrite> archived, List<ProvenWrite> keptRecords,
			List<Kept> kept) {
	}

	private final HubSpotClient hubspot;

	private final WriteProofs proofs;

	private final String targetRunId;

	RollbackChecks(HubSpotClient hubspot, WriteProofs proofs, String targetRunId) {
		this.hubspot = hubspot;
		this.proofs = proofs;
		this.targetRunId = targetRunId;
	}

	/** Decides the restores of a page of before-images (records that existed before the run). */
	Restores restores(List<? extends BeforeImage> images) {
		Map<String, Map<String, Map<String, String>>> values = new LinkedHashMap<>();
		List<Kept> kept = new ArrayList<>();
		Map<String, List<BeforeImage>> byObject = new LinkedHashMap<>();
		images.stream().filter(i -> !i.properties().isEmpty() && i.hubspotId() != null)
			.forEach(i -> byObject.computeIfAbsent(i.objectType(), k -> new ArrayList<>()).add(i));
		byObject.forEach((object, list) -> {
			String type = hubspotType(object);
			Set<String> properties = new TreeSet<>();
			list.forEach(i -> properties.addAll(i.properties().keySet()));
			Map<String, Current> now = hubspot.readCurrent(type, list.stream().map(BeforeImage::hubspotId).toList(),
					properties);
			Map<String, ProvenWrite> wrote = proofs.byClinikoId(targetRunId, object,
					list.stream().map(BeforeImage::clinikoId).toList());
			for (BeforeImage image : list) {
				Current current = now.get(image.hubspotId());
				if (current == null) {
					kept.add(new Kept(object, image.clinikoId(), image.hubspotId(), null,
							"no longer in HubSpot (archived or merged after the run): nothing to restore"));
					continue;
				}
				ProvenWrite w = wrote.get(image.clinikoId());
				Map<String, String> restore = new LinkedHashMap<>();
				image.properties().forEach((property, old) -> {
					if (w != null && w.properties().containsKey(property)
							&& !same(w.properties().get(property), current.values().get(property))) {
						kept.add(new Kept(object, image.clinikoId(), image.hubspotId(), property,
								"changed in HubSpot after the run: HubSpot's value kept"));
					}
					else {
						restore.put(property, old == null ? "" : old);
					}
				});
				if (!restore.isEmpty()) {
					values.computeIfAbsent(type, k -> new LinkedHashMap<>()).put(image.hubspotId(), restore);
				}
			}
		});
		return new Restores(values, kept);
	}

	/** Decides which of a page of records the run proved it created may be archived. */
	Archives archives(List<? extends ProvenWrite> records, boolean force) {
		Map<String, List<String>> ids = new LinkedHashMap<>();
		List<ProvenWrite> archived = new ArrayList<>();
		List<ProvenWrite> keptRecords = new ArrayList<>();
		List<Kept> kept = new ArrayList<>();
		Map<String, List<ProvenWrite>> byObject = new LinkedHashMap<>();
		records.forEach(r -> byObject.computeIfAbsent(r.objectType(), k -> new ArrayList<>()).add(r));
		byObject.forEach((object, list) -> {
			ObjectMapping mapping = ObjectMapping.byName(object).orElseThrow();
			Set<String> properties = new TreeSet<>();
			list.forEach(r -> properties.addAll(r.properties().keySet()));
			if (mapping.idProperty() != null) {
				properties.add(mapping.idProperty());
			}
			Map<String, Current> now = hubspot.readCurrent(mapping.hubspotType(),
					list.stream().map(ProvenWrite::hubspotId).toList(), properties);
			Map<String, String> hubspotIds = new LinkedHashMap<>();
			list.forEach(r -> hubspotIds.put(r.clinikoId(), r.hubspotId()));
			Map<String, String> earlier = proofs.writtenEarlier(targetRunId, object, hubspotIds);
			for (ProvenWrite r : list) {
				String why = reasonToKeep(mapping, r, now.get(r.hubspotId()), earlier.get(r.clinikoId()), force);
				if (now.get(r.hubspotId()) == null) {
					archived.add(r); // already archived in HubSpot: nothing left to do
				}
				else if (why == null) {
					archived.add(r);
					ids.computeIfAbsent(mapping.hubspotType(), k -> new ArrayList<>()).add(r.hubspotId());
				}
				else {
					keptRecords.add(r);
					kept.add(new Kept(object, r.clinikoId(), r.hubspotId(), null, why));
				}
			}
		});
		return new Archives(ids, archived, keptRecords, kept);
	}

	/** Why a record the run created must be kept, or null when it may be archived. */
	private static String reasonToKeep(ObjectMapping mapping, ProvenWrite r, Current current, String earlierRun,
			boolean force) {
		if (current == null) {
			return null;
		}
		if (mapping.idProperty() != null && !r.clinikoId().equals(current.values().get(mapping.idProperty()))) {
			return "it no longer carries " + mapping.idProperty() + " " + r.clinikoId()
					+ ": it is not the record the run created any more";
		}
		if (earlierRun != null) {
			return "run " + earlierRun + " of this job repository wrote it before";
		}
		List<String> edited = r.properties().entrySet().stream()
			.filter(e -> !same(e.getValue(), current.values().get(e.getKey())))
			.map(Map.Entry::getKey)
			.toList();
		if (!edited.isEmpty() && !force) {
			return "edited in HubSpot after the run (" + String.join(", ", edited) + "); --force archives it anyway";
		}
		return null;
	}

	/** Whether HubSpot holds the value that was written (empty and absent are the same; see SampleDiff). */
	static boolean same(String written, String held) {
		return SampleDiff.same(written == null || written.isEmpty() ? null : written,
				held == null || held.isEmpty() ? null : held);
	}

	private static String hubspotType(String clinikoObject) {
		return ObjectMapping.byName(clinikoObject).orElseThrow().hubspotType();
	}
}
