package com.clinikobridge.job;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.clinikobridge.cliniko.ClinikoClient;
import com.clinikobridge.cliniko.ClinikoClient.ClinikoRefusedException;
import com.clinikobridge.hubspot.HubSpotClient;

/**
 * Checks at the door (issue 13, README "Pointing it at real accounts"): before a command makes
 * its first HubSpot write, one cheap authenticated call to each API it uses. A key or token the
 * API refuses, or a token without the scopes the bridge needs, is a {@link ConfigurationException}
 * (exit 2) saying which setting and what to do; a restart could never fix it. Each account is
 * checked once per process.
 */
final class Preflight {

	/**
	 * The private-app scopes the bridge uses (meetings and notes are engagements: contacts
	 * scopes), each with the scopes HubSpot accepts in its place.
	 */
	static final Map<String, List<String>> HUBSPOT_SCOPES = scopes();

	private static final Set<String> checked = ConcurrentHashMap.newKeySet();

	private Preflight() {
	}

	private static Map<String, List<String>> scopes() {
		Map<String, List<String>> s = new java.util.LinkedHashMap<>();
		for (String object : List.of("contacts", "companies", "deals", "line_items", "products")) {
			List<String> alternative = object.equals("products") ? List.of("e-commerce") : List.of();
			s.put("crm.objects." + object + ".read", alternative);
			s.put("crm.objects." + object + ".write", alternative);
		}
		for (String object : List.of("contacts", "companies", "deals")) {
			s.put("crm.schemas." + object + ".read", List.of());
			s.put("crm.schemas." + object + ".write", List.of());
		}
		s.put("crm.objects.owners.read", List.of());
		return s;
	}

	/**
	 * The token must be accepted and hold every scope the bridge needs.
	 * @throws ConfigurationException naming {@code HUBSPOT_ACCESS_TOKEN} and the missing scopes
	 */
	static void hubspot(HubSpotClient hubspot, BridgeSettings settings) {
		String key = SyncMarks.key("hubspot", settings.hubspotApiUrl(), settings.hubspotAccessToken());
		if (checked.contains(key)) {
			return;
		}
		HubSpotClient.Access access = hubspot.access();
		if (access.status() == 401) {
			throw new ConfigurationException("HUBSPOT_ACCESS_TOKEN was refused by HubSpot (401 at "
					+ settings.hubspotApiUrl() + "): check that it is the portal's private-app or service-key token,"
					+ " not expired or rotated. Nothing was written.");
		}
		if (access.status() == 403) {
			throw new ConfigurationException(missingScopes(access.missingScopes().isEmpty() ? List.of("(HubSpot did"
					+ " not say which)") : access.missingScopes()));
		}
		if (!access.ok()) {
			return; // a 5xx or 429 was retried and will stop the run restartably, not here
		}
		Optional<Set<String>> granted = hubspot.tokenScopes(settings.hubspotAccessToken());
		if (granted.isPresent()) {
			List<String> missing = HUBSPOT_SCOPES.entrySet().stream()
				.filter(e -> !granted.get().contains(e.getKey()) && e.getValue().stream().noneMatch(granted.get()::contains))
				.map(Map.Entry::getKey)
				.toList();
			if (!missing.isEmpty()) {
				throw new ConfigurationException(missingScopes(missing));
			}
		}
		checked.add(key);
	}

	private static String missingScopes(List<String> missing) {
		return "HUBSPOT_ACCESS_TOKEN lacks the scope(s) " + String.join(", ", missing) + ". Add them to the private"
				+ " app or service key in HubSpot (Development > Keys), then run again. The bridge needs: "
				+ String.join(", ", HUBSPOT_SCOPES.keySet()) + ". Nothing was written.";
	}

	/**
	 * The Cliniko key must be accepted ({@code GET /user}).
	 * @throws ConfigurationException naming {@code CLINIKO_API_KEY} and its shard suffix
	 */
	static void cliniko(ClinikoClient cliniko, BridgeSettings settings, String baseUrl) {
		String key = SyncMarks.key("cliniko", baseUrl, settings.clinikoApiKey());
		if (checked.contains(key)) {
			return;
		}
		try {
			cliniko.get("/user");
		}
		catch (ClinikoRefusedException ex) {
			if (ex.status() == 401 || ex.status() == 403) {
				String apiKey = settings.clinikoApiKey();
				String shard = apiKey.contains("-") ? apiKey.substring(apiKey.lastIndexOf('-')) : "(none)";
				throw new ConfigurationException("CLINIKO_API_KEY was refused by Cliniko (" + ex.status() + " at " + baseUrl
						+ "): check the key, and that its shard suffix " + shard + " is the account's (e.g. -au1, -uk2);"
						+ (ex.status() == 403 ? " a 403 can also mean CLINIKO_USER_AGENT was refused;" : "")
						+ " nothing was written.");
			}
			if (ex.status() == 404) {
				throw new ConfigurationException("Cliniko answered 404 for GET " + baseUrl + "/user: "
						+ (settings.clinikoApiUrl() != null ? "check CLINIKO_API_URL (it ends in /v1)"
								: "check CLINIKO_API_KEY's shard suffix")
						+ "; nothing was written.");
			}
			throw ex;
		}
		checked.add(key);
	}
}
