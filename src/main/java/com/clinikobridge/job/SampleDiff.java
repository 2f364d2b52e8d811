package com.clinikobridge.job;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.clinikobridge.hubspot.HubSpotClient;
import com.clinikobridge.ledger.Ledger;
import com.clinikobridge.mapping.ObjectMapping;
import com.clinikobridge.report.DiffRow;

/**
 * The field-level diff of a sample run: reads every record the run wrote back from HubSpot
 * (batch reads by record id) and compares, property by property, the Cliniko value, the value
 * sent and the value HubSpot holds. Numbers compare by value and times by instant, since
 * HubSpot may write them differently (110.0 and 110, or milliseconds added). Disagreements sort
 * first.
 */
final class SampleDiff {

	private SampleDiff() {
	}

	static List<DiffRow> compute(HubSpotClient hubspot, Ledger ledger, String runId,
			Map<String, Map<String, List<Map<String, String>>>> sent) {
		List<DiffRow> rows = new ArrayList<>();
		for (ObjectMapping m : ObjectMapping.ORDER) {
			Map<String, List<Map<String, String>>> records = sent.get(m.clinikoName());
			if (records == null || records.isEmpty()) {
				continue;
			}
			Map<String, String> hubspotIds = ledger.written(runId, m.clinikoName());
			List<String> properties = records.values()
				.stream()
				.flatMap(r -> r.get(0).keySet().stream())
				.distinct()
				.sorted()
				.toList();
			List<String> ids = records.keySet().stream().map(hubspotIds::get).filter(id -> id != null).toList();
			Map<String, Map<String, String>> held = hubspot.read(m.hubspotType(), ids, properties);
			records.forEach((key, pair) -> {
				String id = hubspotIds.get(key);
				Map<String, String> holds = id == null ? Map.of() : held.getOrDefault(id, Map.of());
				pair.get(0).forEach((property, value) -> {
					String cliniko = pair.get(1).get(property);
					String inHubSpot = holds.get(property);
					rows.add(new DiffRow(m.clinikoName(), key, id, property, cliniko, value, inHubSpot,
							same(value, inHubSpot)));
				});
			});
		}
		rows.sort(Comparator.comparing(DiffRow::agrees));
		return rows;
	}

	static boolean same(String sent, String held) {
		if (sent == null || held == null) {
			return sent == null && held == null;
		}
		if (sent.equals(held) || (sent.contains("@") && sent.equalsIgnoreCase(held))) {
			return true; // HubSpot may store emails in lower case
		}
		try {
			return new BigDecimal(sent).compareTo(new BigDecimal(held)) == 0;
		}
		catch (NumberFormatException ex) {
			// not numbers
		}
		try {
			return Instant.parse(sent).equals(Instant.parse(held));
		}
		catch (DateTimeParseException ex) {
			return false;
		}
	}
}
