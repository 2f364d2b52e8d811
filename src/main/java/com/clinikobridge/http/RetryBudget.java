package com.clinikobridge.http;

import java.time.Duration;

/**
 * How hard a client tries: at most {@code maxAttempts} sends per request; 5xx and I/O errors
 * back off exponentially from {@code firstBackoff} up to {@code maxBackoff} with jitter; a 429
 * waits as long as the API asks, up to {@code maxThrottleWait} a time.
 */
public record RetryBudget(int maxAttempts, Duration firstBackoff, Duration maxBackoff, Duration maxThrottleWait) {

	public static RetryBudget defaults() {
		return new RetryBudget(8, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ofSeconds(90));
	}

	Duration backoff(int attempt) {
		long base = firstBackoff.toMillis() << Math.min(attempt - 1, 16);
		long capped = Math.min(base, maxBackoff.toMillis());
		long jitter = (long) (capped * 0.25 * Math.random());
		return Duration.ofMillis(capped + jitter);
	}
}
