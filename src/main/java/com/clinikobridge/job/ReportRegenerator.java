package com.clinikobridge.job;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.clinikobridge.ledger.Ledger;
import com.clinikobridge.ledger.RunStore;
import com.clinikobridge.ledger.RunStore.Run;
import com.clinikobridge.mapping.ObjectMapping;
import com.clinikobridge.report.HtmlReports;
import com.clinikobridge.report.ReportWriter;
import com.clinikobridge.report.RunReportData;
import com.clinikobridge.report.RunSummary;
import com.clinikobridge.report.RunSummary.ObjectCounts;

import org.springframework.stereotype.Component;

/**
 * The {@code report <run-id>} command (issue 13): writes a migrate, sync or repair run's
 * reports again from the job repository, e.g. after a full disk kept the run from writing them.
 * {@code summary.json} (records per object, with {@code "regenerated": true}), {@code report.html},
 * {@code report.txt}, {@code rejected.csv} and {@code audit.csv} come back as the ledger holds
 * them; what only the running process knew (API request counts, owner resolutions, its notes)
 * is not in the ledger and is left out, as the report says.
 */
@Component
public class ReportRegenerator {

	private final RunStore runs;

	private final Ledger ledger;

	private final SettingsResolver settingsResolver;

	ReportRegenerator(RunStore runs, Ledger ledger, SettingsResolver settingsResolver) {
		this.runs = runs;
		this.ledger = ledger;
		this.settingsResolver = settingsResolver;
	}

	/**
	 * @return the report folder written
	 * @throws ConfigurationException when there is no such run, it is another kind of run, it has
	 * not ended, or it was purged (exit 2)
	 */
	public Path regenerate(String runId, Map<String, String> overrides, PrintStream out) {
		BridgeSettings settings = settingsResolver.resolve(overrides);
		Run run = runs.find(runId)
			.orElseThrow(() -> new ConfigurationException("report: there is no run '" + runId + "' (see status)"));
		if (!RunLauncher.WRITING.contains(run.command())) {
			throw new ConfigurationException("report: run '" + runId + "' is a " + run.command() + " run; report"
					+ " regenerates migrate, sync and repair runs");
		}
		if (run.endedAt() == null || "STARTED".equals(run.status())) {
			throw new ConfigurationException("report: run '" + runId + "' has not ended; restart it (restart " + runId
					+ "), and it writes its reports when it ends");
		}
		Path folder = ReportWriter.runFolder(settings.reportDir(), runId);
		RunSummary summary = summary(run);
		ReportWriter.rejected(folder, ledger.rejections(runId));
		ReportWriter.csvStream(folder.resolve("audit.csv"), new String[] { "object", "cliniko_id", "hubspot_id",
				"action", "error", "recorded_at", "undone_by" }, row -> ledger.audit(runId, row));
		List<RunReportData.ThroughputPoint> throughput = RunLauncher.throughput(ledger, runId, run.startedAt(),
				summary.durationMs());
		List<Ledger.Rejected> rejected = ledger.rejections(runId);
		List<String> notes = List.of("Regenerated from the job repository at " + Instant.now() + ": API request"
				+ " counts, owner resolutions and the run's own notes are not kept there, so they are left out.");
		ReportWriter.write(folder.resolve("report.html"),
				HtmlReports.run(new RunReportData(summary, rejected, rejected.size(), throughput, notes)));
		ReportWriter.write(folder.resolve("report.txt"), ReportWriter.text(summary, notes));
		ReportWriter.summary(folder, summary, Map.of("regenerated", true));
		out.println("Reports of run " + runId + " written again to " + folder);
		return folder;
	}

	/** The run's summary from the ledger: records per object the run touched, no API counts. */
	private RunSummary summary(Run run) {
		Map<String, Ledger.Counts> counts = ledger.counts(run.runId());
		Map<String, ObjectCounts> objects = new LinkedHashMap<>();
		for (ObjectMapping m : ObjectMapping.ORDER) {
			Ledger.Counts c = counts.get(m.clinikoName());
			if (c != null) {
				objects.put(m.clinikoName(), new ObjectCounts(c.read(), c.created(), c.updated(), c.unchanged(),
						c.rejected(), 0));
			}
		}
		return new RunSummary(run.runId(), run.command(), run.status(), run.source(), run.dryRun(), run.startedAt(),
				run.endedAt(), run.endedAt().toEpochMilli() - run.startedAt().toEpochMilli(), objects, Map.of());
	}
}
