package com.clinikobridge.job;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import com.clinikobridge.emulator.cliniko.Clinic.Patient;
import com.clinikobridge.emulator.hubspot.HubSpotEmulator;
import com.clinikobridge.emulator.hubspot.HubSpotEmulator.AssociationSnapshot;
import com.clinikobridge.support.ClinicScenario;
import com.clinikobridge.support.FunctionalTestBase;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code rollback <run-id>} against the stateful HubSpot emulator, compared with snapshots of the
 * portal: records the run created are gone, records it updated hold their old values again,
 * records and associations it did not touch are as they were.
 */
class RollbackFunctionalTests extends FunctionalTestBase {

	static final List<String> TYPES = List.of("contacts", "companies", "products", "deals", "line_items", "meetings",
			"notes");

	/** The portal's live records (without HubSpot's modification stamps) and associations. */
	record Snapshot(Map<String, Map<String, Map<String, String>>> records,
			Map<String, Set<AssociationSnapshot>> associations) {
	}

	static Snapshot snapshot(HubSpotEmulator hubspot) {
		Map<String, Map<String, Map<String, String>>> records = new TreeMap<>();
		Map<String, Set<AssociationSnapshot>> associations = new TreeMap<>();
		for (String type : TYPES) {
			Map<String, Map<String, String>> byId = new TreeMap<>();
			hubspot.records(type).forEach(r -> {
				Map<String, String> properties = new TreeMap<>(r.properties());
				properties.remove("hs_lastmodifieddate");
				properties.remove("lastmodifieddate");
				byId.put(r.id(), properties);
			});
			records.put(type, byId);
			for (String to : TYPES) {
				if (!to.equals(type) && !hubspot.associations(type, to).isEmpty()) {
					associations.put(type + "→" + to, hubspot.associations(type, to));
				}
			}
		}
		return new Snapshot(records, associations);
	}

	/** The portal's live records and associations equal the snapshot, type by type. */
	static void assertPortalEquals(Snapshot before, HubSpotEmulator hubspot) {
		Snapshot after = snapshot(hubspot);
		for (String type : TYPES) {
			assertThat(after.records().get(type)).as(type).isEqualTo(before.records().get(type));
		}
		assertThat(after.associations()).isEqualTo(before.associations());
	}

	/**
	 * A portal that already holds five of the clinic's patients (matched on cliniko_patient_id,
	 * with other values), a contact and a company of its own, and associations between them.
	 */
	static List<String> seedPreHeld(ClinicScenario s) {
		List<Patient> patients = s.clinic.patients().stream().filter(p -> !p.isMerged()).limit(5).toList();
		List<String> ids = new java.util.ArrayList<>();
		for (Patient p : patients) {
			ids.add(s.hubspot.seedRecord("contacts", Map.of("cliniko_patient_id", Long.toString(p.id()), "firstname",
					"Before", "city", "Oldtown")));
		}
		String own = s.hubspot.seedRecord("contacts", Map.of("firstname", "Untouched", "email", "own@example.org"));
		String company = s.hubspot.seedRecord("companies", Map.of("name", "Acme"));
		s.hubspot.seedAssociation("contacts", own, "companies", company, 279);
		s.hubspot.seedAssociation("contacts", ids.get(0), "companies", company, 279);
		// a referred patient already linked, as primary only, to its referrer's company: the run
		// adds the unlabeled type, and rollback must remove just that type
		Map.Entry<Long, Long> referral = s.clinic.referringDoctorByPatient()
			.entrySet()
			.stream()
			.filter(e -> patients.stream().noneMatch(p -> p.id() == e.getKey()))
			.filter(e -> s.clinic.patients().stream().anyMatch(p -> p.id() == e.getKey() && !p.isMerged()))
			.findFirst()
			.orElseThrow();
		String referred = s.hubspot.seedRecord("contacts", Map.of("cliniko_patient_id", referral.getKey().toString(),
				"firstname", "Before"));
		String referrer = s.hubspot.seedRecord("companies", Map.of("cliniko_contact_id", referral.getValue().toString(),
				"name", "Referrer before"));
		s.hubspot.seedAssociation("contacts", referred, "companies", referrer, 1);
		ids.add(referred);
		return ids;
	}

	private String migrate(ClinicScenario s, String source) {
		int code = s.run(commands, "migrate", "--source=" + source, "--no-approval");
		assertThat(code).as(s.out + s.err).isIn(0, 3);
		return s.lastRunId();
	}

