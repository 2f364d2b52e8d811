package com.clinikobridge.job;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.clinikobridge.emulator.cliniko.Clinic.IndividualAppointment;
import com.clinikobridge.emulator.cliniko.Clinic.Patient;
import com.clinikobridge.emulator.cliniko.ClinicChanges;
import com.clinikobridge.emulator.cliniko.ClinicCsvExporter;
import com.clinikobridge.emulator.hubspot.HubSpotEmulator;
import com.clinikobridge.emulator.hubspot.HubSpotEmulator.RecordSnapshot;
import com.clinikobridge.support.ClinicScenario;
import com.clinikobridge.support.FunctionalTestBase;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sync} after a migration, against the emulators: it reads what changed in Cliniko and
 * writes exactly those changes to HubSpot, and nothing when nothing changed.
 */
class SyncFunctionalTests extends FunctionalTestBase {

	@org.springframework.beans.factory.annotation.Autowired
	GracefulStop stop;

	/** When the clinic's changes happen: after every generated record, so after any mark. */
	static final Instant CHANGED_AT = Instant.parse("2026-11-21T12:00:00Z");

	/** HubSpot requests that change something (everything but reads and searches). */
	static long writes(HubSpotEmulator hubspot) {
		return PreflightFunctionalTests.writes(hubspot).size();
	}

	private static long count(JsonNode summary, String object, String field) {
		return summary.path("objects").path(object).path(field).asLong();
	}

	@Test
	void syncWritesExactlyWhatChangedAndASecondSyncWritesNothing() {
		try (ClinicScenario s = new ClinicScenario(51, 30, work)) {
			// given a migrated clinic
			assertThat(s.run(commands, "migrate", "--source=api", "--no-approval")).as(s.out + s.err).isIn(0, 3);
			List<Patient> live = s.clinic.patients().stream().filter(p -> !p.isMerged() && !p.isArchived()).toList();
			Patient survivor = live.get(0);
			Patient mergedAway = live.stream()
				.filter(p -> s.clinic.individualAppointments().stream().anyMatch(a -> a.patientId() == p.id()))
				.filter(p -> p.id() != survivor.id())
				.findFirst()
				.orElseThrow();
			List<Patient> renamed = live.stream().filter(p -> p != survivor && p != mergedAway).limit(3).toList();
			Patient archived = live.stream()
				.filter(p -> p != survivor && p != mergedAway && !renamed.contains(p))
				.findFirst()
				.orElseThrow();
			List<IndividualAppointment> cancelled = s.clinic.individualAppointments()
				.stream()
				.filter(a -> !a.isCancelled() && a.patientId() != mergedAway.id())
				.limit(2)
				.toList();

			// when the clinic renames three patients, archives one, merges one into another,
			// cancels two appointments and books two
			ClinicChanges changes = new ClinicChanges(s.clinic, CHANGED_AT);
			renamed.forEach(p -> changes.renamePatient(p.id(), "Renamed"));
			changes.archivePatient(archived.id());
			java.util.Set<Long> moved = changes.appointmentsOf(mergedAway.id());
			changes.merge(mergedAway.id(), survivor.id());
			cancelled.forEach(a -> changes.cancelAppointment(a.id()));
			changes.bookAppointment(1_800_000_000_000_900_001L, survivor.id());
			changes.bookAppointment(1_800_000_000_000_900_002L, renamed.get(0).id());
			s.cliniko.load(changes.clinic());
			long writesBefore = writes(s.hubspot);
			long clinikoBefore = s.cliniko.requestCount();
			int code = s.run(commands, "sync");

			// then the sync writes exactly those changes
			assertThat(code).as(s.out + s.err).isZero();
			JsonNode summary = s.summary(s.lastRunId());
			assertThat(summary.path("command").asString()).isEqualTo("sync");
			assertThat(count(summary, "patients", "updated")).isEqualTo(3 + 1 + 1);
			assertThat(count(summary, "patients", "created")).isZero();
			assertThat(count(summary, "appointments", "created")).isEqualTo(2);
			assertThat(count(summary, "appointments", "updated")).isEqualTo(2 + moved.size());
			Map<String, RecordSnapshot> contacts = byProperty(s.hubspot.records("contacts"), "cliniko_patient_id");
			renamed.forEach(p -> assertThat(contacts.get(Long.toString(p.id())).property("lastname")).isEqualTo("Renamed"));
			assertThat(contacts.get(Long.toString(archived.id())).property("cliniko_archived")).isEqualTo("true");
			RecordSnapshot away = contacts.get(Long.toString(mergedAway.id()));
			assertThat(away.property("cliniko_merged_into")).isEqualTo(Long.toString(survivor.id()));
			Map<String, RecordSnapshot> meetings = byProperty(s.hubspot.records("meetings"), "cliniko_appointment_id");
			cancelled.forEach(a -> assertThat(meetings.get(Long.toString(a.id())).property("hs_meeting_outcome"))
				.isEqualTo("CANCELED"));
			assertThat(meetings).containsKey("1800000000000900001");
			String survivorContact = contacts.get(Long.toString(survivor.id())).id();
			for (long id : moved) {
				String meeting = meetings.get(Long.toString(id)).id();
				assertThat(s.hubspot.associations("meetings", "contacts"))
					.filteredOn(a -> a.fromId().equals(meeting))
					.extracting(HubSpotEmulator.AssociationSnapshot::toId)
					.containsExactly(survivorContact);
			}
			long syncWrites = writes(s.hubspot) - writesBefore;
			assertThat(syncWrites).as("HubSpot writes for about 15 changed records").isBetween(3L, 20L);
			assertThat(s.cliniko.requestCount() - clinikoBefore).as("Cliniko requests").isLessThan(60);

			// and a second sync right after writes nothing
			long writesAfterFirst = writes(s.hubspot);
			assertThat(s.run(commands, "sync")).as(s.out + s.err).isZero();
			JsonNode second = s.summary(s.lastRunId());
			for (JsonNode object : second.path("objects")) {
				assertThat(object.path("created").asLong() + object.path("updated").asLong()).isZero();
			}
			assertThat(writes(s.hubspot)).isEqualTo(writesAfterFirst);
		}
	}

