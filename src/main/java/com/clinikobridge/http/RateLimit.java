package com.clinikobridge.http;

import java.time.Duration;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

/**
 * A proactive client-side limit of {@code requests} per {@code window}, shared by every step and
 * thread that talks to one API (Bucket4j). A token bucket of capacity B refilled at r lets at
 * most B + r·window requests into any rolling window, so B + r·window = {@code requests} keeps
 * every window within the limit. The bucket holds 2 requests (enough to absorb a chunk's
 * pause between writes; Cliniko's reads are prefetched and never pause) and refills the rest
 * smoothly: a run goes at 98% of HubSpot's 100 per 10 s and 99% of Cliniko's 200 per minute,
 * where holding back a tenth cost 10% (measured: wall 1.23× the bound at 100/10 s).
 * {@code requests <= 0} means unlimited.
 */
public final class RateLimit {

	private final Bucket bucket;

	public RateLimit(int requests, Duration window) {
		if (requests <= 0) {
			this.bucket = null;
			return;
		}
		long burst = Math.max(1, Math.min(2, requests / 50));
		long refill = Math.max(1, requests - burst);
		this.bucket = Bucket.builder()
			.addLimit(Bandwidth.builder().capacity(burst).refillGreedy(refill, window).initialTokens(burst).build())
			.build();
	}

	void acquire() {
		if (bucket == null) {
			return;
		}
		try {
			bucket.asBlocking().consume(1);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new ApiUnavailableException("Interrupted while waiting for the rate limit", ex);
		}
	}
}
