package com.clinikobridge.job;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.clinikobridge.hubspot.HubSpotClient;
import com.clinikobridge.hubspot.HubSpotClient.Current;
import com.clinikobridge.hubspot.HubSpotRecord;
import com.clinikobridge.hubspot.HubSpotRecord.AssociationIntent;
import com.clinikobridge.ledger.Ledger;
import com.clinikobridge.ledger.Ledger.Mismatch;
import com.clinikobridge.ledger.Ledger.Tally;
import com.clinikobridge.mapping.ObjectMapping;

/**
 * The comparing half of a {@code reconcile} run: for one chunk of source records, as the
 * mapping turns them into HubSpot records, checks that each is in HubSpot exactly once (batch
 * read by unique ID property; for types written through the id map, by HubSpot id plus a search
 * that finds copies), that HubSpot holds the mapped property values (every record, or a
 * sample), and that its associations are there. What it finds is recorded in the chunk's
 * transaction, so a stopped reconcile resumes without counting anything twice.
 */
final class Reconciler {

	private final ActiveRun run;

	private final Ledger ledger;

	Reconciler(ActiveRun run, Ledger ledger) {
		this.run = run;
		this.ledger = ledger;
	}

	/**
	 * @param records the chunk's records that should be in HubSpot, by Cliniko id
	 * @param expected their mapped properties (references resolved), by Cliniko id
	 * @param targetIds "sourceObject/sourceKey" → HubSpot id of association targets
	 * @param sourceRecords records the chunk read from the source (including rejected and merged)
	 */
	void compare(ObjectMapping mapping, Map<String, HubSpotRecord> records, Map<String, Map<String, String>> expected,
			Map<String, String> targetIds, int sourceRecords) {
		String object = mapping.clinikoName();
		String type = mapping.hubspotType();
		HubSpotClient hubspot = run.hubspot();
		List<Mismatch> found = new ArrayList<>();
		Set<String> properties = new TreeSet<>();
		expected.values().forEach(p -> properties.addAll(p.keySet()));
		Map<String, Current> current = run.withoutUniqueId(type)
				? readThroughIdMap(hubspot, mapping, expected.keySet(), properties, found)
				: hubspot.readByUniqueId(type, mapping.idProperty(), expected.keySet(), properties);
		long compared = 0;
		for (Map.Entry<String, Map<String, String>> e : expected.entrySet()) {
			String key = e.getKey();
			Current now = current.get(key);
			if (now == null) {
				found.add(new Mismatch(object, key, null, "missing", mapping.idProperty(), key, null));
				continue;
			}
			if (!inValueSample(object, key)) {
				continue;
			}
			compared++;
			e.getValue().forEach((property, value) -> {
				String want = value == null || value.isEmpty() ? null : value;
				String held = now.values().get(property);
				if (!SampleDiff.same(want, held)) {
					found.add(new Mismatch(object, key, now.hubspotId(), "value", property, want, held));
				}
			});
		}
		found.addAll(associations(hubspot, mapping, records, current, targetIds));
		ledger.reconciled(run.runId(), object, new Tally(sourceRecords, expected.size(), current.size(), compared),
				found);
	}

	/** Deterministic value sample: about N records per object, the same ones on every run. */
	private boolean inValueSample(String object, String key) {
		int n = run.reconcileSample();
		if (n <= 0) {
			return true;
		}
		long total = run.total(object);
		if (total <= n) {
			return true;
		}
		return Math.floorMod(key.hashCode() * 0x9E3779B1L, total) < n;
	}

	/**
	 * Types without a unique ID property: read by the HubSpot id in the id map, and search by the
	 * Cliniko id for records the id map lacks and for copies (more than one record per id).
	 */
	private Map<String, Current> readThroughIdMap(HubSpotClient hubspot, ObjectMapping mapping, Set<String> keys,
			Set<String> properties, List<Mismatch> found) {
		String type = mapping.hubspotType();
		Map<String, Set<String>> idsByKey = new LinkedHashMap<>();
		ledger.mapped(mapping.clinikoName(), keys)
			.forEach((key, m) -> idsByKey.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(m.hubspotId()));
		Map<String, Map<String, String>> byId = hubspot.read(type,
				idsByKey.values().stream().flatMap(Set::stream).toList(), new ArrayList<>(properties));
		idsByKey.values().forEach(ids -> ids.retainAll(byId.keySet()));
		hubspot.searchAll(type, mapping.idProperty(), new ArrayList<>(keys))
			.forEach((key, ids) -> idsByKey.computeIfAbsent(key, k -> new LinkedHashSet<>()).addAll(ids));
		List<String> unread = idsByKey.values().stream().flatMap(Set::stream).filter(id -> !byId.containsKey(id)).toList();
		byId.putAll(hubspot.read(type, unread, new ArrayList<>(properties)));
		Map<String, Current> current = new HashMap<>();
		idsByKey.forEach((key, ids) -> {
			if (ids.isEmpty()) {
				return;
			}
			String first = ids.iterator().next();
			current.put(key, new Current(first, byId.getOrDefault(first, Map.of())));
			if (ids.size() > 1) {
				found.add(new Mismatch(mapping.clinikoName(), key, String.join(" ", ids), "duplicate",
						mapping.idProperty(), "1 record", ids.size() + " records"));
			}
		});
		return current;
	}

	/** Each present record's mapped associations, checked with one v4 batch read per target type. */
	private static List<Mismatch> associations(HubSpotClient hubspot, ObjectMapping mapping,
			Map<String, HubSpotRecord> records, Map<String, Current> current, Map<String, String> targetIds) {
		Map<String, List<String[]>> wanted = new LinkedHashMap<>();
		records.forEach((key, r) -> {
			Current now = current.get(key);
			if (now == null) {
				return;
			}
			for (AssociationIntent a : r.associations()) {
				String toId = targetIds.get(a.toSourceObject() + "/" + a.toSourceKey());
				if (toId != null && !toId.isEmpty()) {
					wanted.computeIfAbsent(a.toObjectType(), k -> new ArrayList<>())
						.add(new String[] { key, now.hubspotId(), toId });
				}
			}
		});
		List<Mismatch> found = new ArrayList<>();
		wanted.forEach((toType, list) -> {
			Map<String, Map<String, Set<Integer>>> held = hubspot.associated(mapping.hubspotType(), toType,
					list.stream().map(w -> w[1]).toList());
			for (String[] w : list) {
				if (!held.getOrDefault(w[1], Map.of()).containsKey(w[2])) {
					found.add(new Mismatch(mapping.clinikoName(), w[0], w[1], "association", toType, w[2], null));
				}
			}
		});
		return found;
	}
}
