package com.clinikobridge.report;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import com.clinikobridge.ledger.Ledger.Rejected;
import com.clinikobridge.report.PlanReport.CustomFieldRow;
import com.clinikobridge.report.PlanReport.Estimate;
import com.clinikobridge.report.PlanReport.InventoryRow;
import com.clinikobridge.report.PlanReport.MergedPatient;
import com.clinikobridge.report.PlanReport.OwnerRow;
import com.clinikobridge.report.PlanReport.RebuildItem;
import com.clinikobridge.report.PlanReport.SharedEmailGroup;
import com.clinikobridge.report.RunReportData.ThroughputPoint;
import com.clinikobridge.report.RunSummary.HttpCounts;
import com.clinikobridge.report.RunSummary.ObjectCounts;
import org.jsoup.nodes.Entities;

/**
 * Renders the human-readable reports ({@code plan.html}, {@code report.html}, {@code diff.html})
 * as self-contained HTML5 documents: inline CSS only, no scripts, fonts, images or links, charts
 * as inline SVG, so a clinic manager can open them as they are (an email attachment) and print
 * them on A4. Every value is HTML-escaped.
 */
public final class HtmlReports {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=,@+-]+");

	/** Okabe–Ito colours: distinguishable for colour-blind readers and in print. */
	static final String[] COLOURS = { "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00",
			"#8C6D1F", "#000000" };

	static final String CSS = """
			body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
			  font-size: 15px; line-height: 1.45; color: #1f2328; background: #fff;
			  max-width: 62rem; margin: 2rem auto; padding: 0 1.25rem; }
			h1 { font-size: 1.65rem; margin: 0 0 .3rem; }
			h2 { font-size: 1.2rem; margin: 2.2rem 0 .4rem; padding-bottom: .2rem; border-bottom: 2px solid #d0d7de; }
			p { margin: .4rem 0 .6rem; }
			.muted { color: #57606a; }
			table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .92rem; }
			th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #d8dee4; vertical-align: top; }
			thead th { background: #f3f5f7; border-bottom: 2px solid #c4cdd5; }
			th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
			tfoot td { font-weight: 700; border-top: 2px solid #c4cdd5; border-bottom: none; }
			table.facts { width: auto; min-width: 24rem; }
			table.facts th { background: none; color: #57606a; font-weight: 600; padding-right: 1.5rem; white-space: nowrap; }
			tr.warn td { background: #fff4d6; }
			tr.bad td { background: #ffebe9; }
			td.warn { background: #fff4d6; font-weight: 700; }
			td.val { white-space: pre-wrap; word-break: break-word; }
			td.yes { color: #1a7f37; font-weight: 700; text-align: center; }
			td.no { color: #cf222e; font-weight: 700; text-align: center; }
			code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88em; word-break: break-all; }
			pre.cmd { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9rem;
			  background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 4px; padding: .5rem .75rem;
			  white-space: pre-wrap; word-break: break-all; }
			.badge { display: inline-block; padding: .05rem .6rem; border-radius: .8rem; color: #fff;
			  font-weight: 700; font-size: .85rem; letter-spacing: .04em; }
			.badge.ok { background: #1a7f37; } .badge.bad { background: #cf222e; }
			.badge.warn { background: #9a6700; } .badge.neutral { background: #57606a; }
			.callout { border-left: 4px solid #9a6700; background: #fff8e1; padding: .5rem .8rem; margin: .6rem 0; }
			.callout.ok { border-color: #1a7f37; background: #eef8f0; }
			svg.chart { width: 100%; height: auto; max-width: 50rem; display: block; }
			svg.chart text { font-family: inherit; font-size: 12px; fill: #1f2328; }
			svg.chart .grid { stroke: #e4e8ec; stroke-width: 1; }
			svg.chart .axis { stroke: #57606a; stroke-width: 1; }
			details > summary { cursor: pointer; font-weight: 600; margin: .4rem 0; }
			footer { margin-top: 2.5rem; font-size: .85rem; }
			@page { size: A4; margin: 14mm; }
			@media print {
			  body { max-width: none; margin: 0; padding: 0; font-size: 10pt; }
			  h2 { break-after: avoid; }
			  tr, svg, pre { break-inside: avoid; }
			  thead { display: table-header-group; }
			  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
			}
			""";

	private HtmlReports() {
	}

	// ---------------------------------------------------------------------------------- plan.html

	/**
	 * {@code plan.html}: the migration plan for the clinic manager to review before approving it.
	 * Header (run id, source, mapping file, creation time, fingerprint, approval status and the
	 * command that approves it), then what will move (inventory), practitioners and owners, custom
	 * fields, HubSpot changes, shared emails, merged patients, what does not migrate and how to
	 * rebuild it, and the time and API budget.
	 */
	public static String plan(PlanReport plan) {
		StringBuilder body = new StringBuilder();
		body.append("<header><h1>Migration plan</h1>")
			.append(p("This plan lists what will move from Cliniko to HubSpot, what will change in HubSpot, and "
					+ "what needs attention. Nothing is migrated until the plan is approved."))
			.append(planFacts(plan))
			.append(approval(plan))
			.append("</header>");
		if (!plan.portalWarnings().isEmpty()) {
			body.append(section("portal", "Already in this HubSpot portal", null,
					"<div class=\"callout\">" + ul(plan.portalWarnings()) + "</div>"));
		}
		body.append(inventory(plan.inventory()))
			.append(owners(plan.practitioners()))
			.append(customFields(plan.customFields(), plan.source()))
			.append(schemaChanges(plan.schemaChanges(), plan.schemaFromPortal()))
			.append(sharedEmails(plan.sharedEmails()))
			.append(mergedPatients(plan.mergedPatients()))
			.append(rebuild(plan.rebuild()))
			.append(estimate(plan.estimate()));
		return page("Migration plan " + nz(plan.runId()), body.toString());
	}

	static String planFacts(PlanReport plan) {
		return facts(Map.of(), "Run id", code(plan.runId()), "Source", code(plan.source()), "Mapping file",
				code(plan.mappingFile()), "Created", esc(time(plan.createdAt())), "Fingerprint",
				code(plan.fingerprint()), "Status",
				plan.approved() ? badge("APPROVED", "ok") : badge("NOT APPROVED", "warn"));
	}

	static String approval(PlanReport plan) {
		String command = approveCommand(plan.source());
		if (plan.approved()) {
			return "<div class=\"callout ok\">" + pHtml("This plan is approved (fingerprint " + code(plan.fingerprint())
					+ ") and the migration can run. It was approved with:") + pre(command) + "</div>";
		}
		return "<div class=\"callout\">" + p("This plan is not approved yet. Review it, then approve it by running:")
				+ pre(command)
				+ p("If the Cliniko data or the mapping file changes, the fingerprint changes and the plan must be "
						+ "approved again.")
				+ "</div>";
	}

	/** The exact approval command; the source is shell-quoted when it needs to be. */
	static String approveCommand(String source) {
		String s = nz(source);
		String arg = SHELL_SAFE.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
		return "java -jar target/cliniko-bridge.jar plan --source=" + arg + " --approve";
	}

	static String inventory(List<InventoryRow> rows) {
		String intro = "Each row is one kind of Cliniko record and the HubSpot object it becomes. Archived and "
				+ "cancelled records are part of the total.";
		if (rows.isEmpty()) {
			return section("what-will-move", "What will move", intro, p("The source holds no records."));
		}
		List<String> trs = new ArrayList<>();
		boolean unknown = false;
		for (InventoryRow r : rows) {
			unknown |= r.archived() < 0 || r.cancelled() < 0;
			trs.add(tr("", td(r.object()), td(r.hubspotObject()), tdNum(r.total()), tdCount(r.archived()),
					tdCount(r.cancelled()), td(r.note())));
		}
		String foot = tr("", td("Total"), td(""), tdNum(rows.stream().mapToLong(InventoryRow::total).sum()), td(""),
				td(""), td(""));
		String table = table(List.of(th("Cliniko object"), th("Becomes in HubSpot"), thNum("Total"),
				thNum("Archived"), thNum("Cancelled"), th("Note")), trs, foot);
		String note = unknown ? p("“n/a” means the source cannot tell (CSV exports carry no archived flag).")
				: "";
		return section("what-will-move", "What will move", intro, table + note);
	}

	static String owners(List<OwnerRow> rows) {
		String intro = "Each Cliniko practitioner becomes the HubSpot owner of their records. Matched practitioners "
				+ "were found among the HubSpot users; fallback ones get the fallback owner; unresolved ones get "
				+ "no owner (highlighted). Owners are never created.";
		if (rows.isEmpty()) {
			return section("owners", "Practitioners and owners", intro, p("The source has no practitioners."));
		}
		long matched = rows.stream().filter(r -> "matched".equalsIgnoreCase(r.status())).count();
		long fallback = rows.stream().filter(r -> "fallback".equalsIgnoreCase(r.status())).count();
		long unresolved = rows.stream().filter(HtmlReports::unresolved).count();
		String counts = facts(Map.of("Unresolved", unresolved > 0 ? "warn" : ""), "Matched", num(matched),
				"Fallback", num(fallback), "Unresolved", num(unresolved));
		List<String> trs = rows.stream()
			.map(r -> tr(unresolved(r) ? "warn" : "", td(r.practitioner()), td(r.practitionerId()), td(r.status()),
					td(r.matchedBy()), td(r.ownerId())))
			.toList();
		String table = table(List.of(th("Practitioner"), th("Cliniko id"), th("Status"), th("Matched by"),
				th("HubSpot owner id")), trs, null);
		return section("owners", "Practitioners and owners", intro, counts + table);
	}

	private static boolean unresolved(OwnerRow r) {
		return "unresolved".equalsIgnoreCase(r.status());
	}

	static String customFields(List<CustomFieldRow> rows, String source) {
		String title = "Custom fields";
		if (rows.isEmpty()) {
			String none = nz(source).startsWith("csv") ? "The CSV export has no patient custom fields."
					: "The source has no patient custom fields.";
			return section("custom-fields", title, null, p(none));
		}
		List<String> trs = rows.stream()
			.map(r -> tr("", td(r.section()), td(r.field()), td(r.type()), tdCode(r.property()),
					td(r.propertyType()), td(r.archived() ? "yes" : "no")))
			.toList();
		String table = table(List.of(th("Section"), th("Cliniko field"), th("Type"), th("HubSpot contact property"),
				th("Property type"), th("Archived")), trs, null);
		return section("custom-fields", title,
				"Each patient custom field in Cliniko becomes a property of the HubSpot contact.", table);
	}

	static String schemaChanges(List<String> changes, boolean fromPortal) {
		String intro = fromPortal
				? "Computed against your HubSpot portal: these are the changes it still needs."
				: "Not checked against a HubSpot portal: this is the full list for a new portal. Anything that "
						+ "already exists is left as it is.";
		String content = changes.isEmpty() ? p("HubSpot needs no changes.") : ul(changes);
		return section("hubspot-changes", "HubSpot changes", intro, content);
	}

	static String sharedEmails(List<SharedEmailGroup> groups) {
		String intro = "HubSpot allows one contact per email address. When patients share an email, the patient "
				+ "with the lowest id (the keeper) keeps it. Email addresses are partly hidden here.";
		if (groups.isEmpty()) {
			return section("shared-emails", "Shared emails", null, p("No two patients share an email address."));
		}
		List<String> trs = groups.stream()
			.map(g -> tr("", td(g.maskedEmail()), td(g.keeperId()), td(String.join(", ", g.otherIds())),
					tdNum(g.otherIds().size())))
			.toList();
		String table = table(List.of(th("Email"), th("Keeper (patient id)"), th("Other patients"),
				thNum("Others")), trs, null);
		return section("shared-emails", "Shared emails", intro, table);
	}

	static String mergedPatients(List<MergedPatient> merged) {
		if (merged.isEmpty()) {
			return section("merged-patients", "Merged patients", null, p("No patients were merged in Cliniko."));
		}
		List<String> trs = merged.stream().map(m -> tr("", td(m.patientId()), td(m.survivorId()))).toList();
		return section("merged-patients", "Merged patients",
				"These patients were merged into another patient in Cliniko. Their records attach to the patient "
						+ "they were merged into.",
				table(List.of(th("Merged patient id"), th("Records go to patient id")), trs, null));
	}

	static String rebuild(List<RebuildItem> items) {
		String title = "What does not migrate, and how to rebuild it";
		if (items.isEmpty()) {
			return section("rebuild", title, null, p("Everything in the source migrates."));
		}
		List<String> trs = items.stream().map(i -> tr("", td(i.item()), td(i.rebuildInHubSpot()))).toList();
		return section("rebuild", title,
				"These parts of Cliniko have no place in HubSpot's data. The right column says how to set them "
						+ "up again in HubSpot.",
				table(List.of(th("Not migrated"), th("How to rebuild it in HubSpot")), trs, null));
	}

	static String estimate(Estimate e) {
		String title = "Time and API budget";
		if (e == null) {
			return section("estimate", title, null, p("No estimate is available."));
		}
		List<String> trs = List.of(
				tr("", td("Cliniko (read)"), tdNum(e.clinikoRequests()), tdText(num(e.clinikoPerMinute()) + " per minute"),
						tdText(minutes(e.clinikoMinutes()))),
				tr("", td("HubSpot (write)"), tdNum(e.hubspotRequests()),
						tdText(decimal(e.hubspotPerSecond()) + " per second"), tdText(minutes(e.hubspotMinutes()))));
		String foot = tr("", td("Total"), tdNum(e.clinikoRequests() + e.hubspotRequests()), td(""), td(""));
		String table = table(List.of(th("API"), thNum("Requests"), thNum("Rate limit"), thNum("Time at that rate")),
				trs, foot);
		String times = facts(Map.of(), "Fastest possible (bound)", esc(minutes(e.boundMinutes())),
				"Expected with this tool", "<strong>" + esc(minutes(e.expectedMinutes())) + "</strong>");
		String explain = p("The bound is the time the slower of the two APIs needs at its rate limit: no tool can "
				+ "migrate faster. This tool reads from Cliniko and writes to HubSpot in turn, so it expects the "
				+ "two times added together.");
		return section("estimate", title,
				"A full migration needs this many API requests at the configured rate limits.", table + times + explain);
	}

	// -------------------------------------------------------------------------------- report.html

	/**
	 * {@code report.html}: what a run did. Header (run id, command, status badge COMPLETED / FAILED /
	 * STOPPED, dry run, source, start, end, duration), records per object with a total row, API
	 * usage, a throughput chart (stacked bars of records per second over time, one colour per
	 * object), notes, and the rejected records with their reasons (the first ones when the list was
	 * cut; all are in {@code rejected.csv}).
	 */
	public static String run(RunReportData data) {
		RunSummary s = data.summary();
		StringBuilder body = new StringBuilder();
		body.append("<header><h1>Migration run report</h1>")
			.append(runFacts(s))
			.append(p(statusSentence(s.status(), s.dryRun())))
			.append("</header>");
		body.append(objectCounts(s.objects()))
			.append(httpUsage(s.http()))
			.append(throughput(data.throughput()))
			.append(notes(data.notes()))
			.append(rejected(data.rejected(), data.rejectedTotal()));
		return page("Migration run report " + nz(s.runId()), body.toString());
	}

	static String runFacts(RunSummary s) {
		return facts(Map.of(), "Run id", code(s.runId()), "Command", code(s.command()), "Status",
				statusBadge(s.status()), "Dry run",
				esc(s.dryRun() ? "Yes (a rehearsal: nothing was written to HubSpot)" : "No"), "Source",
				code(s.source()), "Started", esc(time(s.startedAt())), "Ended", esc(time(s.endedAt())), "Duration",
				esc(duration(s.durationMs())));
	}

	static String statusBadge(String status) {
		String s = nz(status).toUpperCase(Locale.ROOT);
		String kind = switch (s) {
			case "COMPLETED" -> "ok";
			case "FAILED" -> "bad";
			case "STOPPED" -> "warn";
			default -> "neutral";
		};
		return badge(s.isEmpty() ? "UNKNOWN" : s, kind);
	}

	static String statusSentence(String status, boolean dryRun) {
		String s = switch (nz(status).toUpperCase(Locale.ROOT)) {
			case "COMPLETED" -> "The run finished.";
			case "FAILED" -> "The run failed before it finished. Started again, it continues where it stopped.";
			case "STOPPED" -> "The run was stopped before it finished. Started again, it continues where it stopped.";
			default -> "The run has not finished.";
		};
		return dryRun ? s + " This was a dry run, so HubSpot was not changed." : s;
	}

	static String objectCounts(Map<String, ObjectCounts> objects) {
		String intro = "Read is the number of records found in Cliniko. Each of them was created in HubSpot, "
				+ "updated, left unchanged (already up to date), rejected (its data cannot be migrated; see "
				+ "below) or failed (HubSpot did not accept it).";
		if (objects.isEmpty()) {
			return section("records", "Records per object", null, p("No records were read."));
		}
		List<String> trs = new ArrayList<>();
		ObjectCounts total = new ObjectCounts(0, 0, 0, 0, 0, 0);
		for (Map.Entry<String, ObjectCounts> e : objects.entrySet()) {
			ObjectCounts c = e.getValue();
			trs.add(countsRow(td(e.getKey()), c));
			total = new ObjectCounts(total.read() + c.read(), total.created() + c.created(),
					total.updated() + c.updated(), total.unchanged() + c.unchanged(), total.rejected() + c.rejected(),
					total.failed() + c.failed());
		}
		String table = table(List.of(th("Object"), thNum("Read"), thNum("Created"), thNum("Updated"),
				thNum("Unchanged"), thNum("Rejected"), thNum("Failed")), trs, countsRow(td("Total"), total));
		return section("records", "Records per object", intro, table);
	}

	private static String countsRow(String first, ObjectCounts c) {
		return tr("", first, tdNum(c.read()), tdNum(c.created()), tdNum(c.updated()), tdNum(c.unchanged()),
				tdAlert(c.rejected()), tdAlert(c.failed()));
	}

	static String httpUsage(Map<String, HttpCounts> http) {
		String intro = "Requests made to each API. Throttled requests were slowed down by the API's rate limit; "
				+ "retried requests were sent again after a temporary error.";
		if (http.isEmpty()) {
			return section("api-usage", "API usage", null, p("No API requests were made."));
		}
		List<String> trs = http.entrySet()
			.stream()
			.map(e -> tr("", td(e.getKey()), tdNum(e.getValue().requests()), tdNum(e.getValue().throttled()),
					tdNum(e.getValue().retried())))
			.toList();
		return section("api-usage", "API usage", intro,
				table(List.of(th("API"), thNum("Requests"), thNum("Throttled"), thNum("Retried")), trs, null));
	}

	static String throughput(List<ThroughputPoint> points) {
		String title = "Throughput";
		if (points.isEmpty()) {
			return section("throughput", title, null, p("No records were recorded, so there is no throughput to show."));
		}
		Chart chart = Chart.of(points);
		String intro = "Records recorded per second over the run. Each bar is one interval; its colours show how "
				+ "many records of each object were recorded in it.";
		String summary = p("In total " + num(chart.totalRecords) + " records in " + num(chart.maxX)
				+ " seconds: on average " + decimal(chart.totalRecords / (double) Math.max(1, chart.maxX))
				+ " records per second; the busiest interval reached " + decimal(chart.maxY) + " records per second.");
		return section("throughput", title, intro, chart.svg() + summary);
	}

	static String notes(List<String> notes) {
		return section("notes", "Notes", null, notes.isEmpty() ? p("No notes.") : ul(notes));
	}

	static String rejected(List<Rejected> rejected, long total) {
		String title = "Rejected records";
		if (rejected.isEmpty() && total == 0) {
			return section("rejected", title, null, p("No records were rejected."));
		}
		String intro = "These records were not migrated because their data cannot be accepted by HubSpot. Fix them "
				+ "in Cliniko and run the migration again.";
		String shown = total > rejected.size()
				? pHtml("Showing the first " + num(rejected.size()) + " of " + num(total) + "; all are in "
						+ code("rejected.csv") + ".")
				: "";
		List<String> trs = rejected.stream()
			.map(r -> tr("", td(r.objectType()), td(r.sourceRef()), td(r.clinikoId()), td(r.field()),
					td(r.reason())))
			.toList();
		String table = table(List.of(th("Object"), th("Source"), th("Cliniko id"), th("Field"), th("Reason")), trs,
				null);
		return section("rejected", title, intro, shown + table);
	}

	// ---------------------------------------------------------------------------------- diff.html

	/**
	 * {@code diff.html}: a sample migration's field-level check. Header (run id; records,
	 * properties compared, disagreements), then the disagreeing properties first (highlighted),
	 * then the agreeing ones inside a collapsed {@code <details>}. Each row shows object, Cliniko
	 * id, HubSpot id, property, the Cliniko value, the value sent, the value HubSpot holds, and
	 * whether they agree (✓ / ✗).
	 */
	public static String diff(String runId, List<DiffRow> rows) {
		List<DiffRow> bad = rows.stream().filter(r -> !r.agrees()).toList();
		List<DiffRow> good = rows.stream().filter(DiffRow::agrees).toList();
		long records = rows.stream().map(r -> nz(r.object()) + "\u0000" + nz(r.clinikoId())).distinct().count();
		StringBuilder body = new StringBuilder();
		body.append("<header><h1>Sample migration: field-by-field check</h1>")
			.append(p("A sample of records was migrated and read back from HubSpot. For every property this page "
					+ "compares the value in Cliniko, the value sent to HubSpot and the value HubSpot holds now."))
			.append(facts(Map.of("Disagreements", bad.isEmpty() ? "" : "warn"), "Run id", code(runId), "Records",
					num(records), "Properties compared", num(rows.size()), "Disagreements", num(bad.size())))
			.append("</header>");
		body.append(section("disagreements", "Disagreements",
				bad.isEmpty() ? null : "HubSpot holds something other than what Cliniko has for these properties.",
				bad.isEmpty() ? p("None: every compared property agrees.") : diffTable(bad, "bad")));
		String agreeing = good.isEmpty() ? p("No property agrees.")
				: "<details><summary>Show " + num(good.size()) + " agreeing properties</summary>"
						+ diffTable(good, "") + "</details>";
		body.append(section("agreements", "Agreements", null, agreeing));
		return page("Sample migration check " + nz(runId), body.toString());
	}

	static String diffTable(List<DiffRow> rows, String rowClass) {
		List<String> trs = rows.stream()
			.map(r -> tr(rowClass, td(r.object()), td(r.clinikoId()), td(r.hubspotId()), tdCode(r.property()),
					tdValue(r.clinikoValue()), tdValue(r.sentValue()), tdValue(r.hubspotValue()),
					r.agrees() ? "<td class=\"yes\" title=\"agrees\">✓</td>"
							: "<td class=\"no\" title=\"disagrees\">✗</td>"))
			.toList();
		return table(List.of(th("Object"), th("Cliniko id"), th("HubSpot id"), th("Property"), th("Cliniko value"),
				th("Sent"), th("HubSpot holds"), th("Agrees")), trs, null);
	}

	// ------------------------------------------------------------------------------ reconcile.html

	/**
	 * {@code reconcile.html}: whether Cliniko and HubSpot agree after a run. Header (reconcile and
	 * migrate run ids, verdict), a table per object (source records, expected in HubSpot, present,
	 * values compared, and one column per mismatch kind, non-zero cells highlighted), then the
	 * first 1,000 mismatches (all are in reconcile.csv).
	 */
	public static String reconcile(ReconcileReport r) {
		StringBuilder body = new StringBuilder();
		body.append("<header><h1>Reconciliation: Cliniko against HubSpot</h1>")
			.append(facts(Map.of("Mismatches", r.clean() ? "" : "warn"), "Reconcile run", code(r.runId()),
					"Migration run", code(r.targetRunId()), "Status", statusBadge(r.status()), "Mismatches",
					num(r.mismatches().size())))
			.append(p(r.clean() ? "Every record is in HubSpot exactly once, with the mapped values and associations."
					: "HubSpot differs from what the mapping makes of the Cliniko data; each difference is listed below."))
			.append("</header>");
		List<String> headers = new java.util.ArrayList<>(List.of(th("Object"), th("In source"), th("Expected"),
				th("Present"), th("Values compared")));
		ReconcileReport.KINDS.forEach(k -> headers.add(th(k)));
		List<String> rows = new java.util.ArrayList<>();
		r.byObject().forEach((object, counts) -> {
			List<String> cells = new java.util.ArrayList<>(List.of(td(object),
					"<td class=\"num\">" + num(counts.getOrDefault("sourceRecords", 0L)) + "</td>",
					"<td class=\"num\">" + num(counts.getOrDefault("expected", 0L)) + "</td>",
					"<td class=\"num\">" + num(counts.getOrDefault("present", 0L)) + "</td>",
					"<td class=\"num\">" + num(counts.getOrDefault("valuesCompared", 0L)) + "</td>"));
			boolean bad = false;
			for (String k : ReconcileReport.KINDS) {
				long n = counts.getOrDefault(k, 0L);
				bad |= n > 0;
				cells.add("<td class=\"num" + (n > 0 ? " no" : "") + "\">" + num(n) + "</td>");
			}
			rows.add(tr(bad ? "bad" : "", cells.toArray(String[]::new)));
		});
		body.append(section("objects", "Per object", "In source counts what the run's source holds; expected counts"
				+ " what the mapping sends to HubSpot (rejected and merged records are not expected).",
				table(headers, rows, null)));
		List<String> mismatchRows = r.mismatches()
			.stream()
			.limit(1000)
			.map(m -> tr("bad", td(m.objectType()), td(m.clinikoId()), td(m.hubspotId()), td(m.kind()),
					tdCode(m.property()), tdValue(m.expected()), tdValue(m.actual())))
			.toList();
		String shown = r.mismatches().size() > 1000 ? pHtml("Showing the first 1,000 of "
				+ num(r.mismatches().size()) + "; all are in " + code("reconcile.csv") + ".") : "";
		body.append(section("mismatches", "Mismatches", null, r.clean() ? p("None.")
				: shown + table(List.of(th("Object"), th("Cliniko id"), th("HubSpot id"), th("Kind"), th("Property"),
						th("Expected"), th("HubSpot holds")), mismatchRows, null)));
		return page("Reconciliation " + nz(r.runId()), body.toString());
	}

	// ------------------------------------------------------------------------------- throughput SVG

	/** A stacked bar chart of records per second per bucket, one series group per object. */
	static final class Chart {

		static final int W = 760, H = 330, LEFT = 64, RIGHT = 176, TOP = 14, BOTTOM = 50;

		static final int PLOT_W = W - LEFT - RIGHT, PLOT_H = H - TOP - BOTTOM;

		final List<String> objects;

		/** bucket start → [bucket length, then records per second of each object, in object order]. */
		final TreeMap<Long, double[]> buckets = new TreeMap<>();

		long maxX;

		double maxY;

		long totalRecords;

		/** The end of the x axis: {@code maxX} rounded up to a tick. */
		double xTop;

		private Chart(List<String> objects) {
			this.objects = objects;
		}

		static Chart of(List<ThroughputPoint> points) {
			Set<String> names = new LinkedHashSet<>();
			points.forEach(p -> names.add(nz(p.object())));
			Chart c = new Chart(List.copyOf(names));
			for (ThroughputPoint p : points) {
				long len = Math.max(1, p.bucketSeconds());
				double[] b = c.buckets.computeIfAbsent(p.secondsFromStart(), k -> new double[c.objects.size() + 1]);
				b[0] = Math.max(b[0], len);
				b[1 + c.objects.indexOf(nz(p.object()))] += p.records() / (double) len;
				c.maxX = Math.max(c.maxX, p.secondsFromStart() + len);
				c.totalRecords += p.records();
			}
			for (double[] b : c.buckets.values()) {
				double sum = 0;
				for (int i = 1; i < b.length; i++) {
					sum += b[i];
				}
				c.maxY = Math.max(c.maxY, sum);
			}
			return c;
		}

		String svg() {
			double yStep = niceStep(maxY > 0 ? maxY : 1, 5);
			double yTop = Math.max(yStep, Math.ceil((maxY > 0 ? maxY : 1) / yStep - 1e-9) * yStep);
			double xStep = timeStep(maxX, 6);
			xTop = Math.ceil(maxX / xStep - 1e-9) * xStep;
			StringBuilder s = new StringBuilder();
			s.append("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
				.append(W)
				.append(' ')
				.append(H)
				.append("\" role=\"img\" aria-label=\"Records per second over time, by object\">");
			yAxis(s, yStep, yTop);
			xAxis(s, xStep);
			bars(s, yTop);
			legend(s);
			return s.append("</svg>").toString();
		}

		private double sx(double seconds) {
			return LEFT + seconds / xTop * PLOT_W;
		}

		private void yAxis(StringBuilder s, double step, double top) {
			for (int i = 0; i * step <= top + 1e-9; i++) {
				double v = i * step;
				double y = TOP + PLOT_H - v / top * PLOT_H;
				s.append(line(LEFT, y, LEFT + PLOT_W, y, i == 0 ? "axis" : "grid"))
					.append(text(LEFT - 6, y + 4, "end", tick(v)));
			}
			s.append(line(LEFT, TOP, LEFT, TOP + PLOT_H, "axis"))
				.append("<text x=\"14\" y=\"")
				.append(TOP + PLOT_H / 2)
				.append("\" text-anchor=\"middle\" transform=\"rotate(-90 14 ")
				.append(TOP + PLOT_H / 2)
				.append(")\">Records per second</text>");
		}

		private void xAxis(StringBuilder s, double step) {
			int base = TOP + PLOT_H;
			for (int i = 0; i * step <= xTop + 1e-9; i++) {
				double x = sx(i * step);
				s.append(line(x, base, x, base + 5, "axis")).append(text(x, base + 18, "middle", tick(i * step)));
			}
			s.append(text(LEFT + PLOT_W / 2.0, H - 10, "middle", "Seconds from start"));
		}

		private void bars(StringBuilder s, double yTop) {
			double[] stacked = new double[buckets.size()];
			for (int o = 0; o < objects.size(); o++) {
				s.append("<g class=\"series\" data-object=\"")
					.append(esc(objects.get(o)))
					.append("\" fill=\"")
					.append(COLOURS[o % COLOURS.length])
					.append("\">");
				int i = 0;
				for (Map.Entry<Long, double[]> e : buckets.entrySet()) {
					double rate = e.getValue()[1 + o];
					if (rate > 0) {
						s.append(bar(e.getKey(), (long) e.getValue()[0], stacked[i], rate, yTop, objects.get(o)));
					}
					stacked[i++] += rate;
				}
				s.append("</g>");
			}
		}

		private String bar(long start, long len, double base, double rate, double yTop, String object) {
			double x0 = sx(start), x1 = sx(start + len);
			double gap = x1 - x0 > 4 ? 1 : 0;
			double h = rate / yTop * PLOT_H;
			double y = TOP + PLOT_H - (base + rate) / yTop * PLOT_H;
			return String.format(Locale.ROOT, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\">", x0 + gap / 2,
					y, Math.max(0.5, x1 - x0 - gap), h)
					+ "<title>" + esc(object + ": " + decimal(rate) + " records/s, " + num(start) + "–"
							+ num(start + len) + " s") + "</title></rect>";
		}

		private void legend(StringBuilder s) {
			int x = LEFT + PLOT_W + 18;
			s.append("<g class=\"legend\">");
			for (int o = 0; o < objects.size(); o++) {
				int y = TOP + 4 + o * 20;
				s.append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"12\" height=\"12\" fill=\"")
					.append(COLOURS[o % COLOURS.length])
					.append("\"></rect>")
					.append(text(x + 18, y + 10, "start", abbreviate(objects.get(o), 22)));
			}
			s.append("</g>");
		}

		private static String line(double x1, double y1, double x2, double y2, String cls) {
			return String.format(Locale.ROOT,
					"<line class=\"%s\" x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\"></line>", cls, x1, y1, x2, y2);
		}

		private static String text(double x, double y, String anchor, String value) {
			return String.format(Locale.ROOT, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"%s\">", x, y, anchor)
					+ esc(value) + "</text>";
		}

		private static String tick(double v) {
			return v == Math.rint(v) ? num((long) v) : decimal(v);
		}
	}

	/** A step of 1, 2, 2.5 or 5 × 10ⁿ that divides {@code max} into about {@code count} ticks. */
	static double niceStep(double max, int count) {
		double raw = Math.max(max, 1e-9) / count;
		double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
		double n = raw / magnitude;
		double nice = n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10;
		return nice * magnitude;
	}

	/** A step in seconds that reads as time (1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1 h…). */
	static double timeStep(double max, int count) {
		long[] steps = { 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400 };
		for (long step : steps) {
			if (max / step <= count) {
				return step;
			}
		}
		return niceStep(max, count);
	}

	// ----------------------------------------------------------------------------- HTML building

	static String page(String title, String body) {
		return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
				+ "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" + esc(title)
				+ "</title>\n<style>\n" + CSS + "</style>\n</head>\n<body>\n" + body
				+ "\n<footer class=\"muted\">Generated by cliniko-bridge.</footer>\n</body>\n</html>\n";
	}

	/** A section with a heading, an optional explanatory sentence (plain text) and content (HTML). */
	static String section(String id, String heading, String intro, String content) {
		return "\n<section id=\"" + esc(id) + "\">\n<h2>" + esc(heading) + "</h2>\n"
				+ (intro == null ? "" : p(intro)) + content + "\n</section>";
	}

	/** A two-column table of label → value (HTML); labels named in {@code classes} get that row class. */
	static String facts(Map<String, String> classes, String... labelsAndValues) {
		StringBuilder s = new StringBuilder("<table class=\"facts\"><tbody>");
		for (int i = 0; i + 1 < labelsAndValues.length; i += 2) {
			String cls = classes.getOrDefault(labelsAndValues[i], "");
			s.append(cls.isEmpty() ? "<tr>" : "<tr class=\"" + cls + "\">")
				.append("<th scope=\"row\">")
				.append(esc(labelsAndValues[i]))
				.append(labelsAndValues[i + 1].matches("[0-9,]+") ? "</th><td class=\"num\">" : "</th><td>")
				.append(labelsAndValues[i + 1])
				.append("</td></tr>");
		}
		return s.append("</tbody></table>").toString();
	}

	/** A table: header cells, body rows and an optional footer row (all HTML). */
	static String table(List<String> headers, List<String> rows, String footRow) {
		StringBuilder s = new StringBuilder("<table><thead><tr>");
		headers.forEach(s::append);
		s.append("</tr></thead><tbody>");
		rows.forEach(r -> s.append('\n').append(r));
		s.append("</tbody>");
		if (footRow != null) {
			s.append("<tfoot>").append(footRow).append("</tfoot>");
		}
		return s.append("</table>").toString();
	}

	static String tr(String cls, String... cells) {
		return (cls == null || cls.isEmpty() ? "<tr>" : "<tr class=\"" + cls + "\">") + String.join("", cells)
				+ "</tr>";
	}

	static String th(String text) {
		return "<th scope=\"col\">" + esc(text) + "</th>";
	}

	static String thNum(String text) {
		return "<th scope=\"col\" class=\"num\">" + esc(text) + "</th>";
	}

	static String td(Object value) {
		return "<td>" + esc(value) + "</td>";
	}

	/** A right-aligned cell of already formatted text. */
	static String tdText(String text) {
		return "<td class=\"num\">" + esc(text) + "</td>";
	}

	static String tdNum(long n) {
		return tdText(num(n));
	}

	/** A count where -1 means unknown. */
	static String tdCount(long n) {
		return n < 0 ? "<td class=\"num muted\">n/a</td>" : tdNum(n);
	}

	/** A count that is highlighted when not zero (rejected, failed). */
	static String tdAlert(long n) {
		return n == 0 ? tdNum(n) : "<td class=\"num warn\">" + esc(num(n)) + "</td>";
	}

	/** A free-text value; null or empty shows as “(empty)”. */
	static String tdValue(String value) {
		return value == null || value.isEmpty() ? "<td class=\"val muted\">(empty)</td>"
				: "<td class=\"val\">" + esc(value) + "</td>";
	}

	/** A paragraph of plain text. */
	static String p(String text) {
		return pHtml(esc(text));
	}

	/** A paragraph of HTML (already escaped). */
	static String pHtml(String html) {
		return "<p>" + html + "</p>";
	}

	static String ul(List<String> items) {
		StringBuilder s = new StringBuilder("<ul>");
		items.forEach(i -> s.append("<li>").append(esc(i)).append("</li>"));
		return s.append("</ul>").toString();
	}

	static String code(Object value) {
		return value == null ? "" : "<code>" + esc(value) + "</code>";
	}

	/** {@code <td><code>value</code></td>}. */
	static String tdCode(Object value) {
		return "<td>" + code(value) + "</td>";
	}

	static String pre(String text) {
		return "<pre class=\"cmd\">" + esc(text) + "</pre>";
	}

	static String badge(String text, String kind) {
		return "<span class=\"badge " + kind + "\">" + esc(text) + "</span>";
	}

	// ----------------------------------------------------------------------------------- formatting

	/** HTML-escapes a value for text and attribute contexts; null is empty. */
	static String esc(Object value) {
		return value == null ? "" : Entities.escape(String.valueOf(value));
	}

	static String nz(String s) {
		return s == null ? "" : s;
	}

	/** 1234567 → "1,234,567". */
	static String num(long n) {
		return String.format(Locale.ENGLISH, "%,d", n);
	}

	/** Up to two decimals with thousands separators: 1234.5 → "1,234.5". */
	static String decimal(double d) {
		String s = String.format(Locale.ENGLISH, "%,.2f", d);
		return s.contains(".") ? s.replaceAll("\\.?0+$", "") : s;
	}

	static String time(Instant instant) {
		return instant == null ? "—" : TIME.format(instant);
	}

	/** 3_725_000 → "1 h 2 min 5 s"; under a second in milliseconds. */
	static String duration(long ms) {
		if (ms < 1000) {
			return Math.max(0, ms) + " ms";
		}
		long s = ms / 1000;
		long h = s / 3600, m = s % 3600 / 60, sec = s % 60;
		return h > 0 ? h + " h " + m + " min " + sec + " s" : m > 0 ? m + " min " + sec + " s" : sec + " s";
	}

	/** 12.34 → "12.3 minutes"; from an hour on also "(about 2 h 5 min)". */
	static String minutes(double minutes) {
		String s = String.format(Locale.ENGLISH, "%,.1f minutes", minutes);
		if (minutes >= 60) {
			long total = Math.round(minutes);
			s += " (about " + num(total / 60) + " h " + total % 60 + " min)";
		}
		return s;
	}

	static String abbreviate(String s, int max) {
		return s.length() <= max ? s : s.substring(0, max - 1) + "…";
	}
}
