package com.clinikobridge.job;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.clinikobridge.support.ClinicScenario;
import com.clinikobridge.support.PostgresTestBase;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.annotation.Value;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar as an operator runs it, in its own process: killed with SIGKILL in the
 * middle of a step, then restarted with {@code restart <run-id>}. Run by failsafe after
 * {@code package} (see pom.xml), against the same PostgreSQL as the other tests.
 */
class MigrationProcessTests extends PostgresTestBase {

	@TempDir
	Path work;

	@Value("${spring.datasource.url}")
	String databaseUrl;

	@Value("${spring.datasource.username}")
	String databaseUser;

	@Value("${spring.datasource.password:}")
	String databasePassword;

	@Test
	void runKilledMidStepRestartsToAnExactResult() throws Exception {
		emptyLedger();
		try (ClinicScenario s = new ClinicScenario(17, 400, work)) {
			// given a HubSpot slow enough (throttled) that the run can be killed mid-way
			s.hubspot.tenSecondlyLimit(6, Duration.ofMillis(500));
			s.settings.put("HUBSPOT_RATE_LIMIT", "6");
			s.settings.put("HUBSPOT_RATE_WINDOW_MS", "500");

			// when the jar runs and is killed once some chunks have committed
			Process migrate = start(s, "migrate", "--no-approval", "--source=api");
			Instant deadline = Instant.now().plusSeconds(60);
			while (committed() < 200 && Instant.now().isBefore(deadline) && migrate.isAlive()) {
				Thread.sleep(50);
			}
			assertThat(migrate.isAlive()).as("still running when killed").isTrue();
			migrate.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			String runId = jdbc.queryForObject("SELECT run_id FROM bridge_run", String.class);
			long atKill = committed();
			assertThat(atKill).isGreaterThan(0);
			assertThat(jdbc.queryForObject("SELECT status FROM bridge_run", String.class)).isEqualTo("STARTED");

			// and the run is restarted in a new process
			s.hubspot.disableRateLimits();
			s.settings.put("HUBSPOT_RATE_LIMIT", "0");
			Process restart = start(s, "restart", runId);
			assertThat(restart.waitFor(120, TimeUnit.SECONDS)).isTrue();

			// then it completes with every record exactly once
			assertThat(restart.exitValue()).as(Files.readString(work.resolve("restart.out"))).isZero();
			JsonNode summary = s.summary(runId);
			assertThat(summary.path("status").asString()).isEqualTo("COMPLETED");
			int contacts = MigrationFunctionalTests.contactsExpected(s, false);
			assertThat(summary.path("objects").path("patients").path("created").asLong()).isEqualTo(contacts);
			assertThat(summary.path("objects").path("appointments").path("created").asLong())
				.isEqualTo(s.clinic.individualAppointments().size());
			assertThat(summary.path("objects").path("invoices").path("created").asLong())
				.isEqualTo(s.clinic.invoices().size());
			assertThat(s.hubspot.records("contacts")).hasSize(contacts);
			assertThat(s.hubspot.records("notes")).hasSize(s.clinic.treatmentNotes().size());
			assertThat(s.hubspot.records("line_items")).hasSize(s.clinic.invoiceItems().size());
			assertThat(s.hubspot.records("meetings")).hasSize(s.clinic.individualAppointments().size());
			assertThat(s.hubspot.records("deals")).hasSize(s.clinic.invoices().size());
			assertThat(s.hubspot.records("contacts").stream().map(r -> r.properties().get("cliniko_patient_id")))
				.doesNotHaveDuplicates();

			// and reconcile, run from the jar, finds Cliniko and HubSpot in agreement
			Process reconcile = start(s, "reconcile", runId);
			assertThat(reconcile.waitFor(120, TimeUnit.SECONDS)).isTrue();
			assertThat(reconcile.exitValue()).as(Files.readString(work.resolve("reconcile.out"))).isZero();
		}
	}

	@Test
	void rollbackKilledMidwayAndRunAgainLeavesThePortalAsItWas() throws Exception {
		emptyLedger();
		try (ClinicScenario s = new ClinicScenario(18, 150, work)) {
			// given a portal holding some of the clinic, migrated from the API by the jar
			Process schema = start(s, "schema", "--apply");
			assertThat(schema.waitFor(60, TimeUnit.SECONDS)).isTrue();
			RollbackFunctionalTests.seedPreHeld(s);
			RollbackFunctionalTests.Snapshot before = RollbackFunctionalTests.snapshot(s.hubspot);
			Process migrate = start(s, "migrate", "--no-approval", "--source=api");
			assertThat(migrate.waitFor(120, TimeUnit.SECONDS)).isTrue();
			assertThat(migrate.exitValue()).as(Files.readString(work.resolve("migrate.out"))).isIn(0, 3);
			String runId = jdbc.queryForObject("SELECT run_id FROM bridge_run WHERE command = 'migrate'", String.class);

			// when a throttled rollback is killed once some chunks have been undone
			s.hubspot.tenSecondlyLimit(4, Duration.ofMillis(500));
			s.settings.put("HUBSPOT_RATE_LIMIT", "4");
			s.settings.put("HUBSPOT_RATE_WINDOW_MS", "500");
			Process rollback = start(s, "rollback", runId);
			Instant deadline = Instant.now().plusSeconds(60);
			while (undone() < 200 && Instant.now().isBefore(deadline) && rollback.isAlive()) {
				Thread.sleep(50);
			}
			assertThat(rollback.isAlive()).as("still running when killed").isTrue();
			rollback.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			assertThat(undone()).isGreaterThan(0);

			// and run again in a new process
			s.hubspot.disableRateLimits();
			s.settings.put("HUBSPOT_RATE_LIMIT", "0");
			Process again = start(s, "rollback", runId);
			assertThat(again.waitFor(120, TimeUnit.SECONDS)).isTrue();

			// then the same rollback run finished, and the portal equals the snapshot
			String out = Files.readString(work.resolve("rollback.out"));
			assertThat(again.exitValue()).as(out).isZero();
			assertThat(out).contains("resuming");
			RollbackFunctionalTests.assertPortalEquals(before, s.hubspot);
		}
	}

