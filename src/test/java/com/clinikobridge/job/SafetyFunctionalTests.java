package com.clinikobridge.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.clinikobridge.emulator.cliniko.ClinicChanges;
import com.clinikobridge.emulator.cliniko.ClinicCsvExporter;
import com.clinikobridge.emulator.hubspot.HubSpotEmulator.AssociationSnapshot;
import com.clinikobridge.emulator.hubspot.HubSpotEmulator.RecordSnapshot;
import com.clinikobridge.job.RollbackFunctionalTests.Snapshot;
import com.clinikobridge.support.ClinicScenario;
import com.clinikobridge.support.FunctionalTestBase;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static com.clinikobridge.job.RollbackFunctionalTests.assertPortalEquals;
import static com.clinikobridge.job.RollbackFunctionalTests.seedPreHeld;
import static com.clinikobridge.job.RollbackFunctionalTests.snapshot;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Never destroy what a run did not create (issue 12, docs/safety.md), through the CLI against the
 * emulators: a search index that lags, answers that are not answers, a person's edits after a
 * run, a sample under a full migration, and lost creates in a portal without unique IDs.
 */
class SafetyFunctionalTests extends FunctionalTestBase {

	private static final Instant CHANGED_AT = Instant.parse("2026-11-21T12:00:00Z");

	@Test
	void aSecondInstallationWhileSearchLagsNeverArchivesTheFirstOnesRecords() throws Exception {
		try (ClinicScenario s = new ClinicScenario(71, 30, work)) {
			// given a clinic migrated from its CSV export, and a search index a minute behind
			s.hubspot.searchLag(Duration.ofSeconds(60));
			assertThat(s.run(commands, "migrate", "--source=csv:" + s.csvFolder, "--no-approval")).as(s.out + s.err)
				.isIn(0, 3);
			Snapshot afterFirst = snapshot(s.hubspot);

			// when a later export, with three patients renamed, is migrated by another installation
			// (a fresh job repository) while search still sees none of the first run's records
			ClinicChanges changes = new ClinicChanges(s.clinic, CHANGED_AT);
			List<Long> renamed = s.clinic.patients().stream().filter(p -> !p.isMerged()).limit(3).map(p -> p.id())
				.toList();
			renamed.forEach(id -> changes.renamePatient(id, "Later"));
			Path later = work.resolve("later-export");
			ClinicCsvExporter.write(changes.clinic(), later, LocalDate.of(2026, 11, 21));
			emptyLedger();
			assertThat(s.run(commands, "migrate", "--source=csv:" + later, "--no-approval")).as(s.out + s.err)
				.isIn(0, 3);
			String second = s.lastRunId();

			// then it counts nothing as created, since HubSpot created nothing for it
			JsonNode summary = s.summary(second);
			for (JsonNode counts : summary.path("objects")) {
				assertThat(counts.path("created").asLong()).isZero();
			}
			assertThat(s.hubspot.records("contacts")).filteredOn(c -> "Later".equals(c.property("lastname")))
				.hasSize(3);

			// and its rollback leaves every record of the first run live, with the first run's values
			assertThat(s.run(commands, "rollback", second)).as(s.out + s.err).isZero();
			assertPortalEquals(afterFirst, s.hubspot);

			// and once search has caught up, a run from yet another job repository says the portal
			// holds another installation's records
			s.hubspot.searchLag(Duration.ZERO);
			emptyLedger();
			assertThat(s.run(commands, "migrate", "--source=csv:" + later, "--dry-run")).isZero();
			assertThat(s.out).contains("written by another installation");
			assertThat(s.run(commands, "plan", "--source=csv:" + later)).isZero();
			assertThat(s.out).contains("written by another installation");
			String plan = s.out.replaceAll("(?s).*Plan (\\d{8}-\\d{4}-[0-9a-f]{4}).*", "$1");
			assertThat(s.report(plan, "plan.html")).contains("Already in this HubSpot portal");
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "empty", "html", "truncated" })
	void aBatchReadThatIsNotAnAnswerIsRetriedNeverTakenAsNoRecords(String kind) {
		try (ClinicScenario s = new ClinicScenario(31, 20, work)) {
			// given a portal that already holds six of the clinic's patients
			assertThat(s.run(commands, "schema", "--apply")).isZero();
			seedPreHeld(s);
			Snapshot before = snapshot(s.hubspot);

			// when its first batch reads are answered 200 with a body that is not an answer
			s.hubspot.malformedBatchReads(2, kind);
			String runId = migrate(s);

			// then the reads were retried and the six patients count as updated, not created
			assertThat(s.summary(runId).path("objects").path("patients").path("updated").asLong()).isEqualTo(6);
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM before_image WHERE run_id = ? AND object_type ="
					+ " 'patients' AND existed = TRUE", Long.class, runId)).isEqualTo(6);

