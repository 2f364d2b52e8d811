package com.clinikobridge.http;

import java.util.concurrent.atomic.AtomicLong;

/** Request counters of one API for a run: requests sent, 429 answers, and retries. */
public final class ApiStats {

	private final AtomicLong requests = new AtomicLong();

	private final AtomicLong throttled = new AtomicLong();

	private final AtomicLong retried = new AtomicLong();

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