	@Test
	void syncStoppedBySigtermThenKilledIsFinishedExactlyByTheNextTriggers() throws Exception {
		emptyLedger();
		try (ClinicScenario s = new ClinicScenario(19, 300, work)) {
			// given a migrated clinic in which every patient was renamed, and a slow HubSpot
			Process migrate = start(s, "migrate", "--no-approval", "--source=api");
			assertThat(migrate.waitFor(120, TimeUnit.SECONDS)).isTrue();
			assertThat(migrate.exitValue()).as(Files.readString(work.resolve("migrate.out"))).isIn(0, 3);
			var changes = new com.clinikobridge.emulator.cliniko.ClinicChanges(s.clinic,
					Instant.parse("2026-11-21T12:00:00Z"));
			s.clinic.patients().stream().filter(p -> !p.isMerged()).forEach(p -> changes.renamePatient(p.id(), "Nightly"));
			s.cliniko.load(changes.clinic());
			s.hubspot.tenSecondlyLimit(4, Duration.ofMillis(500));
			s.settings.put("HUBSPOT_RATE_LIMIT", "4");
			s.settings.put("HUBSPOT_RATE_WINDOW_MS", "500");
			s.settings.put("CLINIKO_BRIDGE_LOCK_STALE_MS", "1500");

			// when a sync gets SIGTERM once it has committed a chunk
			Process first = start(s, "sync");
			awaitSyncEntries(first, 100);
			first.destroy();
			assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
			assertThat(first.exitValue()).as("stopped, restartable").isEqualTo(1);
			String syncId = jdbc.queryForObject("SELECT run_id FROM bridge_run WHERE command = 'sync'", String.class);
			assertThat(jdbc.queryForObject("SELECT status FROM bridge_run WHERE run_id = ?", String.class, syncId))
				.as(Files.readString(work.resolve("sync.out")))
				.isEqualTo("STOPPED");

			// and the next trigger, restarting it, is killed with SIGKILL
			Process second = start(s, "sync");
			awaitSyncEntries(second, 200);
			second.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

			// then the trigger after that takes over the stale lock, finishes the run, and starts a new one
			s.hubspot.disableRateLimits();
			s.settings.put("HUBSPOT_RATE_LIMIT", "0");
			Thread.sleep(1600);
			Process third = start(s, "sync");
			assertThat(third.waitFor(120, TimeUnit.SECONDS)).isTrue();
			String out = Files.readString(work.resolve("sync.out"));
			assertThat(third.exitValue()).as(out).isZero();
			assertThat(out).contains("Sync run " + syncId + " did not complete");
			int renamed = (int) s.clinic.patients().stream().filter(p -> !p.isMerged()).count();
			assertThat(s.summary(syncId).path("objects").path("patients").path("updated").asLong()).isEqualTo(renamed);
			assertThat(s.hubspot.records("contacts")).hasSize(renamed)
				.allMatch(c -> "Nightly".equals(c.property("lastname")));
			assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM bridge_run WHERE command = 'sync'", Long.class))
				.isEqualTo(2);
		}
	}