			// and rollback gives the portal back exactly
			assertThat(s.run(commands, "rollback", runId)).as(s.out + s.err).isZero();
			assertPortalEquals(before, s.hubspot);
		}
	}

	@Test
	void batchReadsThatStayMalformedFailTheRunWithoutRecordingAnythingAsAbsent() {
		try (ClinicScenario s = new ClinicScenario(31, 20, work)) {
			// given a portal that already holds six of the clinic's patients
			assertThat(s.run(commands, "schema", "--apply")).isZero();
			seedPreHeld(s);
			Snapshot before = snapshot(s.hubspot);

			// when every batch read is answered with a proxy's HTML page
			s.hubspot.malformedBatchReads(1000, "html");
			int exit = s.run(commands, "migrate", "--source=api", "--no-approval");
			String runId = s.lastRunId();

			// then the run fails, restartable, naming the answer, and holds no image saying "absent"
			assertThat(exit).as(s.out + s.err).isEqualTo(1);
			assertThat(s.out).contains("not a well-formed HubSpot answer");
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM before_image WHERE existed = FALSE", Long.class))
				.isZero();

			// and once HubSpot answers again, the restart completes and rollback is exact
			s.hubspot.clearFaults();
			assertThat(s.run(commands, "restart", runId)).as(s.out + s.err).isIn(0, 3);
			assertThat(s.run(commands, "rollback", runId)).as(s.out + s.err).isZero();
			assertPortalEquals(before, s.hubspot);
		}
	}

	@Test
	void rollbackKeepsWhatAPersonEditedAfterTheRunAndListsIt() throws Exception {
		try (ClinicScenario s = new ClinicScenario(31, 20, work)) {
			// given a migrated clinic in a portal that held some of its patients
			assertThat(s.run(commands, "schema", "--apply")).isZero();
			List<String> preHeld = seedPreHeld(s);
			Snapshot before = snapshot(s.hubspot);
			String runId = migrate(s);

			// when a person edits two contacts (one the run created, one it updated) and a meeting
			String created = s.hubspot.records("contacts").stream().map(RecordSnapshot::id)
				.filter(id -> !before.records().get("contacts").containsKey(id)).findFirst().orElseThrow();
			String updated = preHeld.get(1);
			String meeting = s.hubspot.records("meetings").get(0).id();
			s.hubspot.editRecord("contacts", created, "lastname", "Edited");
			s.hubspot.editRecord("contacts", updated, "firstname", "Edited");
			s.hubspot.editRecord("meetings", meeting, "hs_meeting_title", "Edited title");

			// then the dry run lists them
			assertThat(s.run(commands, "rollback", runId, "--dry-run")).as(s.out + s.err).isZero();
			assertThat(s.out).contains("to keep");
			String dryRun = jdbc.queryForObject("SELECT run_id FROM bridge_run WHERE command = 'rollback' AND dry_run = TRUE",
					String.class);
			String plan = Files.readString(s.reportDir.resolve(dryRun).resolve("rollback-plan.csv"));
			assertThat(plan).contains(created, meeting).contains("firstname");

			// and the rollback keeps the edits, and reports them
			assertThat(s.run(commands, "rollback", runId)).as(s.out + s.err).isZero();
			String rollbackId = s.lastRunId();
			assertThat(s.hubspot.record("contacts", created).orElseThrow().property("lastname")).isEqualTo("Edited");
			assertThat(s.hubspot.record("meetings", meeting).orElseThrow().property("hs_meeting_title"))
				.isEqualTo("Edited title");
			assertThat(s.hubspot.record("contacts", updated).orElseThrow().property("firstname")).isEqualTo("Edited");
			assertThat(s.report(rollbackId, "report.html")).contains(created, meeting, "firstname", "edited in HubSpot");
			assertThat(s.report(rollbackId, "rollback-kept.csv")).contains(created, meeting, updated);

			// and the portal otherwise equals the snapshot before the run
			Set<String> kept = Set.of(created, meeting);
			Snapshot after = snapshot(s.hubspot);
			after.records().get("contacts").remove(created);
			after.records().get("meetings").remove(meeting);
			after.records().get("contacts").get(updated).put("firstname", "Before");
			assertThat(after.records()).isEqualTo(before.records());
			assertThat(withoutRecords(after.associations(), kept)).isEqualTo(withoutRecords(before.associations(), kept));
		}
	}

	@Test
	void aSampleUnderAFullMigrationIsRolledBackOnlyAfterIt() {
		try (ClinicScenario s = new ClinicScenario(41, 40, work)) {
			// given an empty portal, a sample migration and then the full one
			Snapshot empty = snapshot(s.hubspot);
			assertThat(s.run(commands, "migrate", "--source=api", "--sample=5")).as(s.out + s.err).isIn(0, 3);
			String sample = s.lastRunId();
			assertThat(s.run(commands, "migrate", "--source=api", "--no-approval")).as(s.out + s.err).isIn(0, 3);
			String full = s.lastRunId();

			// when the sample is rolled back first, it is refused, naming the full run
			assertThat(s.run(commands, "rollback", sample)).isEqualTo(2);
			assertThat(s.err).contains(full);

			// and rolling back the full run says the sample's records remain
			assertThat(s.run(commands, "rollback", full)).as(s.out + s.err).isZero();
			assertThat(s.out).contains("rollback " + sample);

			// then rolling back the sample leaves the portal as it was before both
			assertThat(s.run(commands, "rollback", sample)).as(s.out + s.err).isZero();
			assertPortalEquals(empty, s.hubspot);
		}
	}

	@Test
	void lostCreatesInAPortalWithoutUniqueIdsResolveThemselvesWithinTheRun() {
		try (ClinicScenario s = new ClinicScenario(51, 60, work)) {
			// given a portal without unique ID properties on meetings and notes, where 5% of all
			// requests fail before HubSpot acts and 5% lose their answer after it acted
			s.hubspot.refuseUniqueProperties("meetings");
			s.hubspot.refuseUniqueProperties("notes");
			s.hubspot.faultRate(0.05, 7);
			s.hubspot.lostAnswerRate(0.05, 11);

			// when the clinic is migrated once, with no one to restart it
			int exit = s.run(commands, "migrate", "--source=api", "--no-approval");

			// then it ends exact: every record once, nothing duplicated
			assertThat(exit).as(s.out + s.err).isZero();
			assertThat(s.hubspot.faultCount()).isPositive();
			int meetings = s.clinic.individualAppointments().size();
			assertThat(s.hubspot.records("meetings")).hasSize(meetings);
			assertThat(byProperty(s, "meetings", "cliniko_appointment_id")).hasSize(meetings);
			assertThat(s.hubspot.records("notes")).hasSize(s.clinic.treatmentNotes().size());
			assertThat(byProperty(s, "notes", "cliniko_treatment_note_id")).hasSize(s.clinic.treatmentNotes().size());
			assertThat(byProperty(s, "deals", "cliniko_invoice_id")).hasSize(s.clinic.invoices().size());
			assertThat(s.summary(s.lastRunId()).path("objects").path("appointments").path("created").asLong())
				.isEqualTo(meetings);
		}
	}

	@Test
	void repairBringsHubSpotBackToClinikoAndItsRollbackPutsTheDriftBack() {
		try (ClinicScenario s = new ClinicScenario(33, 20, work)) {
			// given a migrated clinic, where a person then changed a contact and deleted a deal
			migrate(s);
			RecordSnapshot contact = s.hubspot.records("contacts").get(0);
			String lastname = contact.property("lastname");
			s.hubspot.editRecord("contacts", contact.id(), "lastname", "Drifted");
			s.hubspot.deleteRecord("deals", s.hubspot.records("deals").get(0).id());
			Snapshot drifted = snapshot(s.hubspot);
			assertThat(s.run(commands, "reconcile")).as(s.out + s.err).isEqualTo(3);

			// when reconcile --repair runs
			assertThat(s.run(commands, "reconcile", "--repair")).as(s.out + s.err).isZero();
			String repair = s.lastRunId();

			// then it wrote only the drift, through the ledger, and a following reconcile is clean
			JsonNode summary = s.summary(repair);
			assertThat(summary.path("command").asString()).isEqualTo("repair");
			assertThat(summary.path("objects").path("patients").path("updated").asLong()).isEqualTo(1);
			assertThat(summary.path("objects").path("invoices").path("created").asLong()).isEqualTo(1);
			assertThat(summary.path("objects").path("appointments").path("updated").asLong()).isZero();
			assertThat(s.hubspot.record("contacts", contact.id()).orElseThrow().property("lastname")).isEqualTo(lastname);
			assertThat(s.run(commands, "reconcile")).as(s.out + s.err).isZero();

			// and rolling the repair back puts the drifted state back
			assertThat(s.run(commands, "rollback", repair)).as(s.out + s.err).isZero();
			assertPortalEquals(drifted, s.hubspot);
		}
	}

	private String migrate(ClinicScenario s) {
		assertThat(s.run(commands, "migrate", "--source=api", "--no-approval")).as(s.out + s.err).isIn(0, 3);
		return s.lastRunId();
	}

	private static Map<String, Long> byProperty(ClinicScenario s, String type, String property) {
		return s.hubspot.records(type).stream()
			.collect(Collectors.groupingBy(r -> String.valueOf(r.property(property)), TreeMap::new, Collectors.counting()));
	}

	private static Map<String, Set<AssociationSnapshot>> withoutRecords(Map<String, Set<AssociationSnapshot>> all,
			Set<String> ids) {
		Map<String, Set<AssociationSnapshot>> kept = new TreeMap<>();
		all.forEach((pair, set) -> kept.put(pair, set.stream()
			.filter(a -> !ids.contains(a.fromId()) && !ids.contains(a.toId()))
			.collect(Collectors.toSet())));
		kept.values().removeIf(Set::isEmpty);
		return kept;
	}
}
