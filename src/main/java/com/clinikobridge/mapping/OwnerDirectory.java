package com.clinikobridge.mapping;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.clinikobridge.cliniko.ClinikoPractitioner;
import com.clinikobridge.hubspot.HubSpotClient.Owner;

/**
 * Practitioners → HubSpot owners (MAPPING.md, Practitioners → owners). A practitioner is
 * matched by its user's email, case-insensitively; when the source carries no email (CSV
 * exports), by display name against the owner's "first last". Unmatched practitioners get the
 * fallback owner, or no owner. Owners are never created.
 */
public final class OwnerDirectory {

	/** How one practitioner was resolved: owner id or null, and how ("email", "name", "fallback", "unresolved"). */
	public record Resolution(ClinikoPractitioner practitioner, String ownerId, String how) {
	}

	private final Map<Long, String> byPractitionerId = new HashMap<>();

	private final Map<String, String> byPractitionerName = new HashMap<>();

	private final List<Resolution> resolutions = new ArrayList<>();

	private final String fallbackOwnerId;

	private OwnerDirectory(String fallbackOwnerId) {
		this.fallbackOwnerId = fallbackOwnerId;
	}

	/** A directory that resolves nothing (dry run without a token). */
	public static OwnerDirectory none(List<ClinikoPractitioner> practitioners) {
		return resolve(practitioners, List.of(), null);
	}

	/**
	 * @param fallbackEmail owner email for unresolved practitioners, or null
	 * @throws IllegalArgumentException when the fallback email matches no owner
	 */
	public static OwnerDirectory resolve(List<ClinikoPractitioner> practitioners, List<Owner> owners,
			String fallbackEmail) {
		Map<String, String> ownerByEmail = new HashMap<>();
		Map<String, String> ownerByName = new HashMap<>();
		for (Owner o : owners) {
			if (o.email() != null) {
				ownerByEmail.putIfAbsent(o.email().toLowerCase(Locale.ROOT), o.id());
			}
			String name = fullName(o.firstName(), o.lastName());
			if (!name.isEmpty()) {
				ownerByName.putIfAbsent(name, o.id());
			}
		}
		String fallback = null;
		if (fallbackEmail != null && !fallbackEmail.isBlank()) {
			fallback = ownerByEmail.get(fallbackEmail.trim().toLowerCase(Locale.ROOT));
			if (fallback == null) {
				throw new IllegalArgumentException("HUBSPOT_FALLBACK_OWNER_EMAIL matches no HubSpot owner");
			}
		}
		OwnerDirectory directory = new OwnerDirectory(fallback);
		for (ClinikoPractitioner p : practitioners) {
			String owner = null;
			String how = "unresolved";
			if (p.email() != null) {
				owner = ownerByEmail.get(p.email().toLowerCase(Locale.ROOT));
				how = owner != null ? "email" : how;
			}
			if (owner == null && p.email() == null) {
				String name = p.displayName() == null ? fullName(p.firstName(), p.lastName())
						: p.displayName().trim().toLowerCase(Locale.ROOT);
				owner = ownerByName.get(name);
				how = owner != null ? "name" : how;
			}
			if (owner == null && fallback != null) {
				owner = fallback;
				how = "fallback";
			}
			directory.resolutions.add(new Resolution(p, owner, how));
			if (owner != null) {
				if (p.id() != null) {
					directory.byPractitionerId.put(p.id(), owner);
				}
				if (p.displayName() != null) {
					directory.byPractitionerName.put(p.displayName().trim().toLowerCase(Locale.ROOT), owner);
				}
			}
		}
		return directory;
	}

	private static String fullName(String first, String last) {
		return ((first == null ? "" : first.trim()) + " " + (last == null ? "" : last.trim())).trim()
			.toLowerCase(Locale.ROOT);
	}

	/** The owner id for a practitioner known by id and/or display name, or the fallback, or null. */
	public String ownerFor(Long practitionerId, String practitionerName) {
		String owner = practitionerId == null ? null : byPractitionerId.get(practitionerId);
		if (owner == null && practitionerName != null) {
			owner = byPractitionerName.get(practitionerName.trim().toLowerCase(Locale.ROOT));
		}
		return owner != null ? owner : fallbackOwnerId;
	}

	public List<Resolution> resolutions() {
		return List.copyOf(resolutions);
	}
}