	@Test
	void theSyncWindowFindsAppointmentsChangedWithoutANewUpdatedAtAndSinceOverridesTheMark() {
		try (ClinicScenario s = new ClinicScenario(52, 20, work)) {
			// given a migrated clinic and a sync window reaching back over every appointment
			s.settings.put("CLINIKO_BRIDGE_SYNC_DAYS_BACK", "4000");
			s.settings.put("CLINIKO_BRIDGE_SYNC_DAYS_FORWARD", "4000");
			assertThat(s.run(commands, "migrate", "--source=api", "--no-approval")).isIn(0, 3);
			IndividualAppointment quiet = s.clinic.individualAppointments().get(3);
			Patient patient = s.clinic.patients().stream().filter(p -> !p.isMerged()).findFirst().orElseThrow();

			// when an appointment's notes change without a new updated_at, and a patient is renamed
			ClinicChanges changes = new ClinicChanges(s.clinic, CHANGED_AT);
			changes.editAppointmentQuietly(quiet.id(), "Changed quietly");
			changes.renamePatient(patient.id(), "Renamed");
			s.cliniko.load(changes.clinic());
			assertThat(s.run(commands, "sync")).as(s.out + s.err).isZero();

			// then the window found the appointment
			JsonNode summary = s.summary(s.lastRunId());
			assertThat(count(summary, "appointments", "updated")).isEqualTo(1);
			assertThat(count(summary, "patients", "updated")).isEqualTo(1);

			// and --since far back reads every patient again, but writes none that did not change
			assertThat(s.run(commands, "sync", "--since=2000-01-01")).as(s.out + s.err).isZero();
			JsonNode again = s.summary(s.lastRunId());
			assertThat(count(again, "patients", "read")).isEqualTo(s.clinic.patients().size());
			assertThat(count(again, "patients", "updated")).isZero();
			assertThat(s.run(commands, "sync", "--since=yesterday")).isEqualTo(2);
			assertThat(s.err).contains("--since");
		}
	}

