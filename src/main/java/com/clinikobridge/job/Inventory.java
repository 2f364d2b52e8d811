package com.clinikobridge.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import com.clinikobridge.cliniko.ClinikoClient;
import com.clinikobridge.cliniko.ClinikoCsvExports;
import com.clinikobridge.mapping.ObjectMapping;
import com.clinikobridge.report.PlanReport.InventoryRow;

/**
 * Counts what a source holds, per object, archived and cancelled records included, at little
 * cost: from the API, {@code total_entries} of one-record pages (with and without the
 * {@code archived_at:*} / {@code cancelled_at:*} filters); from CSV exports, one pass over each
 * file. The counts and the mapping file make the plan's fingerprint.
 */
final class Inventory {

	private Inventory() {
	}

	static List<InventoryRow> count(SourceSpec source, ClinikoClient cliniko, Set<String> objects) {
		List<InventoryRow> rows = new ArrayList<>();
		for (ObjectMapping m : ObjectMapping.ORDER) {
			if (!objects.contains(m.clinikoName())) {
				continue;
			}
			rows.add(source.isCsv() ? csv(source, m) : api(cliniko, m));
		}
		return rows;
	}

	private static InventoryRow api(ClinikoClient c, ObjectMapping m) {
		return switch (m.clinikoName()) {
			case "contacts" -> archivable(c, m, "/contacts", "");
			case "products" -> {
				InventoryRow items = archivable(c, m, "/billable_items", "");
				InventoryRow products = archivable(c, m, "/products", "");
				yield new InventoryRow(m.clinikoName(), m.hubspotType(), items.total() + products.total(),
						items.archived() + products.archived(), 0,
						items.total() + " billable items, " + products.total() + " products");
			}
			case "patients" -> archivable(c, m, "/patients", "merged-away patients are archived");
			case "appointments" -> {
				long all = total(c, "/individual_appointments?q%5B%5D=cancelled_at:*&q%5B%5D=archived_at:*");
				long notCancelled = total(c, "/individual_appointments?q%5B%5D=archived_at:*");
				long active = total(c, "/individual_appointments?");
				yield new InventoryRow(m.clinikoName(), m.hubspotType(), all, notCancelled - active,
						all - notCancelled, "individual appointments (group classes are not migrated)");
			}
			case "treatment_notes" -> archivable(c, m, "/treatment_notes", "drafts included");
			case "invoices" -> archivable(c, m, "/invoices", "");
			case "invoice_items" -> archivable(c, m, "/invoice_items", "");
			default -> throw new IllegalStateException(m.clinikoName());
		};
	}

	private static InventoryRow archivable(ClinikoClient c, ObjectMapping m, String path, String note) {
		long all = total(c, path + "?q%5B%5D=archived_at:*");
		long active = total(c, path + "?");
		return new InventoryRow(m.clinikoName(), m.hubspotType(), all, all - active, 0, note);
	}

	private static long total(ClinikoClient c, String pathAndQuery) {
		try {
			return c.get(pathAndQuery + (pathAndQuery.endsWith("?") ? "" : "&") + "per_page=1")
				.path("total_entries")
				.asLong();
		}
		catch (ClinikoClient.ClinikoRefusedException ex) {
			boolean core = pathAndQuery.startsWith("/patients") || pathAndQuery.startsWith("/individual_appointments")
					|| pathAndQuery.startsWith("/invoices?");
			if (!core && (ex.status() == 404 || ex.status() == 403)) {
				return 0; // the account has no such optional list for this key
			}
			throw ex;
		}
	}

	private static InventoryRow csv(SourceSpec source, ObjectMapping m) {
		ClinikoCsvExports exports = source.csv();
		long[] counts = new long[2];
		switch (m.clinikoName()) {
			case "patients" -> exports.scan("Patients", r -> counts[0]++);
			case "appointments" -> exports.scan("Appointments", r -> {
				if (ClinikoCsvExports.APPOINTMENTS.map(r) != null) {
					counts[0]++;
					if (r.text("Cancellation Time") != null) {
						counts[1]++;
					}
				}
			});
			case "invoices" -> exports.scan("Invoices", r -> counts[0]++);
			default -> {
			}
		}
		String note = switch (m.clinikoName()) {
			case "patients" -> "the export marks no patient as archived or merged";
			case "appointments" -> "individual appointments (unavailable blocks and group classes are passed over)";
			default -> "";
		};
		return new InventoryRow(m.clinikoName(), m.hubspotType(), counts[0], -1,
				m.clinikoName().equals("appointments") ? counts[1] : 0, note);
	}

	/** SHA-256 over the source, the inventory counts and the mapping file's content. */
	static String fingerprint(String source, List<InventoryRow> inventory, String mappingContent) {
		StringBuilder canonical = new StringBuilder(source).append('\n');
		inventory.forEach(r -> canonical.append(r.object())
			.append(':')
			.append(r.total())
			.append(':')
			.append(r.archived())
			.append(':')
			.append(r.cancelled())
			.append('\n'));
		canonical.append(mappingContent);
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8)))
				.substring(0, 16);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
