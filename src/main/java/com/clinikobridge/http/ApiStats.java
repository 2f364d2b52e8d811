package com.clinikobridge.http;

import java.util.concurrent.atomic.AtomicLong;

/** Request counters of one API for a run: requests sent, 429 answers, and retries. */
public final class ApiStats {

	private final AtomicLong requests = new AtomicLong();

	private final AtomicLong throttled = new AtomicLong();

	private final AtomicLong retried = new AtomicLong();

	private final AtomicLong dailyLimit = new AtomicLong(-1);

	private final AtomicLong dailyRemaining = new AtomicLong(-1);

	/** The daily request limit the API last reported ({@code X-HubSpot-RateLimit-Daily}), or -1. */
	public long dailyLimit() {
		return dailyLimit.get();
	}

	/** The requests left today as last reported ({@code X-HubSpot-RateLimit-Daily-Remaining}), or -1. */
	public long dailyRemaining() {
		return dailyRemaining.get();
	}

	void daily(String limit, String remaining) {
		try {
			if (limit != null) {
				dailyLimit.set(Long.parseLong(limit.trim()));
			}
			if (remaining != null) {
				dailyRemaining.set(Long.parseLong(remaining.trim()));
			}
		}
		catch (NumberFormatException ex) {
			// a header we cannot read says nothing
		}
	}

	public long requests() {
		return requests.get();
	}

	public long throttled() {
		return throttled.get();
	}

	public long retried() {
		return retried.get();
	}

	void request() {
		requests.incrementAndGet();
	}

	void throttle() {
		throttled.incrementAndGet();
	}

	void retry() {
		retried.incrementAndGet();
	}
}
