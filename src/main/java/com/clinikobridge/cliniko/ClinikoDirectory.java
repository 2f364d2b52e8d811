package com.clinikobridge.cliniko;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
	 * Loads the lists: {@code /practitioners}, {@code /practitioners/inactive}, {@code /users}
	 * (for practitioners' emails; {@code /users/{id}} for one the list lacks),
	 * {@code /appointment_types} and {@code /businesses} (archived ones included).
	 */
	public static ClinikoDirectory load(ClinikoClient client) {
		ClinikoDirectory directory = new ClinikoDirectory();
		List<JsonNode> practitionerNodes = new ArrayList<>();
		client.eachOptional("/practitioners?per_page=100", "practitioners", directory.unavailable, practitionerNodes::add);
		client.eachOptional("/practitioners/inactive?per_page=100", "practitioners", directory.unavailable, practitionerNodes::add);
		// One list of users gives every practitioner's email (a request each cost seconds at 200 a
		// minute); a user the list lacks is read on its own.
		Map<Long, String> emails = new java.util.HashMap<>();
		if (!practitionerNodes.isEmpty()) {
			try {
				client.eachOptional("/users?per_page=100", "users", new java.util.HashSet<>(), u -> {
					Long id = ClinikoJson.id(u, "id");
					if (id != null) {
						emails.put(id, ClinikoJson.text(u, "email"));
					}
				});
			}
			catch (com.clinikobridge.http.ApiUnavailableException ex) {
				emails.clear(); // the list failed: each practitioner's user is read on its own
			}
		}
		for (JsonNode p : practitionerNodes) {
			Long id = ClinikoJson.id(p, "id");
			if (id == null || directory.practitioners.containsKey(id)) {
				continue;
			}
			Long userId = ClinikoJson.linkedId(p, "user");
			String email = userId == null ? null : emails.get(userId);
			if (userId != null && !emails.containsKey(userId)) {
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
		client.eachOptional("/appointment_types?per_page=100&q%5B%5D=archived_at:*", "appointment_types", directory.unavailable,
				t -> directory.appointmentTypes.put(ClinikoJson.id(t, "id"), ClinikoJson.text(t, "name")));
		client.eachOptional("/businesses?per_page=100&q%5B%5D=archived_at:*", "businesses", directory.unavailable, b -> {
			String name = ClinikoJson.text(b, "business_name");
			directory.businesses.put(ClinikoJson.id(b, "id"), name != null ? name : ClinikoJson.text(b, "display_name"));
		});
		return directory;
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
