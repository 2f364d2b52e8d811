package com.clinikobridge.job;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.clinikobridge.emulator.cliniko.Clinic;
import com.clinikobridge.emulator.cliniko.Clinic.IndividualAppointment;
import com.clinikobridge.emulator.cliniko.Clinic.Invoice;
import com.clinikobridge.emulator.cliniko.Clinic.Patient;
import com.clinikobridge.emulator.hubspot.HubSpotEmulator.RecordSnapshot;
import com.clinikobridge.support.ClinicScenario;
import com.clinikobridge.support.FunctionalTestBase;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;


import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whole runs of the migrate job through the CLI contract, against the Cliniko and HubSpot
 * emulators on loopback and real PostgreSQL: exact counts and contents, throttling and faults,
 * failure and restart, rejected rows, dry runs.
 */
class MigrationFunctionalTests extends FunctionalTestBase {

	@org.springframework.beans.factory.annotation.Autowired
	GracefulStop stop;

	@Test
	void csvExportFolderMigratesWithExactCountsAndValues() {
		try (ClinicScenario s = new ClinicScenario(42, 120, work)) {
			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder);

			// then every object lands once, with its fields
			assertThat(exit).as(s.out + s.err).isZero();
			Clinic clinic = s.clinic;
			JsonNode summary = s.summary(s.lastRunId());
			assertThat(summary.path("status").asString()).isEqualTo("COMPLETED");
			assertCounts(summary, "patients", clinic.patients().size(), clinic.patients().size());
			assertCounts(summary, "appointments", clinic.individualAppointments().size(),
					clinic.individualAppointments().size());
			assertCounts(summary, "invoices", clinic.invoices().size(), clinic.invoices().size());
			assertMigrated(s, true);

			// and a second run of the same export changes nothing in HubSpot
			int before = s.hubspot.kindCount("upsert");
			int again = s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder);
			assertThat(again).isZero();
			JsonNode second = s.summary(s.lastRunId());
			assertThat(second.path("objects").path("patients").path("unchanged").asLong())
				.isEqualTo(clinic.patients().size());
			assertThat(s.hubspot.kindCount("upsert")).isEqualTo(before);
			assertThat(s.hubspot.records("contacts")).hasSize(clinic.patients().size());
		}
	}

	@Test
	void apiMigratesExactlyWhileBothApisThrottleAndFail() {
		try (ClinicScenario s = new ClinicScenario(7, 150, work)) {
			// given both APIs throttling and failing some requests, and HubSpot losing some responses
			s.cliniko.setRateLimit(5, java.time.Duration.ofSeconds(1));
			s.cliniko.failEveryNth(9, 503);
			s.hubspot.tenSecondlyLimit(12, java.time.Duration.ofSeconds(1));
			s.hubspot.failEveryNth(7, 502);
			s.hubspot.dropResponseEveryNth(11);
			s.settings.put("HUBSPOT_RATE_WINDOW_MS", "1000");

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=api");

			// then the result is exact, with no duplicates
			assertThat(exit).as(s.out + s.err).isZero();
			JsonNode summary = s.summary(s.lastRunId());
			Clinic clinic = s.clinic;
			assertCounts(summary, "patients", clinic.patients().size(), contactsExpected(s, false));
			assertCounts(summary, "appointments", clinic.individualAppointments().size(),
					clinic.individualAppointments().size());
			assertCounts(summary, "invoices", clinic.invoices().size(), clinic.invoices().size());
			assertMigrated(s, false);
			assertThat(summary.path("http").path("cliniko").path("throttled").asLong()).isPositive();
			assertThat(summary.path("http").path("hubspot").path("throttled").asLong()).isPositive();
			assertThat(summary.path("http").path("hubspot").path("retried").asLong()).isPositive();
			assertThat(s.cliniko.throttledCount()).isPositive();
		}
	}

	@Test
	void anApiWithoutTheOptionalListsStillMigratesPatientsAppointmentsAndInvoices() {
		try (ClinicScenario s = new ClinicScenario(19, 60, work)) {
			// given a Cliniko API that has only what issue 2's objects need
			s.cliniko.withoutResources("contacts", "billable_items", "products", "treatment_notes", "invoice_items",
					"medical_alerts", "referral_sources", "referral_source_types", "settings", "appointment_types",
					"businesses");

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=api");

			// then the three objects land exactly and the others are simply empty
			assertThat(exit).as(s.out + s.err).isZero();
			JsonNode summary = s.summary(s.lastRunId());
			assertCounts(summary, "patients", s.clinic.patients().size(), contactsExpected(s, false));
			assertCounts(summary, "appointments", s.clinic.individualAppointments().size(),
					s.clinic.individualAppointments().size());
			assertCounts(summary, "invoices", s.clinic.invoices().size(), s.clinic.invoices().size());
			assertThat(summary.path("objects").path("treatment_notes").path("read").asLong()).isZero();
			assertThat(s.hubspot.records("meetings")).hasSize(s.clinic.individualAppointments().size());
			assertThat(s.out).contains("Cliniko had no").contains("treatment_notes").contains("medical_alerts");
		}
	}

	@Test
	void aWrongClinikoUrlStopsAtTheDoorInsteadOfMigratingNothing() {
		try (ClinicScenario s = new ClinicScenario(20, 10, work)) {
			// given a base URL whose lists all answer 404
			s.settings.put("CLINIKO_API_URL", s.cliniko.baseUrl().replace("/v1", "/v2"));

			// then the run does not start: a restart could not help, so it exits 2 and says why
			assertThat(s.run(commands, "migrate", "--no-approval", "--source=api")).isEqualTo(2);
			assertThat(s.err).contains("404").contains("CLINIKO_API_URL");
			assertThat(s.hubspot.records("contacts")).isEmpty();
			assertThat(PreflightFunctionalTests.writes(s.hubspot)).isEmpty();
		}
	}

	@Test
	void failedRunRestartsAfterTheLastCommittedChunkWithNoDuplicates() {
		try (ClinicScenario s = new ClinicScenario(11, 250, work)) {
			// given HubSpot goes down for good part-way through the load
			s.settings.put("CLINIKO_BRIDGE_MAX_ATTEMPTS", "3");
			s.hubspot.failAllAfterUpserts(4, 503);

			// when
			int failed = s.run(commands, "migrate", "--no-approval", "--source=api");
			String runId = s.lastRunId();

			// then the run fails restartably, with some records committed and none duplicated
			assertThat(failed).as(s.out + s.err).isEqualTo(1);
			JsonNode partial = s.summary(runId);
			assertThat(partial.path("status").asString()).isEqualTo("FAILED");
			long committed = createdInAllObjects(partial);
			assertThat(committed).isPositive();
			assertThat(s.out).contains("restart " + runId);

			// and the process "dies" before it could record the failure, as a kill -9 would leave it
			jdbc.update("UPDATE BATCH_JOB_EXECUTION SET STATUS = 'STARTED', END_TIME = NULL WHERE JOB_EXECUTION_ID ="
					+ " (SELECT job_execution_id FROM bridge_run WHERE run_id = ?)", runId);
			jdbc.update("UPDATE BATCH_STEP_EXECUTION SET STATUS = 'STARTED', END_TIME = NULL WHERE STATUS = 'FAILED'");

			// when HubSpot is back and the run is restarted
			s.hubspot.clearFaults();
			int restarted = s.run(commands, "restart", runId);

			// then the whole clinic is there exactly once, counted as created by this run
			assertThat(restarted).as(s.out + s.err).isZero();
			JsonNode summary = s.summary(runId);
			assertThat(summary.path("status").asString()).isEqualTo("COMPLETED");
			assertCounts(summary, "patients", s.clinic.patients().size(), contactsExpected(s, false));
			assertCounts(summary, "appointments", s.clinic.individualAppointments().size(),
					s.clinic.individualAppointments().size());
			assertCounts(summary, "invoices", s.clinic.invoices().size(), s.clinic.invoices().size());
			assertThat(committed).isLessThan(createdInAllObjects(summary));
			assertMigrated(s, false);
		}
	}

	@Test
	void stopRequestedMidStepEndsStoppedAtAChunkBoundaryAndTheRestartFinishesExactly() throws Exception {
		try (ClinicScenario s = new ClinicScenario(12, 700, work)) {
			// given a slow HubSpot, so the run is mid-step when the stop comes
			s.hubspot.tenSecondlyLimit(6, java.time.Duration.ofMillis(500));
			s.settings.put("HUBSPOT_RATE_LIMIT", "6");
			s.settings.put("HUBSPOT_RATE_WINDOW_MS", "500");
			java.util.concurrent.CompletableFuture<ClinicScenario.Result> running = java.util.concurrent.CompletableFuture
				.supplyAsync(() -> s.runQuietly(commands, "migrate", "--no-approval", "--source=api"));

			// when a stop is requested (as SIGTERM does) once the first chunk of appointments has committed
			ClinicScenario.Result stopped;
			try {
				long deadline = System.currentTimeMillis() + 60_000;
				while (jdbc.queryForObject("SELECT COUNT(*) FROM ledger_entry WHERE object_type = 'appointments'",
						Long.class) == 0
						&& !running.isDone() && System.currentTimeMillis() < deadline) {
					Thread.sleep(20);
				}
				assertThat(running).as("still running when the stop comes").isNotDone();
				stop.requestStop();
				stopped = running.get(120, java.util.concurrent.TimeUnit.SECONDS);
			}
			finally {
				stop.reset();
			}

			// then the run ends STOPPED (not FAILED) after whole chunks, restartably
			String runId = jdbc.queryForObject("SELECT run_id FROM bridge_run", String.class);
			assertThat(stopped.code()).as(stopped.out() + stopped.err()).isEqualTo(1);
			JsonNode partial = s.summary(runId);
			assertThat(partial.path("status").asString()).isEqualTo("STOPPED");
			assertThat(jdbc.queryForList("SELECT s.STATUS FROM BATCH_STEP_EXECUTION s JOIN bridge_run r"
					+ " ON r.job_execution_id = s.JOB_EXECUTION_ID WHERE r.run_id = ? AND s.STATUS <> 'COMPLETED'",
					String.class, runId)).containsExactly("STOPPED");
			long appointments = partial.path("objects").path("appointments").path("read").asLong();
			assertThat(appointments).as("whole chunks of appointments")
				.isPositive()
				.isLessThan(s.clinic.individualAppointments().size());
			assertThat(appointments % MigrationJobConfiguration.CHUNK_SIZE).isZero();
			assertThat(stopped.out()).contains("restart " + runId);

			// and when it is restarted without limits, the whole clinic is there exactly once
			s.hubspot.disableRateLimits();
			s.settings.put("HUBSPOT_RATE_LIMIT", "0");
			assertThat(s.run(commands, "restart", runId)).as(s.out + s.err).isZero();
			JsonNode summary = s.summary(runId);
			assertThat(summary.path("status").asString()).isEqualTo("COMPLETED");
			assertCounts(summary, "appointments", s.clinic.individualAppointments().size(),
					s.clinic.individualAppointments().size());
			assertMigrated(s, false);
		}
	}

	@Test
	void stopRequestedBeforeTheRunStartsSkipsEveryStepAndTheRestartDoesItAll() {
		try (ClinicScenario s = new ClinicScenario(13, 40, work)) {
			// given a stop already requested (SIGTERM while the process was starting)
			stop.requestStop();
			int stopped;
			try {
				// when a migration starts
				stopped = s.run(commands, "migrate", "--no-approval", "--source=api");
			}
			finally {
				stop.reset();
			}

			// then its first step stops before doing anything, and nothing is written to HubSpot
			String runId = s.lastRunId();
			assertThat(stopped).as(s.out + s.err).isEqualTo(1);
			assertThat(s.summary(runId).path("status").asString()).isEqualTo("STOPPED");
			assertThat(jdbc.queryForList("SELECT s.STEP_NAME FROM BATCH_STEP_EXECUTION s JOIN bridge_run r"
					+ " ON r.job_execution_id = s.JOB_EXECUTION_ID WHERE r.run_id = ?", String.class, runId))
				.containsExactly("prepare");
			assertThat(SyncFunctionalTests.writes(s.hubspot)).as("HubSpot writes").isZero();

			// and its restart migrates the whole clinic
			assertThat(s.run(commands, "restart", runId)).as(s.out + s.err).isZero();
			assertMigrated(s, false);
		}
	}

	private static long createdInAllObjects(JsonNode summary) {
		long created = 0;
		for (JsonNode object : summary.path("objects")) {
			created += object.path("created").asLong();
		}
		return created;
	}

	@Test
	void badCsvRowsAreRejectedWithReasonsAndTheRestLands() throws Exception {
		try (ClinicScenario s = new ClinicScenario(5, 60, work)) {
			// given a patients export with three malformed rows appended
			Path patients = s.csvFolder.resolve(java.nio.file.Files.list(s.csvFolder)
				.map(p -> p.getFileName().toString())
				.filter(n -> n.startsWith("Patients-"))
				.findFirst()
				.orElseThrow());
			long lines = java.nio.file.Files.readAllLines(patients).size();
			int columns = com.clinikobridge.emulator.cliniko.ClinicCsvExporter.PATIENTS_HEADER.size();
			String[] badDate = new String[columns];
			java.util.Arrays.fill(badDate, "");
			badDate[0] = "1700000000000099001";
			badDate[2] = "Bad";
			badDate[5] = "1999-13-45";
			java.nio.file.Files.writeString(patients, String.join(",", badDate) + "\n" + "1700000000000099002,too,few\n"
					+ "1.70000E+18" + ",".repeat(columns - 1) + "\n", java.nio.file.StandardOpenOption.APPEND);

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder);

			// then the run completes with rejections (exit 3), every good row lands
			assertThat(exit).as(s.out + s.err).isEqualTo(3);
			String runId = s.lastRunId();
			JsonNode summary = s.summary(runId);
			assertThat(summary.path("objects").path("patients").path("rejected").asLong()).isEqualTo(3);
			assertThat(summary.path("objects").path("patients").path("created").asLong())
				.isEqualTo(s.clinic.patients().size());
			assertThat(s.hubspot.records("contacts")).hasSize(s.clinic.patients().size());
			String rejected = s.report(runId, "rejected.csv");
			assertThat(rejected)
				.contains("line " + (lines + 1) + ",1700000000000099001,Date of Birth,\"unparseable date")
				.contains("line " + (lines + 2) + ",1700000000000099002,(row),\"wrong column count: expected " + columns)
				.contains("line " + (lines + 3) + ",,Patient ID,\"id in scientific notation");
		}
	}

	@Test
	void dryRunWritesNothingAndReportsWhatWouldBeWritten() {
		try (ClinicScenario s = new ClinicScenario(3, 30, work)) {
			// given no HubSpot token at all: a migrate without --dry-run is refused, naming the token
			s.settings.put("HUBSPOT_ACCESS_TOKEN", "");
			assertThat(s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder)).isEqualTo(2);
			assertThat(s.err).contains("HUBSPOT_ACCESS_TOKEN", "--dry-run");

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder, "--dry-run");

			// then HubSpot saw nothing, and the report shows the counts and first records
			assertThat(exit).as(s.out + s.err).isZero();
			assertThat(s.hubspot.requestCount()).isZero();
			String runId = s.lastRunId();
			JsonNode summary = s.summary(runId);
			assertThat(summary.path("dryRun").asBoolean()).isTrue();
			assertCounts(summary, "patients", s.clinic.patients().size(), s.clinic.patients().size());
			assertCounts(summary, "appointments", s.clinic.individualAppointments().size(),
					s.clinic.individualAppointments().size());
			String preview = s.report(runId, "preview.json");
			assertThat(preview).contains("\"cliniko_patient_id\"", "\"hs_meeting_outcome\"", "\"dealstage\"");
		}
	}

	@Test
	void badOptionsAndMissingConfigurationExitTwoNamingThem() {
		try (ClinicScenario s = new ClinicScenario(1, 5, work)) {
			assertThat(s.run(commands, "migrate")).isEqualTo(2);
			assertThat(s.err).contains("--source");

			assertThat(s.run(commands, "migrate", "--no-approval", "--source=ftp:x")).isEqualTo(2);
			assertThat(s.err).contains("--source");

			assertThat(s.run(commands, "migrate", "--no-approval", "--source=csv:" + work.resolve("nowhere"))).isEqualTo(2);
			assertThat(s.err).contains("--source").contains("not a folder");

			assertThat(s.run(commands, "migrate", "--no-approval", "--source=api", "--frobnicate")).isEqualTo(2);
			assertThat(s.err).contains("--frobnicate");

			s.settings.put("CLINIKO_API_KEY", "");
			assertThat(s.run(commands, "migrate", "--no-approval", "--source=api")).isEqualTo(2);
			assertThat(s.err).contains("CLINIKO_API_KEY");

			s.settings.put("CLINIKO_API_KEY", "abc-zz");
			s.settings.remove("CLINIKO_API_URL");
			assertThat(s.run(commands, "migrate", "--no-approval", "--source=api")).isEqualTo(2);
			assertThat(s.err).contains("CLINIKO_API_KEY").contains("shard");

			s.settings.put("HUBSPOT_API_URL", "not a url");
			assertThat(s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder)).isEqualTo(2);
			assertThat(s.err).contains("HUBSPOT_API_URL");

			assertThat(s.run(commands, "restart", "20990101-0000-beef")).isEqualTo(2);
			assertThat(s.err).contains("20990101-0000-beef");
			assertThat(s.hubspot.requestCount()).isZero();
		}
	}

	private static void assertCounts(JsonNode summary, String object, long read, long created) {
		JsonNode c = summary.path("objects").path(object);
		assertThat(c.path("read").asLong()).as(object + " read").isEqualTo(read);
		assertThat(c.path("created").asLong()).as(object + " created").isEqualTo(created);
		assertThat(c.path("rejected").asLong()).as(object + " rejected").isZero();
		assertThat(c.path("read").asLong()).isEqualTo(c.path("created").asLong() + c.path("updated").asLong()
				+ c.path("unchanged").asLong() + c.path("rejected").asLong() + c.path("failed").asLong());
	}

	/** Contacts expected: every patient from CSV exports; from the API, all but merged-away ones. */
	static int contactsExpected(ClinicScenario s, boolean fromCsv) {
		return (int) s.clinic.patients().stream().filter(p -> fromCsv || !p.isMerged()).count();
	}

	/** Asserts HubSpot holds exactly the clinic: one record per Cliniko record, with its values. */
	static void assertMigrated(ClinicScenario s, boolean fromCsv) {
		Clinic clinic = s.clinic;
		Map<String, RecordSnapshot> contacts = byProperty(s.hubspot.records("contacts"), "cliniko_patient_id");
		Map<String, RecordSnapshot> meetings = byProperty(s.hubspot.records("meetings"), "cliniko_appointment_id");
		Map<String, RecordSnapshot> deals = byProperty(s.hubspot.records("deals"), "cliniko_invoice_id");
		assertThat(s.hubspot.records("contacts")).hasSize(contactsExpected(s, fromCsv));
		assertThat(contacts).hasSize(contactsExpected(s, fromCsv));
		assertThat(meetings).hasSize(clinic.individualAppointments().size());
		assertThat(deals).hasSize(clinic.invoices().size());

		// patients → contacts, with shared emails kept by the lowest id
		Map<String, Long> emailHolder = clinic.patients()
			.stream()
			.filter(p -> p.email() != null && (fromCsv || !p.isMerged()))
			.collect(Collectors.toMap(p -> p.email().toLowerCase(Locale.ROOT), Patient::id, Math::min));
		int shared = 0;
		for (Patient p : clinic.patients()) {
			RecordSnapshot c = contacts.get(Long.toString(p.id()));
			if (!fromCsv && p.isMerged()) {
				assertThat(c).as("merged-away patient " + p.id() + " is no contact").isNull();
				continue;
			}
			assertThat(c).as("contact of patient " + p.id()).isNotNull();
			assertThat(c.properties().get("firstname")).isEqualTo(p.firstName());
			assertThat(c.properties().get("lastname")).isEqualTo(p.lastName());
			assertThat(c.properties().get("cliniko_date_of_birth"))
				.isEqualTo(p.dateOfBirth() == null ? null : p.dateOfBirth().toString());
			assertThat(c.properties().get("city")).isEqualTo(p.city());
			assertThat(c.properties().get("zip")).isEqualTo(p.postCode());
			if (!p.phones("Mobile").isEmpty()) {
				assertThat(c.properties().get("mobilephone")).isEqualTo(p.phones("Mobile").get(0).number());
			}
			if (!fromCsv) {
				assertThat(c.properties().get("cliniko_archived")).isEqualTo(p.isArchived() ? "true" : "false");
			}
			if (p.email() != null) {
				boolean holds = emailHolder.get(p.email().toLowerCase(Locale.ROOT)) == p.id();
				assertThat(c.properties().get("email")).as("email of " + p.id()).isEqualTo(holds ? p.email() : null);
				assertThat(c.properties().get("cliniko_shared_email")).isEqualTo(holds ? null : p.email());
				shared += holds ? 0 : 1;
			}
		}
		assertThat(shared).as("patients sharing another patient's email").isPositive();

		// appointments → meetings, outcome and association to the contact
		Set<String> meetingLinks = s.hubspot.associations("meetings", "contacts")
			.stream()
			.filter(a -> a.typeId() == 200)
			.map(a -> a.fromId() + "->" + a.toId())
			.collect(Collectors.toSet());
		Instant now = Instant.now();
		Set<String> outcomes = new HashSet<>();
		for (IndividualAppointment a : clinic.individualAppointments()) {
			RecordSnapshot m = meetings.get(Long.toString(a.id()));
			assertThat(m).as("meeting of appointment " + a.id()).isNotNull();
			String expected = a.isCancelled() ? "CANCELED" : Boolean.TRUE.equals(a.didNotArrive()) ? "NO_SHOW"
					: a.startsAt().isAfter(now) ? "SCHEDULED" : "COMPLETED";
			assertThat(m.properties().get("hs_meeting_outcome")).as("outcome of " + a.id()).isEqualTo(expected);
			outcomes.add(expected);
			assertThat(Instant.parse(m.properties().get("hs_timestamp"))).isEqualTo(a.startsAt());
			assertThat(m.properties().get("cliniko_duration_minutes"))
				.isEqualTo(Long.toString(java.time.Duration.between(a.startsAt(), a.endsAt()).toMinutes()));
			String contactId = contacts.get(Long.toString(patientOf(s, a.patientId(), fromCsv))).id();
			assertThat(meetingLinks).contains(m.id() + "->" + contactId);
			String owner = m.properties().get("hubspot_owner_id");
			String email = clinic.practitionerEmail(clinic.practitioner(a.practitionerId()).orElseThrow());
			if (email.equals(com.clinikobridge.emulator.cliniko.ClinicGenerator.UNMATCHED_PRACTITIONER_EMAIL)) {
				assertThat(owner).isNull();
			}
			else if (!fromCsv) {
				assertThat(owner).isEqualTo(s.hubspot.owners()
					.stream()
					.filter(o -> o.email().equalsIgnoreCase(email))
					.findFirst()
					.orElseThrow()
					.id());
			}
		}
		assertThat(outcomes).contains("CANCELED", "NO_SHOW", "SCHEDULED", "COMPLETED");

		// invoices → deals in the Cliniko pipeline, stage by status, associated to the contact
		var pipeline = s.hubspot.pipelines()
			.stream()
			.filter(p -> p.label().equals("Cliniko invoices"))
			.findFirst()
			.orElseThrow();
		Map<String, String> stageByLabel = pipeline.stages()
			.stream()
			.collect(Collectors.toMap(st -> st.label(), st -> st.id()));
		Set<String> dealLinks = s.hubspot.associations("deals", "contacts")
			.stream()
			.filter(a -> a.typeId() == 3)
			.map(a -> a.fromId() + "->" + a.toId())
			.collect(Collectors.toSet());
		for (Invoice i : clinic.invoices()) {
			RecordSnapshot d = deals.get(Long.toString(i.id()));
			assertThat(d).as("deal of invoice " + i.id()).isNotNull();
			assertThat(d.properties().get("dealname")).isEqualTo("Invoice " + i.number());
			assertThat(new java.math.BigDecimal(d.properties().get("amount"))).isEqualByComparingTo(i.totalAmount());
			assertThat(d.properties().get("pipeline")).isEqualTo(pipeline.id());
			assertThat(d.properties().get("dealstage")).isEqualTo(stageByLabel.get(i.statusDescription()));
			assertThat(dealLinks)
				.contains(d.id() + "->" + contacts.get(Long.toString(patientOf(s, i.patientId(), fromCsv))).id());
			if (fromCsv) {
				assertThat(new java.math.BigDecimal(d.properties().get("cliniko_outstanding_balance")))
					.isEqualByComparingTo(i.outstandingBalance());
			}
		}
	}

	/** The patient whose contact a record attaches to: the survivor of a merged-away patient. */
	static long patientOf(ClinicScenario s, long patientId, boolean fromCsv) {
		return fromCsv ? patientId : s.clinic.survivorId(patientId);
	}

	static Map<String, RecordSnapshot> byProperty(List<RecordSnapshot> records, String property) {
		return records.stream()
			.filter(r -> r.properties().get(property) != null)
			.collect(Collectors.toMap(r -> r.properties().get(property), Function.identity(), (a, b) -> {
				throw new AssertionError("two HubSpot records for " + property + "=" + a.properties().get(property));
			}));
	}
}