	@Test
	void rollbackRestoresThePortalToItsSnapshotAndASecondRollbackIsANoOp() {
		try (ClinicScenario s = new ClinicScenario(31, 20, work)) {
			// given a portal with the bridge's schema and records of its own, some matching the clinic
			assertThat(s.run(commands, "schema", "--apply")).isZero();
			seedPreHeld(s);
			Snapshot before = snapshot(s.hubspot);

			// when the clinic is migrated from the API, then rolled back
			String runId = migrate(s, "api");
			JsonNode migrated = s.summary(runId);
			assertThat(migrated.path("objects").path("patients").path("updated").asLong()).isEqualTo(6);
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM added_association WHERE label_only = TRUE",
					Long.class)).isEqualTo(1);
			assertThat(snapshot(s.hubspot)).isNotEqualTo(before);
			assertThat(s.run(commands, "rollback", runId)).as(s.out + s.err).isZero();

			// then HubSpot's live records and associations equal the snapshot exactly
			assertPortalEquals(before, s.hubspot);
			String rollbackId = s.lastRunId();
			JsonNode rolled = s.summary(rollbackId);
			assertThat(rolled.path("command").asString()).isEqualTo("rollback");
			assertThat(rolled.path("targetRunId").asString()).isEqualTo(runId);
			assertThat(rolled.path("rollback").path("recordsRestored").path("patients").asLong()).isEqualTo(6);
			long created = 0;
			for (JsonNode c : migrated.path("objects")) {
				created += c.path("created").asLong();
			}
			long archived = 0;
			for (JsonNode n : rolled.path("rollback").path("recordsArchived")) {
				archived += n.asLong();
			}
			assertThat(archived).isEqualTo(created).isPositive();
			assertThat(s.report(rollbackId, "report.txt")).contains("cannot undo side effects");

