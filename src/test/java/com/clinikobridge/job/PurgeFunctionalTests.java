package com.clinikobridge.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

import com.clinikobridge.emulator.cliniko.ClinicCsvExporter;
import com.clinikobridge.emulator.hubspot.HubSpotEmulator.RecordSnapshot;
import com.clinikobridge.support.ClinicScenario;
import com.clinikobridge.support.FunctionalTestBase;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code purge <run-id>} and {@code purge --before=DATE} (issue 13): a run's reports and the job
 * repository's personal values go, its counts stay, and it can no longer be rolled back.
 */
class PurgeFunctionalTests extends FunctionalTestBase {

	@Test
	void purgeRemovesReportsAndPersonalValuesKeepingCounts() throws Exception {
		try (ClinicScenario s = new ClinicScenario(51, 30, work)) {
			// given a migrate run with a rejected row, and a reconcile run that found an edited contact
			appendBadPatientRow(s);
			assertThat(s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder)).isEqualTo(3);
			String runId = s.lastRunId();
			RecordSnapshot edited = s.hubspot.records("contacts").get(0);
			s.hubspot.editRecord("contacts", edited.id(), "firstname", "Someone else");
			assertThat(s.run(commands, "reconcile", runId)).isEqualTo(3);
			String reconcileId = s.lastRunId();
			long entries = count("SELECT COUNT(*) FROM ledger_entry");
			assertThat(count("SELECT COUNT(*) FROM before_image WHERE run_id = '" + runId + "'")).isPositive();

			// when the migrate run is purged
			assertThat(s.run(commands, "purge", runId)).as(s.out + s.err).isZero();

			// then its report folder and personal values are gone, its counts and run row stay
			assertThat(s.out).contains("Purged run " + runId + ": report folder removed").contains("1 rejection(s)");
			assertThat(s.reportDir.resolve(runId)).doesNotExist();
			assertThat(count("SELECT COUNT(*) FROM before_image WHERE run_id = '" + runId + "' AND properties <> '{}'"))
				.isZero();
			assertThat(count("SELECT COUNT(*) FROM run_write WHERE run_id = '" + runId + "' AND properties <> '{}'"))
				.isZero();
			assertThat(jdbc.queryForList("SELECT source_ref, reason FROM rejection WHERE run_id = ?", runId))
				.hasSize(1)
				.allSatisfy(r -> assertThat(r.values()).containsOnly("(purged)"));
			assertThat(count("SELECT COUNT(*) FROM ledger_entry")).isEqualTo(entries);
			assertThat(s.run(commands, "status")).isZero();
			assertThat(s.out).contains(runId);

			// and it can no longer be rolled back: refused, nothing archived
			assertThat(s.run(commands, "rollback", runId)).isEqualTo(2);
			assertThat(s.err).contains("was purged");
			assertThat(s.hubspot.archivedRecords("contacts")).isEmpty();

			// when every run before tomorrow is purged, the reconcile run's values go too
			assertThat(s.run(commands, "purge", "--before=2999-01-01")).as(s.out + s.err).isZero();
			assertThat(s.reportDir.resolve(reconcileId)).doesNotExist();
			assertThat(count("SELECT COUNT(*) FROM reconcile_mismatch WHERE run_id = '" + reconcileId + "'")).isPositive();
			assertThat(count("SELECT COUNT(*) FROM reconcile_mismatch WHERE expected IS NOT NULL OR actual IS NOT NULL"))
				.isZero();
		}
	}

	@Test
	void purgeNeedsOneRunOrADate() {
		try (ClinicScenario s = new ClinicScenario(52, 5, work)) {
			// then
			assertThat(s.run(commands, "purge")).isEqualTo(2);
			assertThat(s.err).contains("purge takes a run id or --before=DATE");
			assertThat(s.run(commands, "purge", "20991231-0000-ffff")).isEqualTo(2);
			assertThat(s.err).contains("there is no run '20991231-0000-ffff'");
			assertThat(s.run(commands, "purge", "--before=yesterday")).isEqualTo(2);
			assertThat(s.err).contains("--before must be a date");
		}
	}

	private long count(String sql) {
		return jdbc.queryForObject(sql, Long.class);
	}

	private static void appendBadPatientRow(ClinicScenario s) throws Exception {
		Path patients;
		try (var files = Files.list(s.csvFolder)) {
			patients = files.filter(p -> p.getFileName().toString().startsWith("Patients-")).findFirst().orElseThrow();
		}
		String[] bad = new String[ClinicCsvExporter.PATIENTS_HEADER.size()];
		Arrays.fill(bad, "");
		bad[0] = "1700000000000099001";
		bad[2] = "Bad";
		bad[5] = "1999-13-45";
		Files.writeString(patients, String.join(",", bad) + "\n", StandardOpenOption.APPEND);
	}
}
