package com.clinikobridge.job;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.clinikobridge.http.RetryBudget;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

/**
 * Reads {@link BridgeSettings} from the Spring {@link Environment} (environment variables,
 * application.yml) with per-call overrides (used by tests and embedding code), and fails fast
 * with a {@link ConfigurationException} naming the setting that is wrong.
 */
@Component
public class SettingsResolver {

	private final Environment environment;

	public SettingsResolver(Environment environment) {
		this.environment = environment;
	}

	public BridgeSettings resolve(Map<String, String> overrides) {
		Lookup env = new Lookup(environment, overrides);
		String hubspotUrl = env.get("HUBSPOT_API_URL", "https://api.hubapi.com");
		requireUrl("HUBSPOT_API_URL", hubspotUrl);
		String clinikoUrl = env.get("CLINIKO_API_URL", null);
		if (clinikoUrl != null) {
			requireUrl("CLINIKO_API_URL", clinikoUrl);
		}
		String version = env.get("HUBSPOT_API_VERSION", "v3");
		try {
			com.clinikobridge.hubspot.HubSpotPaths.of(version);
		}
		catch (IllegalArgumentException ex) {
			throw new ConfigurationException("HUBSPOT_API_VERSION: " + ex.getMessage());
		}
		// No default: Cliniko's API terms ask for a contact of the one who runs it (checked for API sources).
		String userAgent = env.get("CLINIKO_USER_AGENT", null);
		if (userAgent != null && !userAgent.matches(".+\\(.+@.+\\).*")) {
			throw new ConfigurationException("CLINIKO_USER_AGENT must look like 'Name (email)', per Cliniko's API rules");
		}
		RetryBudget retry = new RetryBudget(env.integer("CLINIKO_BRIDGE_MAX_ATTEMPTS", 8, 1),
				Duration.ofMillis(env.integer("CLINIKO_BRIDGE_BACKOFF_MS", 500, 0)),
				Duration.ofMillis(env.integer("CLINIKO_BRIDGE_MAX_BACKOFF_MS", 30_000, 0)),
				Duration.ofMillis(env.integer("CLINIKO_BRIDGE_MAX_THROTTLE_WAIT_MS", 90_000, 0)));
		return new BridgeSettings(env.get("CLINIKO_API_KEY", null), clinikoUrl, userAgent,
				env.integer("CLINIKO_RATE_LIMIT", 200, 0),
				Duration.ofMillis(env.integer("CLINIKO_RATE_WINDOW_MS", 60_000, 1)),
				env.get("HUBSPOT_ACCESS_TOKEN", null), hubspotUrl.replaceAll("/+$", ""), version,
				env.integer("HUBSPOT_RATE_LIMIT", 100, 0),
				Duration.ofMillis(env.integer("HUBSPOT_RATE_WINDOW_MS", 10_000, 1)),
				env.get("HUBSPOT_FALLBACK_OWNER_EMAIL", null),
				Path.of(env.get("CLINIKO_BRIDGE_REPORT_DIR", "./reports")), retry,
				Duration.ofMillis(env.integer("CLINIKO_BRIDGE_HTTP_TIMEOUT_MS", 30_000, 1)),
				Duration.ofMillis(env.integer("HUBSPOT_SEARCH_LAG_MS", 15_000, 0)),
				bool(env, "CLINIKO_BRIDGE_NO_APPROVAL"), env.integer("HUBSPOT_DAILY_LIMIT", 250_000, 1),
				env.integer("CLINIKO_BRIDGE_SYNC_DAYS_FORWARD", 45, 0), env.integer("CLINIKO_BRIDGE_SYNC_DAYS_BACK", 7, 0),
				Duration.ofMillis(env.integer("CLINIKO_BRIDGE_LOCK_STALE_MS", 120_000, 1)));
	}

	private static boolean bool(Lookup env, String key) {
		String value = env.get(key, "false");
		if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
			throw new ConfigurationException(key + " must be true or false");
		}
		return Boolean.parseBoolean(value);
	}

	private static void requireUrl(String name, String value) {
		try {
			URI uri = URI.create(value);
			if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
					|| uri.getHost() == null) {
				throw new IllegalArgumentException();
			}
		}
		catch (IllegalArgumentException ex) {
			throw new ConfigurationException(name + " is not an http(s) URL");
		}
	}

	private record Lookup(Environment environment, Map<String, String> overrides) {

		String get(String key, String fallback) {
			String value = overrides.containsKey(key) ? overrides.get(key) : environment.getProperty(key);
			return value == null || value.isBlank() ? fallback : value.trim();
		}

		int integer(String key, int fallback, int min) {
			String value = get(key, null);
			if (value == null) {
				return fallback;
			}
			try {
				int parsed = Integer.parseInt(value);
				if (parsed < min) {
					throw new NumberFormatException();
				}
				return parsed;
			}
			catch (NumberFormatException ex) {
				throw new ConfigurationException(key + " must be a whole number of at least " + min);
			}
		}
	}
}