	@Test
	void twoMigrationsStartedASecondApartOneRunsAndTheOtherExitsNamingIt() throws Exception {
		emptyLedger();
		try (ClinicScenario s = new ClinicScenario(21, 150, work)) {
			// given an empty portal, slow enough (throttled) that a migration takes seconds
			RollbackFunctionalTests.Snapshot empty = RollbackFunctionalTests.snapshot(s.hubspot);
			s.hubspot.tenSecondlyLimit(10, Duration.ofMillis(500));
			s.settings.put("HUBSPOT_RATE_LIMIT", "10");
			s.settings.put("HUBSPOT_RATE_WINDOW_MS", "500");

			// when two migrate processes start a second apart on the same job repository and portal
			Process first = startAs(s, "first.out", "migrate", "--no-approval", "--source=api");
			Thread.sleep(1000);
			Process second = startAs(s, "second.out", "migrate", "--no-approval", "--source=api");
			assertThat(first.waitFor(180, TimeUnit.SECONDS)).isTrue();
			assertThat(second.waitFor(180, TimeUnit.SECONDS)).isTrue();

			// then one ran, and the other exited 1 naming it (host, pid, run, since), having written nothing
			List<Integer> exits = List.of(first.exitValue(), second.exitValue());
			assertThat(exits).as(Files.readString(work.resolve("first.out")) + Files.readString(work.resolve("second.out")))
				.containsExactlyInAnyOrder(0, 1);
			String refused = Files.readString(work.resolve(first.exitValue() == 1 ? "first.out" : "second.out"));
			String runId = jdbc.queryForObject("SELECT run_id FROM bridge_run WHERE command = 'migrate'", String.class);
			assertThat(refused).contains("another run is writing to this HubSpot portal", " pid ", "run " + runId, "since");

			// and the portal holds each record once
			int contacts = MigrationFunctionalTests.contactsExpected(s, false);
			assertThat(s.hubspot.records("contacts")).hasSize(contacts);
			assertThat(s.hubspot.records("meetings")).hasSize(s.clinic.individualAppointments().size());
			assertThat(s.hubspot.records("contacts").stream().map(r -> r.properties().get("cliniko_patient_id")))
				.doesNotHaveDuplicates();

			// and rolling back the run that ran archives only what it created
			s.hubspot.disableRateLimits();
			s.settings.put("HUBSPOT_RATE_LIMIT", "0");
			Process rollback = startAs(s, "rollback.out", "rollback", runId);
			assertThat(rollback.waitFor(120, TimeUnit.SECONDS)).isTrue();
			assertThat(rollback.exitValue()).as(Files.readString(work.resolve("rollback.out"))).isZero();
			RollbackFunctionalTests.assertPortalEquals(empty, s.hubspot);
		}
	}

	@Test
	void aFiftyMegabyteFieldIsRejectedAloneWithTwoHundredFiftySixMegabytesOfHeap() throws Exception {
		emptyLedger();
		try (ClinicScenario s = new ClinicScenario(22, 30, work)) {
			// given a Patients export one of whose records carries a 50 MB occupation
			String id = s.setFirstPatientValue("Occupation", "x".repeat(50 * 1024 * 1024));

			// when the jar migrates it with a 256 MB heap
			s.settings.put("JAVA_TOOL_OPTIONS", "-Xmx256m");
			Process migrate = startAs(s, "big.out", "migrate", "--no-approval", "--source=csv:" + s.csvFolder);
			assertThat(migrate.waitFor(180, TimeUnit.SECONDS)).isTrue();

			// then that record alone is rejected, and the rest land
			String out = Files.readString(work.resolve("big.out"));
			assertThat(migrate.exitValue()).as(out).isEqualTo(3);
			assertThat(out).doesNotContain("OutOfMemoryError");
			String runId = jdbc.queryForObject("SELECT run_id FROM bridge_run WHERE command = 'migrate'", String.class);
			assertThat(s.report(runId, "rejected.csv")).contains(id, "larger than 1048576 bytes");
			assertThat(s.hubspot.records("contacts")).isNotEmpty()
				.noneMatch(c -> id.equals(c.property("cliniko_patient_id")));
		}
	}

	private void awaitSyncEntries(Process process, long entries) throws InterruptedException {
		Instant deadline = Instant.now().plusSeconds(60);
		while (jdbc.queryForObject("SELECT COUNT(*) FROM ledger_entry l JOIN bridge_run r ON r.run_id = l.run_id"
				+ " WHERE r.command = 'sync'", Long.class) < entries && Instant.now().isBefore(deadline)
				&& process.isAlive()) {
			Thread.sleep(50);
		}
		assertThat(process.isAlive()).as("still running").isTrue();
	}

	private long undone() {
		return jdbc.queryForObject("SELECT COUNT(*) FROM before_image WHERE restored_by IS NOT NULL", Long.class);
	}

	private long committed() {
		return jdbc.queryForObject("SELECT COUNT(*) FROM ledger_entry", Long.class);
	}

	private Process start(ClinicScenario s, String... args) throws Exception {
		return startAs(s, args[0] + ".out", args);
	}

	/** Starts the jar with its output in {@code output} under the work folder. */
	private Process startAs(ClinicScenario s, String output, String... args) throws Exception {
		Path jar = Path.of("target", "cliniko-bridge.jar");
		assertThat(jar).as("run after package (mvn verify)").exists();
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
		command.addAll(List.of(args));
		ProcessBuilder builder = new ProcessBuilder(command).directory(new File("."))
			.redirectErrorStream(true)
			.redirectOutput(work.resolve(output).toFile());
		Map<String, String> env = builder.environment();
		env.putAll(s.settings);
		env.put("SPRING_DATASOURCE_URL", databaseUrl);
		env.put("SPRING_DATASOURCE_USERNAME", databaseUser);
		env.put("SPRING_DATASOURCE_PASSWORD", databasePassword == null ? "" : databasePassword);
		return builder.start();
	}
}
