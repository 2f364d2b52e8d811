package com.clinikobridge.report;

import java.time.Instant;
import java.util.Map;

/**
 * The content of {@code reports/<run-id>/summary.json} (CLI.md, Runs and reports). For every
 * object, {@code read = created + updated + unchanged + rejected + failed}.
 */
public record RunSummary(String runId, String command, String status, String source, boolean dryRun,
		Instant startedAt, Instant endedAt, long durationMs, Map<String, ObjectCounts> objects,
		Map<String, HttpCounts> http) {

	/** Per-object counts. */
	public record ObjectCounts(long read, long created, long updated, long unchanged, long rejected, long failed) {
	}

	/** Per-API request counts. */
	public record HttpCounts(long requests, long throttled, long retried) {
	}

	public long rejected() {
		return objects.values().stream().mapToLong(ObjectCounts::rejected).sum();
	}
}
