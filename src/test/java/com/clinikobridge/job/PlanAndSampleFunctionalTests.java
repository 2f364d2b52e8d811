package com.clinikobridge.job;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.clinikobridge.emulator.cliniko.Clinic;
import com.clinikobridge.support.ClinicScenario;
import com.clinikobridge.support.FunctionalTestBase;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/** The plan, its approval gate, sample migrations with their field-level diff, and run reports. */
class PlanAndSampleFunctionalTests extends FunctionalTestBase {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private JsonNode plan(ClinicScenario s) {
		String runId = s.out.replaceAll("(?s).*Plan (\\d{8}-\\d{4}-[0-9a-f]{4}).*", "$1");
		return JSON.readTree(s.report(runId, "plan.json"));
	}

	private static long total(JsonNode plan, String object, String field) {
		for (JsonNode row : plan.path("inventory")) {
			if (row.path("object").asString().equals(object)) {
				return row.path(field).asLong();
			}
		}
		throw new AssertionError("no inventory row for " + object);
	}

	@Test
	void planInventoryEqualsTheSourceAndWritesNothing() {
		try (ClinicScenario s = new ClinicScenario(12, 90, work, true)) {
			Clinic c = s.clinic;

			// when planning from the API
			assertThat(s.run(commands, "plan", "--source=api")).as(s.err).isZero();

			// then the inventory counts every record, archived and cancelled ones included
			JsonNode plan = plan(s);
			assertThat(total(plan, "patients", "total")).isEqualTo(c.patients().size());
			assertThat(total(plan, "patients", "archived")).isEqualTo(c.archivedPatients().size());
			assertThat(total(plan, "appointments", "total")).isEqualTo(c.individualAppointments().size());
			assertThat(total(plan, "appointments", "cancelled")).isEqualTo(c.cancelledAppointments().size());
			assertThat(total(plan, "contacts", "total")).isEqualTo(c.contacts().size());
			assertThat(total(plan, "products", "total")).isEqualTo(c.billableItems().size() + c.products().size());
			assertThat(total(plan, "treatment_notes", "total")).isEqualTo(c.treatmentNotes().size());
			assertThat(total(plan, "invoices", "total")).isEqualTo(c.invoices().size());
			assertThat(total(plan, "invoice_items", "total")).isEqualTo(c.invoiceItems().size());
			assertThat(plan.path("mergedPatients").size()).isEqualTo(c.mergedPatients().size());
			assertThat(plan.path("sharedEmails").size()).isEqualTo(c.sharedEmailGroups().size());
			assertThat(plan.path("practitioners").findValuesAsString("status")).contains("matched", "unresolved");
			assertThat(plan.path("customFields").size()).isPositive();
			assertThat(plan.path("schemaChanges").toString()).contains("create property cliniko_patient_id");
			assertThat(plan.path("rebuild").size()).isGreaterThanOrEqualTo(8);
			assertThat(plan.path("estimate").path("hubspotRequests").asLong()).isPositive();
			assertThat(s.hubspot.records("contacts")).isEmpty();
			assertThat(s.hubspot.kindCount("upsert") + s.hubspot.kindCount("create")).isZero();

			// and plan.html is a readable page with the sections a manager needs
			String runId = plan.path("runId").asString();
			Document html = Jsoup.parse(s.report(runId, "plan.html"));
			assertThat(html.title()).isNotBlank();
			assertThat(html.select("table").size()).isGreaterThanOrEqualTo(4);
			assertThat(html.text()).contains("plan --source=api --approve");
		}
	}

	@Test
	void aFullMigrateWaitsForTheApprovedPlan() throws Exception {
		try (ClinicScenario s = new ClinicScenario(13, 25, work)) {
			String source = "--source=csv:" + s.csvFolder;

			// a full migrate of an unapproved plan exits 2 and says how to approve
			assertThat(s.run(commands, "migrate", source)).isEqualTo(2);
			assertThat(s.err).contains("not approved").contains("plan " + source + " --approve").contains("--no-approval");
			assertThat(s.hubspot.records("contacts")).isEmpty();

			// dry runs and samples need no approval
			assertThat(s.run(commands, "migrate", source, "--dry-run")).isZero();

			// once approved, it runs
			assertThat(s.run(commands, "plan", source, "--approve")).as(s.err).isZero();
			assertThat(s.out).contains("Approved");
			assertThat(s.run(commands, "migrate", source)).as(s.err).isZero();
			assertThat(s.hubspot.records("contacts")).hasSize(s.clinic.patients().size());

			// when the source changes, the approval no longer holds
			Path invoices = java.nio.file.Files.list(s.csvFolder)
				.filter(p -> p.getFileName().toString().startsWith("Invoices-"))
				.findFirst()
				.orElseThrow();
			java.nio.file.Files.delete(invoices);
			assertThat(s.run(commands, "migrate", source)).isEqualTo(2);
			assertThat(s.run(commands, "migrate", source, "--no-approval")).as(s.err).isZero();
			s.settings.put("CLINIKO_BRIDGE_NO_APPROVAL", "true");
			assertThat(s.run(commands, "migrate", source)).as(s.err).isZero();
			s.settings.put("CLINIKO_BRIDGE_NO_APPROVAL", "maybe");
			assertThat(s.run(commands, "migrate", source)).isEqualTo(2);
			assertThat(s.err).contains("CLINIKO_BRIDGE_NO_APPROVAL");
		}
	}

