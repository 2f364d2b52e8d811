package com.clinikobridge.report;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlReportsTests {

	static final String XSS = "<script>alert(1)</script>";

	@Test
	void planShowsHeaderApprovalCommandAndEverySection() {
		// given a plan from the API with owners, fields, shared emails and merged patients
		PlanReport plan = samplePlan("api", false);

		// when
		String html = HtmlReports.plan(plan);
		Document doc = Jsoup.parse(html);

		// then it is one self-contained document
		assertSelfContained(html, doc);
		assertThat(doc.title()).isEqualTo("Migration plan plan-20250520-0100");
		assertThat(doc.select("h1").text()).isEqualTo("Migration plan");
		assertThat(doc.select("h2").eachText()).containsExactly("What will move", "Practitioners and owners",
				"Custom fields", "HubSpot changes", "Shared emails", "Merged patients",
				"What does not migrate, and how to rebuild it", "Time and API budget");
		// and the header holds the facts and the exact approval command
		Element facts = doc.selectFirst("header table.facts");
		assertThat(facts.select("th").eachText()).containsExactly("Run id", "Source", "Mapping file", "Created",
				"Fingerprint", "Status");
		assertThat(facts.text()).contains("mapping.yml", "2025-05-20 01:00:00 UTC", "9f86d081884c", "NOT APPROVED");
		assertThat(doc.select("header pre.cmd").text())
			.isEqualTo("java -jar target/cliniko-bridge.jar plan --source=api --approve");
		// and the inventory has one row per object, right-aligned totals with separators and n/a for -1
		Elements inventory = doc.select("#what-will-move tbody tr");
		assertThat(inventory).hasSize(3);
		assertThat(inventory.get(0).select("td")).hasSize(6);
		assertThat(inventory.get(0).select("td").eachText()).containsExactly("patients", "contacts", "12,345", "120",
				"n/a");
		assertThat(inventory.get(0).select("td.num")).hasSize(3);
		assertThat(doc.select("#what-will-move tfoot td").eachText()).contains("13,845");
		// and unresolved practitioners are counted and highlighted
		assertThat(doc.select("#owners table.facts td").eachText()).containsExactly("1", "1", "1");
		assertThat(doc.select("#owners tbody tr.warn").text()).contains("Dr Who");
		assertThat(doc.select("#owners table:not(.facts) tbody tr")).hasSize(3);
		// and the other sections show their rows
		assertThat(doc.select("#custom-fields tbody tr td code").text()).isEqualTo("cliniko_cf_allergies");
		assertThat(doc.select("#hubspot-changes").text()).contains("Computed against your HubSpot portal");
		assertThat(doc.select("#hubspot-changes li").eachText()).containsExactly("create property group cliniko",
				"create object appointments");
		assertThat(doc.select("#shared-emails tbody tr td").eachText()).containsExactly("j***@example.com", "11",
				"12, 13", "2");
		assertThat(doc.select("#merged-patients tbody tr td").eachText()).containsExactly("14", "11");
		assertThat(doc.select("#rebuild tbody tr")).hasSize(2);
		// and the budget explains the bound and shows both times
		String budget = doc.select("#estimate").text();
		assertThat(budget).contains("1,200", "48,000", "200 per minute", "10 per second", "bound", "80.0 minutes",
				"86.0 minutes (about 1 h 26 min)", "no tool can migrate faster");
	}

	@Test
	void planOfACsvSourceSaysWhatIsMissingAndQuotesTheSource() {
		// given a CSV plan without custom fields, merges or shared emails, not checked against a portal
		PlanReport plan = new PlanReport("plan-2", "csv:My Export", "mapping.yml", Instant.parse("2025-05-20T01:00:00Z"),
				"abc", true, List.of(new InventoryRow("patients", "contacts", 3, -1, -1, null)), List.of(), List.of(),
				List.of("create property group cliniko"), false, List.of(), List.of(), List.of(), null);

		// when
		Document doc = Jsoup.parse(HtmlReports.plan(plan));

		// then
		assertThat(doc.select("#custom-fields").text()).contains("The CSV export has no patient custom fields.");
		assertThat(doc.select("#custom-fields table")).isEmpty();
		assertThat(doc.select("#hubspot-changes").text()).contains("full list for a new portal");
		assertThat(doc.select("#shared-emails").text()).contains("No two patients share an email address.");
		assertThat(doc.select("#merged-patients").text()).contains("No patients were merged");
		assertThat(doc.select("#what-will-move").text()).contains("CSV exports carry no archived flag");
		assertThat(doc.select("header .badge.ok").text()).isEqualTo("APPROVED");
		assertThat(doc.select("header pre.cmd").text())
			.isEqualTo("java -jar target/cliniko-bridge.jar plan --source='csv:My Export' --approve");
	}

	@Test
	void runReportShowsStatusCountsUsageAndAThroughputChart() {
		// given a failed run with three objects in the throughput and a cut rejected list
		RunReportData data = sampleRun("FAILED");

		// when
		String html = HtmlReports.run(data);
		Document doc = Jsoup.parse(html);

		// then
		assertSelfContained(html, doc);
		assertThat(doc.title()).isEqualTo("Migration run report run-20250520-0100");
		assertThat(doc.select("h2").eachText()).containsExactly("Records per object", "API usage", "Throughput",
				"Notes", "Rejected records");
		assertThat(doc.select("header .badge.bad").text()).isEqualTo("FAILED");
		assertThat(doc.select("header table.facts").text()).contains("migrate --source=api", "Dry run No",
				"1 h 2 min 5 s", "2025-05-20 02:02:05 UTC");
		// and the counts have one row per object and a total row
		assertThat(doc.select("#records tbody tr")).hasSize(3);
		assertThat(doc.select("#records thead th").eachText()).containsExactly("Object", "Read", "Created", "Updated",
				"Unchanged", "Rejected", "Failed");
		assertThat(doc.select("#records tfoot td").eachText()).containsExactly("Total", "13,545", "12,300", "900",
				"335", "5", "5");
		assertThat(doc.select("#records tbody td.warn")).hasSize(2);
		assertThat(doc.select("#api-usage tbody tr")).hasSize(2);
		assertThat(doc.select("#api-usage tbody tr").get(1).select("td").eachText()).containsExactly("hubspot",
				"1,520", "7", "3");
		// and the chart is inline SVG with one bar group per object, a legend, axis labels and ticks
		Element svg = doc.selectFirst("#throughput svg");
		assertThat(svg).isNotNull();
		Elements series = svg.select("g.series");
		assertThat(series.eachAttr("data-object")).containsExactly("patients", "appointments", "invoices");
		assertThat(series).allSatisfy(g -> assertThat(g.select("rect")).isNotEmpty());
		assertThat(series.get(0).select("rect")).hasSize(3);
		assertThat(series.eachAttr("fill")).doesNotHaveDuplicates();
		assertThat(svg.select("g.legend text").eachText()).containsExactly("patients", "appointments", "invoices");
		assertThat(svg.select("text").eachText()).contains("Seconds from start", "Records per second", "0", "30",
				"60", "90", "120", "150", "180");
		// and notes and rejected records follow, saying the list was cut
		assertThat(doc.select("#notes li").eachText()).containsExactly("1 practitioner(s) resolved to no HubSpot owner");
		assertThat(doc.select("#rejected tbody tr")).hasSize(2);
		assertThat(doc.select("#rejected thead th").eachText()).containsExactly("Object", "Source", "Cliniko id",
				"Field", "Reason");
		assertThat(doc.select("#rejected").text()).contains("Showing the first 2 of 5; all are in rejected.csv.");
	}

	@Test
	void runReportWithoutThroughputSaysSo() {
		// given a completed dry run with nothing recorded
		RunSummary summary = new RunSummary("run-3", "migrate --dry-run", "COMPLETED", "api", true,
				Instant.parse("2025-05-20T01:00:00Z"), Instant.parse("2025-05-20T01:00:01Z"), 800, Map.of(), Map.of());

		// when
		Document doc = Jsoup.parse(HtmlReports.run(new RunReportData(summary, List.of(), 0, List.of(), List.of())));

		// then
		assertThat(doc.select("svg")).isEmpty();
		assertThat(doc.select("#throughput").text()).contains("no throughput to show");
		assertThat(doc.select("header .badge.ok").text()).isEqualTo("COMPLETED");
		assertThat(doc.select("header").text()).contains("HubSpot was not changed", "800 ms");
		assertThat(doc.select("#rejected").text()).contains("No records were rejected.");
		assertThat(doc.select("#notes").text()).contains("No notes.");
	}

	@Test
	void diffListsDisagreementsBeforeAgreements() {
		// given two records, one property of which disagrees
		List<DiffRow> rows = sampleDiff();

		// when
		String html = HtmlReports.diff("run-9", rows);
		Document doc = Jsoup.parse(html);

		// then
		assertSelfContained(html, doc);
		assertThat(doc.title()).isEqualTo("Sample migration check run-9");
		assertThat(doc.select("header table.facts td").eachText()).containsExactly("run-9", "2", "4", "1");
		assertThat(doc.select("h2").eachText()).containsExactly("Disagreements", "Agreements");
		Elements tables = doc.select("section table");
		assertThat(tables).hasSize(2);
		assertThat(tables.get(0).select("thead th").eachText()).containsExactly("Object", "Cliniko id", "HubSpot id",
				"Property", "Cliniko value", "Sent", "HubSpot holds", "Agrees");
		assertThat(tables.get(0).select("tbody tr")).hasSize(1).allSatisfy(tr -> assertThat(tr.hasClass("bad")).isTrue());
		assertThat(tables.get(0).select("tbody td").eachText()).containsExactly("contacts", "11", "501", "phone",
				"0400 000 000", "+61400000000", "(empty)", "✗");
		assertThat(tables.get(1).parent().tagName()).isEqualTo("details");
		assertThat(tables.get(1).select("tbody tr")).hasSize(3);
		assertThat(tables.get(1).select("td.yes").eachText()).containsOnly("✓");
		assertThat(html.indexOf("phone")).isLessThan(html.indexOf("firstname"));
	}

	@Test
	void valuesAreEscapedInEveryDocument() {
		// given names, reasons and values carrying markup
		PlanReport plan = samplePlan("api", false);
		RunReportData run = sampleRun("STOPPED");
		List<DiffRow> diff = List.of(new DiffRow("contacts", "1", "2", "notes", XSS, XSS, "<b>x</b>", false));

		// when
		List<String> docs = List.of(HtmlReports.plan(plan), HtmlReports.run(run), HtmlReports.diff(XSS, diff));

		// then no markup from the data survives as elements, and the text reads as typed
		for (String html : docs) {
			Document doc = Jsoup.parse(html);
			assertThat(doc.select("script")).isEmpty();
			assertThat(doc.select("section b")).isEmpty();
			assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script");
			assertThat(doc.text()).contains(XSS);
		}
		assertThat(Jsoup.parse(docs.get(1)).select("header .badge.warn").text()).isEqualTo("STOPPED");
	}

	@Test
	void helpersFormatNumbersDurationsAndTicks() {
		assertThat(HtmlReports.num(1234567)).isEqualTo("1,234,567");
		assertThat(HtmlReports.decimal(1234.5)).isEqualTo("1,234.5");
		assertThat(HtmlReports.decimal(20.0)).isEqualTo("20");
		assertThat(HtmlReports.duration(45_000)).isEqualTo("45 s");
		assertThat(HtmlReports.minutes(12.34)).isEqualTo("12.3 minutes");
		assertThat(HtmlReports.niceStep(180, 6)).isEqualTo(50.0);
		assertThat(HtmlReports.niceStep(7.3, 5)).isEqualTo(2.0);
		assertThat(HtmlReports.timeStep(180, 6)).isEqualTo(30.0);
		assertThat(HtmlReports.timeStep(3_700, 6)).isEqualTo(900.0);
		assertThat(HtmlReports.esc("a & \"b\" <c>")).doesNotContain("<", "\"");
	}

	// ------------------------------------------------------------------------------------ samples

	static void assertSelfContained(String html, Document doc) {
		assertThat(html).startsWith("<!DOCTYPE html>");
		assertThat(doc.documentType().name()).isEqualTo("html");
		assertThat(doc.select("head > meta[charset]").attr("charset")).isEqualToIgnoringCase("utf-8");
		assertThat(doc.select("head > style")).hasSize(1);
		assertThat(doc.select("script, link, img, iframe, object, embed")).isEmpty();
		assertThat(html).doesNotContain("src=", "href=\"http", "<link", "@import", "url(", "@font-face");
	}

	static PlanReport samplePlan(String source, boolean approved) {
		return new PlanReport("plan-20250520-0100", source, "mapping.yml", Instant.parse("2025-05-20T01:00:00Z"),
				"9f86d081884c7d659a2feaa0c55ad015", approved,
				List.of(new InventoryRow("patients", "contacts", 12_345, 120, -1, null),
						new InventoryRow("appointments", "appointments", 1_450, 30, 200, "incl. group bookings"),
						new InventoryRow("invoices", "invoices", 50, 0, 0, "")),
				List.of(new OwnerRow("1", "Dr Jane Smith", "matched", "email", "9001"),
						new OwnerRow("2", "Dr Who " + XSS, "unresolved", null, null),
						new OwnerRow("3", "Sam Locum", "fallback", "fallback", "9000")),
				List.of(new CustomFieldRow("Medical", "Allergies", "text", "cliniko_cf_allergies", "text", false)),
				List.of("create property group cliniko", "create object appointments"), true,
				List.of(new SharedEmailGroup("j***@example.com", "11", List.of("12", "13"))),
				List.of(new MergedPatient("14", "11")),
				List.of(new RebuildItem("Online booking", "Use HubSpot Meetings " + XSS),
						new RebuildItem("SMS reminders", "Set up a HubSpot workflow")),
				new Estimate(1_200, 48_000, 200, 10, 6, 80, 80, 86));
	}

	static RunReportData sampleRun(String status) {
		Map<String, ObjectCounts> objects = new LinkedHashMap<>();
		objects.put("patients", new ObjectCounts(12_345, 11_500, 500, 335, 5, 5));
		objects.put("appointments", new ObjectCounts(1_150, 750, 400, 0, 0, 0));
		objects.put("invoices", new ObjectCounts(50, 50, 0, 0, 0, 0));
		Map<String, HttpCounts> http = new LinkedHashMap<>();
		http.put("cliniko", new HttpCounts(310, 0, 0));
		http.put("hubspot", new HttpCounts(1_520, 7, 3));
		RunSummary summary = new RunSummary("run-20250520-0100", "migrate --source=api", status, "api", false,
				Instant.parse("2025-05-20T01:00:00Z"), Instant.parse("2025-05-20T02:02:05Z"), 3_725_000, objects, http);
		List<ThroughputPoint> points = List.of(new ThroughputPoint(0, 60, "patients", 3_000),
				new ThroughputPoint(60, 60, "patients", 5_000), new ThroughputPoint(60, 60, "appointments", 400),
				new ThroughputPoint(120, 60, "patients", 4_345), new ThroughputPoint(120, 60, "appointments", 750),
				new ThroughputPoint(120, 60, "invoices", 50));
		List<Rejected> rejected = List.of(
				new Rejected("patients", "api", "101", "email", "not an email address: " + XSS),
				new Rejected("patients", "api", "102", "date_of_birth", "date in the future"));
		return new RunReportData(summary, rejected, 5, points,
				List.of("1 practitioner(s) resolved to no HubSpot owner"));
	}

	static List<DiffRow> sampleDiff() {
		return List.of(new DiffRow("contacts", "11", "501", "firstname", "Jane", "Jane", "Jane", true),
				new DiffRow("contacts", "11", "501", "phone", "0400 000 000", "+61400000000", null, false),
				new DiffRow("contacts", "12", "502", "firstname", "Sam", "Sam", "Sam", true),
				new DiffRow("contacts", "12", "502", "lastname", "Lee", "Lee", "Lee", true));
	}
}