	@Test
	void twoConcurrentSyncsOneRunsAndTheOtherExitsSayingWhy() throws Exception {
		try (ClinicScenario s = new ClinicScenario(53, 40, work)) {
			// given a migrated clinic where every patient changed, and a slow HubSpot
			assertThat(s.run(commands, "migrate", "--source=api", "--no-approval")).isIn(0, 3);
			ClinicChanges changes = new ClinicChanges(s.clinic, CHANGED_AT);
			s.clinic.patients().stream().filter(p -> !p.isMerged()).forEach(p -> changes.renamePatient(p.id(), "Later"));
			s.cliniko.load(changes.clinic());
			s.hubspot.tenSecondlyLimit(3, java.time.Duration.ofMillis(500));
			s.settings.put("HUBSPOT_RATE_LIMIT", "3");
			s.settings.put("HUBSPOT_RATE_WINDOW_MS", "500");

			// when a second sync starts while the first holds the lock
			ClinicScenario.Result[] first = new ClinicScenario.Result[1];
			CompletableFuture<Void> running = CompletableFuture.runAsync(() -> first[0] = s.runQuietly(commands, "sync"));
			long deadline = System.currentTimeMillis() + 20_000;
			while (jdbc.queryForObject("SELECT COUNT(*) FROM run_lock", Long.class) == 0
					&& System.currentTimeMillis() < deadline) {
				Thread.sleep(20);
			}
			ClinicScenario.Result second = s.runQuietly(commands, "sync");
			running.get(120, TimeUnit.SECONDS);

			// then it exits 1 naming the run that holds the portal, and the first completes
			assertThat(second.code()).isEqualTo(1);
			assertThat(second.out()).contains("sync: another run is writing to this HubSpot portal", " pid ", "since");
			assertThat(first[0].code()).as(first[0].out()).isZero();
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM run_lock", Long.class)).isZero();
		}
	}

	@Test
	void aLaterCsvExportUpdatesWhatChangedAndIsNotIngestedTwice() {
		try (ClinicScenario s = new ClinicScenario(54, 25, work)) {
			// given a clinic migrated from its CSV exports
			assertThat(s.run(commands, "migrate", "--source=csv:" + s.csvFolder, "--no-approval")).isIn(0, 3);
			Patient patient = s.clinic.patients().get(2);

			// when the clinic emails a later export in which one patient was renamed and one appointment booked
			ClinicChanges changes = new ClinicChanges(s.clinic, CHANGED_AT);
			changes.renamePatient(patient.id(), "Emailed");
			changes.bookAppointment(1_800_000_000_000_900_003L, patient.id());
			java.nio.file.Path later = work.resolve("later-export");
			ClinicCsvExporter.write(changes.clinic(), later, LocalDate.of(2026, 11, 21));
			assertThat(s.run(commands, "sync", "--source=csv:" + later)).as(s.out + s.err).isZero();

			// then only those are written
			JsonNode summary = s.summary(s.lastRunId());
			assertThat(count(summary, "patients", "updated")).isEqualTo(1);
			assertThat(count(summary, "appointments", "created")).isEqualTo(1);
			assertThat(count(summary, "appointments", "updated")).isZero();
			assertThat(count(summary, "invoices", "updated") + count(summary, "invoices", "created")).isZero();

			// and the same folder, or the first one, is not ingested again without --force
			long runs = jdbc.queryForObject("SELECT COUNT(*) FROM bridge_run", Long.class);
			assertThat(s.run(commands, "sync", "--source=csv:" + later)).isZero();
			assertThat(s.out).contains("ingested before");
			assertThat(s.run(commands, "sync", "--source=csv:" + s.csvFolder)).isZero();
			assertThat(s.out).contains("ingested before");
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM bridge_run", Long.class)).isEqualTo(runs);
			assertThat(s.run(commands, "sync", "--source=csv:" + later, "--force")).isZero();
			JsonNode forced = s.summary(s.lastRunId());
			assertThat(count(forced, "patients", "updated")).isZero();
			assertThat(count(forced, "patients", "unchanged")).isEqualTo(count(forced, "patients", "read"));
		}
	}

	@Test
	void recordsRejectedByOneSyncAreReadAgainByTheNextOnceTheCauseIsFixed() {
		try (ClinicScenario s = new ClinicScenario(57, 10, work)) {
			// given a migrated clinic (no sync window: only marks decide what is read), and a
			// contact of HubSpot's own holding an email
			s.settings.put("CLINIKO_BRIDGE_SYNC_DAYS_BACK", "0");
			s.settings.put("CLINIKO_BRIDGE_SYNC_DAYS_FORWARD", "0");
			assertThat(s.run(commands, "migrate", "--source=api", "--no-approval")).isIn(0, 3);
			s.hubspot.seedRecord("contacts", Map.of("email", "taken@example.org", "firstname", "Someone"));

			// when a new patient with that email and their appointment sync: HubSpot refuses the
			// contact (email taken), so the appointment has no contact to belong to
			ClinicChanges changes = new ClinicChanges(s.clinic, CHANGED_AT);
			long patient = 2_300_000_000_000_000_001L;
			changes.addPatient(patient, "taken@example.org").bookAppointment(1_800_000_000_000_900_004L, patient);
			s.cliniko.load(changes.clinic());
			assertThat(s.run(commands, "sync")).as(s.out + s.err).isEqualTo(3);
			JsonNode first = s.summary(s.lastRunId());
			assertThat(count(first, "patients", "rejected")).isEqualTo(1);
			assertThat(count(first, "appointments", "rejected")).isEqualTo(1);
			assertThat(s.out).contains("Marks kept for");

			// and the clinic fixes the email (the appointment itself does not change)
			ClinicChanges fixed = changes.later(CHANGED_AT.plusSeconds(3600)).changeEmail(patient, "new@example.org");
			s.cliniko.load(fixed.clinic());
			assertThat(s.run(commands, "sync")).as(s.out + s.err).isZero();

			// then the next sync creates both
			JsonNode second = s.summary(s.lastRunId());
			assertThat(count(second, "patients", "created")).isEqualTo(1);
			assertThat(count(second, "appointments", "created")).isEqualTo(1);
		}
	}

