package com.clinikobridge.cliniko;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import tools.jackson.databind.JsonNode;

/**
 * The small reference lists of a Cliniko account, read once per run through the API:
 * practitioners (active and inactive, each with its user's email), appointment types and
 * businesses. Used to name things on appointments and to resolve owners.
 */
public final class ClinikoDirectory {

	private final Map<Long, ClinikoPractitioner> practitioners = new HashMap<>();

	private final Map<Long, String> appointmentTypes = new HashMap<>();

	private final Map<Long, String> businesses = new HashMap<>();

	private final java.util.Set<String> unavailable = new java.util.TreeSet<>();

	private ClinikoDirectory() {
	}

	/** An empty directory (CSV sources carry names on each row). */
	public static ClinikoDirectory empty() {
		return new ClinikoDirectory();
	}

	/**
	 * Loads the lists: {@code /practitioners}, {@code /practitioners/inactive}, each
	 * practitioner's {@code /users/{id}}, {@code /appointment_types} and {@code /businesses}
	 * (archived ones included).
	 */
	public static ClinikoDirectory load(ClinikoClient client) {
		ClinikoDirectory directory = new ClinikoDirectory();
		List<JsonNode> practitionerNodes = new ArrayList<>();
		eachRecord(client, directory.unavailable, "/practitioners?per_page=100", "practitioners", practitionerNodes::add);
		eachRecord(client, directory.unavailable, "/practitioners/inactive?per_page=100", "practitioners", practitionerNodes::add);
		for (JsonNode p : practitionerNodes) {
			Long id = ClinikoJson.id(p, "id");
			if (id == null || directory.practitioners.containsKey(id)) {
				continue;
			}
			String email = null;
			Long userId = ClinikoJson.linkedId(p, "user");
			if (userId != null) {
				try {
					email = ClinikoJson.text(client.get("/users/" + userId), "email");
				}
				catch (com.clinikobridge.http.ApiUnavailableException ex) {
					// A user the key may not read: the practitioner stays unresolved (or gets the fallback owner).
				}
			}
			Boolean active = ClinikoJson.bool(p, "active");
			String display = ClinikoJson.text(p, "display_name");
			String first = ClinikoJson.text(p, "first_name");
			String last = ClinikoJson.text(p, "last_name");
			if (display == null) {
				display = ((first == null ? "" : first) + " " + (last == null ? "" : last)).strip();
			}
			directory.practitioners.put(id,
					new ClinikoPractitioner(id, display, first, last, email, active == null || active));
		}
		eachRecord(client, directory.unavailable, "/appointment_types?per_page=100&q%5B%5D=archived_at:*", "appointment_types",
				t -> directory.appointmentTypes.put(ClinikoJson.id(t, "id"), ClinikoJson.text(t, "name")));
		eachRecord(client, directory.unavailable, "/businesses?per_page=100&q%5B%5D=archived_at:*", "businesses", b -> {
			String name = ClinikoJson.text(b, "business_name");
			directory.businesses.put(ClinikoJson.id(b, "id"), name != null ? name : ClinikoJson.text(b, "display_name"));
		});
		return directory;
	}

	private static void eachRecord(ClinikoClient client, java.util.Set<String> unavailable, String firstPage,
			String key, Consumer<JsonNode> consumer) {
		String next = firstPage;
		while (next != null) {
			JsonNode page;
			try {
				page = client.get(next);
			}
			catch (ClinikoClient.ClinikoRefusedException ex) {
				if (next.equals(firstPage) && (ex.status() == 404 || ex.status() == 403)) {
					// Names only: meetings get plainer titles, practitioners may stay unresolved.
					org.slf4j.LoggerFactory.getLogger(ClinikoDirectory.class)
						.warn("Cliniko has no {} list for this key ({}); carrying on without it", key, ex.status());
					unavailable.add(key);
					return;
				}
				throw ex;
			}
			page.path(key).forEach(consumer);
			next = ClinikoJson.text(page.path("links"), "next");
		}
	}

	/** Lists the account or key lacked (names on meetings and owners may be missing). */
	public java.util.Set<String> unavailable() {
		return unavailable;
	}

	public List<ClinikoPractitioner> practitioners() {
		return List.copyOf(practitioners.values());
	}

	String practitionerName(Long id) {
		ClinikoPractitioner p = id == null ? null : practitioners.get(id);
		return p == null ? null : p.displayName();
	}

	String appointmentTypeName(Long id) {
		return id == null ? null : appointmentTypes.get(id);
	}

	String businessName(Long id) {
		return id == null ? null : businesses.get(id);
	}
}
