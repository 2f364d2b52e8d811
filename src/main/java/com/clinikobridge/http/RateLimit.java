package com.clinikobridge.http;

import java.time.Duration;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;

/**
 * A proactive client-side limit of {@code requests} per {@code window}, shared by every step and
 * thread that talks to one API (Bucket4j). The bucket holds a tenth of the window's allowance
 * and refills the rest smoothly, so no rolling window of that length ever sees more than
 * {@code requests}. {@code requests <= 0} means unlimited.
 */
public final class RateLimit {

	private final Bucket bucket;

	public RateLimit(int requests, Duration window) {
		if (requests <= 0) {
			this.bucket = null;
			return;
		}
		long burst = Math.max(1, requests / 10);
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
