package com.clinikobridge.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.clinikobridge.ledger.Ledger.Mismatch;
import com.clinikobridge.ledger.Ledger.Tally;

/**
 * What a reconcile run found, for summary.json, report.txt and reconcile.html: per object the
 * source records, the records expected in HubSpot, those present, values compared, and the
 * mismatches by kind (missing, duplicate, value, association, extra).
 *
 * @param sample records per object whose values were compared (0 = every record)
 */
public record ReconcileReport(String runId, String targetRunId, String status, Map<String, Tally> tallies,
		List<Mismatch> mismatches, int sample) {

	/** The mismatch kinds, in the order reports show them. */
	public static final List<String> KINDS = List.of("missing", "duplicate", "value", "association", "extra");

	/** Per object: sourceRecords, expected, present, valuesCompared, then one count per mismatch kind. */
	public Map<String, Map<String, Long>> byObject() {
		Map<String, Map<String, Long>> out = new LinkedHashMap<>();
		tallies.forEach((object, t) -> {
			Map<String, Long> row = new LinkedHashMap<>();
			row.put("sourceRecords", t.sourceRecords());
			row.put("expected", t.expected());
			row.put("present", t.present());
			row.put("valuesCompared", t.compared());
			KINDS.forEach(k -> row.put(k, 0L));
			out.put(object, row);
		});
		for (Mismatch m : mismatches) {
			out.computeIfAbsent(m.objectType(), k -> new LinkedHashMap<>()).merge(m.kind(), 1L, Long::sum);
		}
		return out;
	}

	/** Whether Cliniko and HubSpot agree. */
	public boolean clean() {
		return mismatches.isEmpty();
	}

	/** Text lines for report.txt and the console. */
	public List<String> lines() {
		List<String> lines = new ArrayList<>();
		lines.add(clean() ? "Reconcile of run " + targetRunId + ": clean, Cliniko and HubSpot agree"
				: "Reconcile of run " + targetRunId + ": " + mismatches.size() + " mismatch(es), listed in reconcile.csv"
						+ " and reconcile.html");
		byObject().forEach((object, row) -> {
			Map<String, Long> kinds = new TreeMap<>();
			KINDS.forEach(k -> {
				if (row.getOrDefault(k, 0L) > 0) {
					kinds.put(k, row.get(k));
				}
			});
			lines.add(String.format("  %-14s %d in source, %d expected in HubSpot, %d present, %d compared%s", object,
					row.getOrDefault("sourceRecords", 0L), row.getOrDefault("expected", 0L),
					row.getOrDefault("present", 0L), row.getOrDefault("valuesCompared", 0L),
					kinds.isEmpty() ? "" : "; " + kinds));
		});
		if (sample > 0) {
			lines.add("Values compared for about " + sample + " record(s) per object (--sample); presence and"
					+ " associations for every record");
		}
		return lines;
	}
}
