package com.clinikobridge.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code rollback} did or, for a dry run, would do, for {@code report.html} (docs/safety.md):
 * counts by action and HubSpot object, what it kept and why, and notes.
 * @param summary the rollback run's summary (command {@code rollback})
 * @param targetRunId the run rolled back
 * @param done action ("recordsArchived", "recordsRestored", "associationsRemoved", ...) → object → count
 * @param kept each record or property kept, with the reason
 * @param notes plain-text notes (what cannot be undone, runs still to roll back, how to resume)
 */
public record RollbackReport(RunSummary summary, String targetRunId, Map<String, Map<String, Long>> done,
		List<KeptRow> kept, List<String> notes) {

	/** One thing rollback kept: HubSpot object, Cliniko id, HubSpot id, property (empty: the record), reason. */
	public record KeptRow(String object, String clinikoId, String hubspotId, String property, String reason) {
	}

	private static final Map<String, String> ACTIONS = Map.of("associationsRemoved", "Associations removed",
			"associationsPutBack", "Associations put back", "recordsRestored", "Records restored to their values before the run",
			"recordsArchived", "Records archived (the run created them)", "recordsKept", "Records kept (see below)",
			"schemaRemoved", "Schema objects removed");

	/** The page: header with the status badge, counts by action and object, kept records, notes. */
	public String html() {
		RunSummary s = summary;
		StringBuilder body = new StringBuilder();
		body.append("<header><h1>Rollback report</h1>")
			.append(HtmlReports.facts(Map.of(), "Rollback run", HtmlReports.code(s.runId()), "Run rolled back",
					HtmlReports.code(targetRunId), "Status", HtmlReports.statusBadge(s.status()), "Dry run",
					HtmlReports.esc(s.dryRun() ? "Yes: nothing was changed in HubSpot" : "No"), "Started",
					HtmlReports.esc(HtmlReports.time(s.startedAt())), "Duration",
					HtmlReports.esc(HtmlReports.duration(s.durationMs()))))
			.append("</header>");
		List<String> rows = new ArrayList<>();
		done.forEach((action, counts) -> counts.forEach((object, n) -> rows.add(HtmlReports.tr(null,
				HtmlReports.td(ACTIONS.getOrDefault(action, action)), HtmlReports.td(object),
				HtmlReports.tdNum(n)))));
		body.append(HtmlReports.section("done", s.dryRun() ? "What rollback would do" : "What rollback did", null,
				rows.isEmpty() ? HtmlReports.p("Nothing: everything the run wrote had been undone already.")
						: HtmlReports.table(List.of(HtmlReports.th("Action"), HtmlReports.th("Object"),
								HtmlReports.thNum("Records")), rows, null)));
		List<String> keptRows = kept.stream()
			.map(k -> HtmlReports.tr("warn", HtmlReports.td(k.object()), HtmlReports.tdCode(k.clinikoId()),
					HtmlReports.tdCode(k.hubspotId()), HtmlReports.td(k.property() == null ? "the record" : k.property()),
					HtmlReports.td(k.reason())))
			.toList();
		body.append(HtmlReports.section("kept", s.dryRun() ? "Would be kept in HubSpot" : "Kept in HubSpot",
				"Rollback never archives or overwrites what it cannot prove the run created or wrote: these records"
						+ " and values " + (s.dryRun() ? "would be" : "were") + " left as HubSpot holds them.",
				keptRows.isEmpty() ? HtmlReports.p(s.dryRun() ? "Nothing would be kept: every change of the run would be"
						+ " undone." : "Nothing was kept: every change of the run was undone.")
						: HtmlReports.table(List.of(HtmlReports.th("Object"), HtmlReports.th("Cliniko id"),
								HtmlReports.th("HubSpot id"), HtmlReports.th("Property"), HtmlReports.th("Why")),
								keptRows, null)));
		body.append(HtmlReports.notes(notes));
		return HtmlReports.page("Rollback report " + HtmlReports.nz(s.runId()), body.toString());
	}
}
