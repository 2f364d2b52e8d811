package com.clinikobridge.job;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import com.clinikobridge.emulator.hubspot.HubSpotEmulator.RecordSnapshot;
import com.clinikobridge.support.ClinicScenario;
import com.clinikobridge.support.FunctionalTestBase;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code reconcile [<run-id>]} and {@code migrate --reconcile} against the emulators: clean
 * after a migration, and each kind of damage done in HubSpot afterwards is found.
 */
class ReconcileFunctionalTests extends FunctionalTestBase {

	@Test
	void reconcileIsCleanAfterAMigrationAndTheMigrateReportCarriesIt() {
		try (ClinicScenario s = new ClinicScenario(41, 20, work)) {
			// given a clinic migrated from the API with --reconcile
			int code = s.run(commands, "migrate", "--source=api", "--no-approval", "--reconcile");

			// then the migration and its reconcile both finish clean
			assertThat(code).as(s.out + s.err).isZero();
			String runId = s.lastRunId();
			JsonNode summary = s.summary(runId);
			String reconcileId = summary.path("reconcile").path("runId").asString();
			assertThat(summary.path("reconcile").path("exitCode").asInt()).isZero();
			assertThat(s.report(runId, "report.txt")).contains("Reconcile " + reconcileId + ": clean");
			assertThat(summary.path("hubspotApiUsage").path("dailyLimit").asLong()).isEqualTo(250_000);
			JsonNode reconciled = s.summary(reconcileId);
			assertThat(reconciled.path("command").asString()).isEqualTo("reconcile");
			assertThat(reconciled.path("mismatches").asInt()).isZero();
			JsonNode patients = reconciled.path("reconcile").path("patients");
			assertThat(patients.path("present").asLong()).isEqualTo(patients.path("expected").asLong())
				.isEqualTo(summary.path("objects").path("patients").path("created").asLong());
			assertThat(reconciled.path("reconcile").path("appointments").path("valuesCompared").asLong()).isPositive();
			assertThat(s.report(reconcileId, "reconcile.html")).contains("Every record is in HubSpot exactly once");

			// and the audit trail lists every record the run wrote
			String audit = s.report(runId, "audit.csv");
			assertThat(audit.lines().filter(l -> l.contains(",CREATED,")).count())
				.isEqualTo(sum(summary.path("objects"), "created"));
		}
	}

	@Test
	void reconcileFindsAnAlteredValueADeletedRecordAndACopy() throws Exception {
		try (ClinicScenario s = new ClinicScenario(42, 20, work)) {
			// given a portal that refuses unique properties on meetings (written through the id map)
			s.hubspot.refuseUniqueProperties("meetings");
			assertThat(s.run(commands, "migrate", "--source=api", "--no-approval")).as(s.out + s.err).isIn(0, 3);
			String runId = s.lastRunId();

				// when, in HubSpot, someone edits a contact, deletes a deal, copies a meeting and adds a
			// contact with a Cliniko id the clinic does not have
			List<RecordSnapshot> contacts = s.hubspot.records("contacts");
			RecordSnapshot edited = contacts.get(0);
			s.hubspot.editRecord("contacts", edited.id(), "city", "Elsewhere");
			RecordSnapshot deleted = s.hubspot.records("deals").get(0);
			s.hubspot.deleteRecord("deals", deleted.id());
			RecordSnapshot copied = s.hubspot.records("meetings").get(0);
			s.hubspot.seedRecord("meetings", Map.of("hs_timestamp", copied.property("hs_timestamp"),
					"cliniko_appointment_id", copied.property("cliniko_appointment_id")));
			s.hubspot.seedRecord("contacts", Map.of("cliniko_patient_id", "999999999", "firstname", "Ghost"));
			int code = s.run(commands, "reconcile", runId);

			// then reconcile exits 3 and lists each of them
			assertThat(code).as(s.out + s.err).isEqualTo(3);
			String reconcileId = s.lastRunId();
			List<String> rows = Files.readAllLines(s.reportDir.resolve(reconcileId).resolve("reconcile.csv"));
			assertThat(rows).anyMatch(r -> r.startsWith("patients,") && r.contains(",value,city,")
					&& r.contains(edited.property("cliniko_patient_id")) && r.endsWith(",Elsewhere"));
			assertThat(rows).anyMatch(r -> r.startsWith("invoices," + deleted.property("cliniko_invoice_id") + ",")
					&& r.contains(",missing,"));
			assertThat(rows).anyMatch(r -> r.startsWith("appointments," + copied.property("cliniko_appointment_id")
					+ ",") && r.contains(",duplicate,"));
			assertThat(rows).contains("patients,,,extra,cliniko_patient_id," + contacts.size() + " records,"
					+ (contacts.size() + 1) + " records");
			assertThat(rows).noneMatch(r -> r.startsWith("appointments,") && r.contains(",extra,"));
			JsonNode summary = s.summary(reconcileId);
			assertThat(summary.path("reconcile").path("patients").path("value").asLong()).isEqualTo(1);
			assertThat(summary.path("reconcile").path("invoices").path("missing").asLong()).isEqualTo(1);
			assertThat(summary.path("reconcile").path("contacts").path("missing").asLong()).isZero();
			assertThat(s.report(reconcileId, "reconcile.html")).contains("Elsewhere", "duplicate");

			// and --sample limits the value comparison, not the presence checks
			assertThat(s.run(commands, "reconcile", runId, "--sample=3")).isEqualTo(3);
			JsonNode sampled = s.summary(s.lastRunId());
			assertThat(sampled.path("reconcile").path("appointments").path("valuesCompared").asLong())
				.isLessThan(sampled.path("reconcile").path("appointments").path("present").asLong());
			assertThat(sampled.path("reconcile").path("invoices").path("missing").asLong()).isEqualTo(1);
		}
	}

	@Test
	void reconcileWithoutACompletedRunSaysWhatToDo() {
		try (ClinicScenario s = new ClinicScenario(43, 3, work)) {
			assertThat(s.run(commands, "reconcile")).isEqualTo(2);
			assertThat(s.err).contains("no completed migrate run");
			assertThat(s.run(commands, "reconcile", "20990101-0000-ffff")).isEqualTo(2);
			assertThat(s.err).contains("there is no run '20990101-0000-ffff'");
		}
	}

	private static long sum(JsonNode objects, String field) {
		long total = 0;
		for (JsonNode c : objects) {
			total += c.path(field).asLong();
		}
		return total;
	}
}
