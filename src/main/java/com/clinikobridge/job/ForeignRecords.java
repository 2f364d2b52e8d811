package com.clinikobridge.job;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.clinikobridge.hubspot.HubSpotClient;
import com.clinikobridge.ledger.WriteProofs;
import com.clinikobridge.mapping.ObjectMapping;

/**
 * Detects a portal served by more than one job repository (docs/safety.md): records carrying a
 * Cliniko id property that this ledger never wrote, as the search count of each object's Cliniko
 * id property beyond what the id map holds (one search request per object). They come from
 * another installation, or from a job repository that was deleted; rollback never archives them,
 * since this ledger holds no proof that one of its runs created them. The search index lags
 * writes by up to a minute, so the count is a floor.
 */
final class ForeignRecords {

	private ForeignRecords() {
	}

	/**
	 * @param objects the Cliniko objects of the run
	 * @return the report note, when the portal holds such records
	 */
	static Optional<String> note(HubSpotClient hubspot, WriteProofs proofs, Set<String> objects) {
		Map<String, Long> mapped = proofs.mappedCounts();
		List<String> parts = new ArrayList<>();
		long total = 0;
		for (ObjectMapping m : ObjectMapping.ORDER) {
			if (!objects.contains(m.clinikoName()) || m.idProperty() == null) {
				continue;
			}
			long foreign = hubspot.count(m.hubspotType(), m.idProperty(), null) - mapped.getOrDefault(m.clinikoName(), 0L);
			if (foreign > 0) {
				parts.add(foreign + " " + m.hubspotType());
				total += foreign;
			}
		}
		if (total == 0) {
			return Optional.empty();
		}
		return Optional.of("This portal already holds " + total + " record(s) written by another installation ("
				+ String.join(", ", parts) + " carry a Cliniko id this job repository never wrote): serve a portal from"
				+ " one job repository only (docs/safety.md). Their values are updated like any other, but rollback"
				+ " never archives them.");
	}
}