			// and a second rollback of the same run does nothing and says so
			int requests = s.hubspot.requestCount();
			assertThat(s.run(commands, "rollback", runId)).isZero();
			assertThat(s.out).contains("already rolled back by " + rollbackId);
			assertThat(s.hubspot.requestCount()).isEqualTo(requests);
		}
	}

	@Test
	void aRollbackKilledMidwayAndRunAgainFinishesTheJob() {
		try (ClinicScenario s = new ClinicScenario(32, 20, work)) {
			// given a migrated portal that held some of the records before
			assertThat(s.run(commands, "schema", "--apply")).isZero();
			seedPreHeld(s);
			Snapshot before = snapshot(s.hubspot);
			String runId = migrate(s, "api");

			// when HubSpot goes down during the rollback, and the process dies as kill -9 would leave it
			s.settings.put("CLINIKO_BRIDGE_MAX_ATTEMPTS", "2");
			s.hubspot.failAllAfter(4, 503);
			assertThat(s.run(commands, "rollback", runId)).as(s.out + s.err).isEqualTo(1);
			String rollbackId = s.lastRunId();
			assertThat(s.out).contains("Resume with: rollback " + runId);
			jdbc.update("UPDATE BATCH_JOB_EXECUTION SET STATUS = 'STARTED', END_TIME = NULL WHERE JOB_EXECUTION_ID ="
					+ " (SELECT job_execution_id FROM bridge_run WHERE run_id = ?)", rollbackId);
			jdbc.update("UPDATE BATCH_STEP_EXECUTION SET STATUS = 'STARTED', END_TIME = NULL WHERE STATUS = 'FAILED'");
			jdbc.update("UPDATE bridge_run SET status = 'STARTED' WHERE run_id = ?", rollbackId);
			assertThat(snapshot(s.hubspot)).isNotEqualTo(before);

			// and the rollback is run again once HubSpot is back
			s.hubspot.clearFaults();
			assertThat(s.run(commands, "rollback", runId)).as(s.out + s.err).isZero();

			// then it resumed the same rollback run and the portal equals the snapshot
			assertThat(s.out).contains("Rollback " + rollbackId + " of run " + runId + " resuming");
			assertPortalEquals(before, s.hubspot);
		}
	}

	@Test
	void rollbackIsExactInAPortalThatRefusesUniqueIdProperties() {
		try (ClinicScenario s = new ClinicScenario(35, 15, work)) {
			// given a portal where meetings and deals have no unique ID property (written through the id map)
			s.hubspot.refuseUniqueProperties("meetings").refuseUniqueProperties("deals");
			assertThat(s.run(commands, "schema", "--apply")).isZero();
			seedPreHeld(s);
			Snapshot before = snapshot(s.hubspot);
			String runId = migrate(s, "api");
			assertThat(s.out).contains("written through the ledger's id map");

			// when a second migration of the same clinic updates through the id map, and both are rolled back
			String second = migrate(s, "csv:" + s.csvFolder);
			assertThat(s.run(commands, "rollback", second)).as(s.out + s.err).isZero();
			assertThat(s.run(commands, "rollback", runId)).as(s.out + s.err).isZero();

			// then the portal equals the snapshot
			assertPortalEquals(before, s.hubspot);
		}
	}

	@Test
	void rollingBackAFailedRunAlsoUndoesTheChunkThatNeverCommitted() {
		try (ClinicScenario s = new ClinicScenario(34, 20, work)) {
			// given a portal holding some of the clinic, and a migration that fails just after an
			// write landed, so its chunk's ledger entries never committed
			assertThat(s.run(commands, "schema", "--apply")).isZero();
			seedPreHeld(s);
			Snapshot before = snapshot(s.hubspot);
			s.settings.put("CLINIKO_BRIDGE_MAX_ATTEMPTS", "2");
			s.hubspot.failAllAfterUpserts(1, 503);
			assertThat(s.run(commands, "migrate", "--source=api", "--no-approval")).isEqualTo(1);
			String runId = s.lastRunId();
			s.hubspot.clearFaults();
			long inHubSpot = TYPES.stream().mapToLong(t -> s.hubspot.records(t).size()).sum();
			long known = jdbc.queryForObject("SELECT COUNT(*) FROM id_map", Long.class) + 9;
			assertThat(inHubSpot).as("records the ledger does not know").isGreaterThan(known);

			// when the failed run is rolled back without a restart
			assertThat(s.run(commands, "rollback", runId)).as(s.out + s.err).isZero();

			// then the portal equals the snapshot, the uncommitted chunk included
			assertPortalEquals(before, s.hubspot);
		}
	}

	@Test
	void rollingBackARunThatALaterRunTouchedIsRefusedUntilTheLaterRunIsRolledBack() throws Exception {
		try (ClinicScenario s = new ClinicScenario(33, 15, work)) {
			// given a migration from the API and a later one from the CSV exports, which updates patients
			Snapshot before = snapshot(s.hubspot);
			String first = migrate(s, "api");
			String later = migrate(s, "csv:" + s.csvFolder);
			assertThat(s.summary(later).path("objects").path("patients").path("updated").asLong()).isPositive();

			// when the first is rolled back
			int code = s.run(commands, "rollback", first);

			// then it is refused, naming the later run and what it would clobber
			assertThat(code).isEqualTo(2);
			assertThat(s.err).contains(later, "patients", "--force", "overwrite");

			// and a run whose before-images are gone (as for runs made before they were kept) is refused
			jdbc.update("UPDATE before_image SET run_id = 'elsewhere' WHERE run_id = ?", first);
			assertThat(s.run(commands, "rollback", first, "--force")).isEqualTo(2);
			assertThat(s.err).contains("kept no before-images");
			jdbc.update("UPDATE before_image SET run_id = ? WHERE run_id = 'elsewhere'", first);

			// and a dry run of the later one lists its actions without changing anything: it only
			// reads what HubSpot holds now, to find what people edited since
			int requests = s.hubspot.requests().size();
			assertThat(s.run(commands, "rollback", later, "--dry-run")).isZero();
			assertThat(s.out).contains("would", "to restore");
			assertThat(s.hubspot.requests().subList(requests, s.hubspot.requests().size()))
				.allMatch(r -> r.path().endsWith("/batch/read"), "batch reads only");
			String dryRunId = jdbc.queryForObject("SELECT run_id FROM bridge_run WHERE command = 'rollback'"
					+ " AND dry_run = TRUE", String.class);
			List<String> plan = Files.readAllLines(s.reportDir.resolve(dryRunId).resolve("rollback-plan.csv"));
			assertThat(plan).hasSizeGreaterThan(1);

			// and rolling back the later run, then the first, with the schema, leaves the portal as it was
			assertThat(s.run(commands, "rollback", later)).as(s.out + s.err).isZero();
			assertThat(s.run(commands, "rollback", first, "--include-schema")).as(s.out + s.err).isZero();
			Snapshot after = snapshot(s.hubspot);
			assertThat(after).isEqualTo(before);
			assertThat(s.hubspot.property("contacts", "cliniko_patient_id")).isEmpty();
			assertThat(s.hubspot.groups("contacts")).noneMatch(g -> g.name().equals("cliniko"));
			assertThat(s.hubspot.pipelines()).noneMatch(p -> p.label().startsWith("Cliniko"));
		}
	}
}