	@Test
	void sampleMigratesExactlyNPatientsWithTheirRecordsAndDiffsWhatHubSpotHolds() {
		try (ClinicScenario s = new ClinicScenario(14, 120, work, true)) {
			Clinic c = s.clinic;
			// given a portal that rewrites one property on the way in
			s.hubspot.alterOnWrite("contacts", "city", v -> v.toUpperCase());

			// when a sample of 12 runs from the API (no approval needed)
			int exit = s.run(commands, "migrate", "--source=api", "--sample=12");

			// then exactly 12 patients are contacts, with all their related records
			assertThat(exit).as(s.out + s.err).isZero();
			Set<Long> sampled = s.hubspot.records("contacts")
				.stream()
				.map(r -> Long.valueOf(r.properties().get("cliniko_patient_id")))
				.collect(Collectors.toSet());
			assertThat(sampled).hasSize(12);
			long appointments = c.individualAppointments().stream().filter(a -> sampled.contains(c.survivorId(a.patientId()))).count();
			long notes = c.treatmentNotes().stream().filter(n -> sampled.contains(c.survivorId(n.patientId()))).count();
			Set<Long> invoices = c.invoices()
				.stream()
				.filter(i -> sampled.contains(c.survivorId(i.patientId())))
				.map(Clinic.Invoice::id)
				.collect(Collectors.toSet());
			long items = c.invoiceItems().stream().filter(i -> invoices.contains(i.invoiceId())).count();
			assertThat(s.hubspot.records("meetings")).hasSize((int) appointments);
			assertThat(s.hubspot.records("notes")).hasSize((int) notes);
			assertThat(s.hubspot.records("deals")).hasSize(invoices.size());
			assertThat(s.hubspot.records("line_items")).hasSize((int) items);
			// spread across practitioners and edge cases
			Set<Long> practitioners = new HashSet<>();
			c.individualAppointments()
				.stream()
				.filter(a -> sampled.contains(a.patientId()))
				.forEach(a -> practitioners.add(a.practitionerId()));
			assertThat(practitioners.size()).isGreaterThanOrEqualTo(c.practitioners().size() - 1);
			assertThat(sampled).anyMatch(id -> c.patient(id).orElseThrow().isArchived());

			// and the diff lists the altered city first, as a disagreement
			String runId = s.lastRunId();
			String csv = s.report(runId, "diff.csv");
			String[] rows = csv.split("\n");
			assertThat(rows[1]).contains(",city,").endsWith(",false");
			assertThat(csv).contains(",firstname,").contains(",true");
			assertThat(csv.lines().filter(l -> l.endsWith(",false")).allMatch(l -> l.contains(",city,"))).isTrue();
			Document diff = Jsoup.parse(s.report(runId, "diff.html"));
			assertThat(diff.text()).contains("city");
			assertThat(s.out).contains("Sample diff:");
		}
	}

	@Test
	@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
	void everyRunWritesAWellFormedReportWithoutPatientDataInTheLog(
			org.springframework.boot.test.system.CapturedOutput log) {
		try (ClinicScenario s = new ClinicScenario(15, 40, work)) {
			// when a run rejects a record (a contact already holds a patient's email) and completes
			Clinic.Patient withEmail = s.clinic.patients().stream().filter(p -> p.email() != null).findFirst().orElseThrow();
			s.hubspot.seedRecord("contacts", Map.of("email", withEmail.email()));
			int exit = s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder);

			// then report.html has counts, HTTP usage, a throughput chart and the rejection, self-contained
			assertThat(exit).as(s.out + s.err).isEqualTo(3);
			Document report = Jsoup.parse(s.report(s.lastRunId(), "report.html"));
			assertThat(report.select("svg")).isNotEmpty();
			assertThat(report.text()).contains("patients", "appointments", "invoices", withEmail.id() + "");
			assertThat(report.select("script, link, img")).isEmpty();

			// and nothing printed or logged names a patient, an email or a note
			String everything = s.out + s.err + log.getAll();
			assertThat(everything).contains(s.lastRunId());
			for (Clinic.Patient p : s.clinic.patients()) {
				if (p.email() != null) {
					assertThat(everything).doesNotContainIgnoringCase(p.email());
				}
				assertThat(everything).doesNotContain(p.firstName() + " " + p.lastName());
			}
		}
	}
}