	@Test
	void aRolledBackSyncIsReadAgainByTheNextSync() {
		try (ClinicScenario s = new ClinicScenario(56, 10, work)) {
			// given a migrated clinic, two renamed patients and a sync that wrote them
			assertThat(s.run(commands, "migrate", "--source=api", "--no-approval")).isIn(0, 3);
			List<Patient> renamed = s.clinic.patients().stream().filter(p -> !p.isMerged()).limit(2).toList();
			ClinicChanges changes = new ClinicChanges(s.clinic, CHANGED_AT);
			renamed.forEach(p -> changes.renamePatient(p.id(), "Renamed"));
			s.cliniko.load(changes.clinic());
			assertThat(s.run(commands, "sync")).isZero();
			String syncId = s.lastRunId();
			assertThat(count(s.summary(syncId), "patients", "updated")).isEqualTo(2);

			// when that sync is rolled back
			assertThat(s.run(commands, "rollback", syncId)).as(s.out + s.err).isZero();
			Map<String, RecordSnapshot> contacts = byProperty(s.hubspot.records("contacts"), "cliniko_patient_id");
			renamed.forEach(p -> assertThat(contacts.get(Long.toString(p.id())).property("lastname"))
				.isEqualTo(p.lastName()));

			// then the next sync reads and writes the same changes again
			assertThat(s.run(commands, "sync")).as(s.out + s.err).isZero();
			assertThat(count(s.summary(s.lastRunId()), "patients", "updated")).isEqualTo(2);
		}
	}

	@Test
	void syncEveryRunsOnEachTriggerUntilStopped() throws Exception {
		try (ClinicScenario s = new ClinicScenario(55, 5, work)) {
			// given a migrated clinic and a sync scheduled every second
			assertThat(s.run(commands, "migrate", "--source=api", "--no-approval")).isIn(0, 3);
			assertThat(s.run(commands, "sync", "--every=not a cron")).isEqualTo(2);
			assertThat(s.err).contains("--every");
			CompletableFuture<ClinicScenario.Result> scheduled = CompletableFuture
				.supplyAsync(() -> s.runQuietly(commands, "sync", "--every=* * * * * *"));

			// when two syncs have completed and the process is asked to stop
			long deadline = System.currentTimeMillis() + 30_000;
			while (jdbc.queryForObject("SELECT COUNT(*) FROM bridge_run WHERE command = 'sync' AND status = 'COMPLETED'",
					Long.class) < 2 && System.currentTimeMillis() < deadline) {
				Thread.sleep(50);
			}
			stop.requestStop();
			ClinicScenario.Result result = scheduled.get(30, TimeUnit.SECONDS);
			stop.reset();

			// then it ran a sync per trigger and stopped cleanly
			assertThat(result.code()).as(result.out() + result.err()).isZero();
			assertThat(result.out()).contains("Next sync at").contains("Scheduled sync stopped.");
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM bridge_run WHERE command = 'sync' AND status = 'COMPLETED'",
					Long.class)).isGreaterThanOrEqualTo(2);
		}
	}

	static Map<String, RecordSnapshot> byProperty(List<RecordSnapshot> records, String property) {
		return records.stream()
			.filter(r -> r.property(property) != null)
			.collect(Collectors.toMap(r -> r.property(property), r -> r, (a, b) -> a));
	}

	static Optional<RecordSnapshot> find(List<RecordSnapshot> records, String property, String value) {
		return records.stream().filter(r -> value.equals(r.property(property))).findFirst();
	}
}
