package com.clinikobridge.job;

import java.nio.file.Path;
import java.time.Duration;

import com.clinikobridge.http.RetryBudget;

/**
 * The configuration of a run, from environment variables or the same keys in application.yml
 * (CLI.md, Configuration). Secrets are held here only; they never reach job parameters,
 * reports or logs.
 *
 * @param clinikoRequestsPerWindow proactive Cliniko pace (200 per 60 s by default; 0 = unlimited)
 * @param hubspotRequestsPerWindow proactive HubSpot pace (100 per 10 s by default; 0 = unlimited)
 * @param searchLag how long HubSpot's search index may lag a create (15 s by default)
 * @param noApproval start full migrations without an approved plan, as {@code --no-approval} does
 * @param hubspotDailyLimit the portal's daily request limit when HubSpot does not report it
 * (250,000 by default: the lowest tier of private apps, HubSpot DIGEST §2)
 * @param syncDaysForward sync re-reads appointments starting up to this many days ahead (45)
 * @param syncDaysBack and this many days back (7), for changes without a new {@code updated_at}
 * @param lockStale a sync lock whose holder has not refreshed it for this long is taken over (2 min)
 */
public record BridgeSettings(String clinikoApiKey, String clinikoApiUrl, String clinikoUserAgent,
		int clinikoRequestsPerWindow, Duration clinikoWindow, String hubspotAccessToken, String hubspotApiUrl,
		String hubspotApiVersion, int hubspotRequestsPerWindow, Duration hubspotWindow, String fallbackOwnerEmail,
		Path reportDir, RetryBudget retryBudget, Duration httpTimeout, Duration searchLag, boolean noApproval,
		int hubspotDailyLimit, int syncDaysForward, int syncDaysBack, Duration lockStale) {

	public boolean hasHubSpotToken() {
		return hubspotAccessToken != null && !hubspotAccessToken.isBlank();
	}

	@Override
	public String toString() {
		return "BridgeSettings[secrets hidden]";
	}
}
