package com.clinikobridge.job;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.clinikobridge.cliniko.ClinikoClient;
import com.clinikobridge.cliniko.ClinikoDirectory;
import com.clinikobridge.cliniko.ClinikoPageReader;
import com.clinikobridge.cliniko.PatientDetails;
import com.clinikobridge.ledger.SyncStore.Mark;

/**
 * The marks of a run from the Cliniko API, taken when it starts: per object, what it reads
 * since (the previous mark, or {@code --since}), how many records changed since then, and the
 * newest {@code updated_at} now (Cliniko's clock, not ours), which becomes the next mark when the
 * run completes. One request per list (sorted by {@code updated_at}, one record a page). A list
 * with changes is then read from a second before its mark, so a record changed in the same
 * second as the mark is read again rather than missed.
 */
final class SyncMarks {

	private SyncMarks() {
	}

	/** The API lists an object is read from (products come from two). */
	static List<ClinikoPageReader<?>> lists(ClinikoClient client, String object) {
		return switch (object) {
			case "contacts" -> List.of(ClinikoPageReader.contacts(client));
			case "products" -> List.of(ClinikoPageReader.billableItems(client), ClinikoPageReader.products(client));
			case "patients" -> List.of(ClinikoPageReader.patients(client, PatientDetails.none()));
			case "appointments" -> List.of(ClinikoPageReader.appointments(client, ClinikoDirectory.empty()));
			case "treatment_notes" -> List.of(ClinikoPageReader.treatmentNotes(client));
			case "invoices" -> List.of(ClinikoPageReader.invoices(client));
			case "invoice_items" -> List.of(ClinikoPageReader.invoiceItems(client));
			default -> throw new IllegalArgumentException("unknown object " + object);
		};
	}

	/**
	 * @param previous the source's marks by object (from its last completed run)
	 * @param since {@code --since}, overriding every previous mark; null to use them
	 */
	static Map<String, Mark> compute(ClinikoClient client, Set<String> objects, Map<String, Instant> previous,
			Instant since) {
		Map<String, Mark> marks = new LinkedHashMap<>();
		for (com.clinikobridge.mapping.ObjectMapping m : com.clinikobridge.mapping.ObjectMapping.ORDER) {
			String object = m.clinikoName();
			if (!objects.contains(object)) {
				continue;
			}
			Instant from = since != null ? since : previous.get(object);
			Instant newest = null;
			long changed = 0;
			for (ClinikoPageReader<?> list : lists(client, object)) {
				ClinikoPageReader.Delta delta = list.delta(from);
				changed += delta.changed();
				if (delta.newest() != null && (newest == null || delta.newest().isAfter(newest))) {
					newest = delta.newest();
				}
			}
			marks.put(object, new Mark(from, newest != null ? newest : from, changed));
		}
		return marks;
	}

	/** A stable key for a set of credentials (hashed: keys and tokens never reach the database). */
	static String key(String... parts) {
		try {
			MessageDigest sha = MessageDigest.getInstance("SHA-256");
			for (String part : parts) {
				sha.update((part == null ? "" : part).getBytes(StandardCharsets.UTF_8));
				sha.update((byte) 0);
			}
			return HexFormat.of().formatHex(sha.digest()).substring(0, 40);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
