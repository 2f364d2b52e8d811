package com.clinikobridge.report;

import java.util.List;

import com.clinikobridge.ledger.Ledger.Rejected;

/**
 * What {@code report.html} shows for a run: the summary (counts, HTTP usage), the rejected
 * records with reasons, records written per interval (for the throughput chart), and notes.
 *
 * @param throughput records recorded in the ledger per time bucket, in time order
 */
public record RunReportData(RunSummary summary, List<Rejected> rejected, long rejectedTotal,
		List<ThroughputPoint> throughput, List<String> notes) {

	/**
	 * Records of one object recorded in the ledger during one bucket.
	 * @param secondsFromStart start of the bucket, in seconds after the run started
	 * @param bucketSeconds bucket length in seconds
	 */
	public record ThroughputPoint(long secondsFromStart, long bucketSeconds, String object, long records) {
	}
}
