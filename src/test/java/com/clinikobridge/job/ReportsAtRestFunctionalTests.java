package com.clinikobridge.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import com.clinikobridge.emulator.cliniko.Clinic.Practitioner;
import com.clinikobridge.support.ClinicScenario;
import com.clinikobridge.support.FunctionalTestBase;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data at rest and in reports (issue 13): report folders 0700 and files 0600, CSV cells that a
 * spreadsheet would run are neutralised, source values reach the console without control
 * characters, and a report that cannot be written fails the run (exit 1, FAILED, one line).
 */
class ReportsAtRestFunctionalTests extends FunctionalTestBase {

	@Test
	void hostileSourceValuesAreInertInCsvReportsAndOnTheConsole() throws IOException {
		try (ClinicScenario s = new ClinicScenario(41, 40, work)) {
			// given an export whose practitioner name is a formula with terminal escapes in it
			Practitioner p = s.clinic.practitioners().get(0);
			String hostile = "=HYPERLINK(\"http://evil.example\")\u001b[2J\u001b]0;pwned\u0007 " + p.displayName();
			for (Path file : exportFiles(s)) {
				Files.writeString(file, Files.readString(file, StandardCharsets.UTF_8).replace(p.displayName(), hostile),
						StandardCharsets.UTF_8);
			}

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder);

			// then the name is named, but inert: quoted in owners.csv, without control characters on the console
			assertThat(exit).as(s.out + s.err).isIn(0, 3);
			String runId = s.lastRunId();
			assertThat(s.report(runId, "owners.csv")).contains("\"'=HYPERLINK(").doesNotContain(",\"=HYPERLINK(");
			assertThat(s.out).contains("=HYPERLINK(\"http://evil.example\")[2J]0;pwned " + p.displayName());
			assertThat(s.out + s.err + s.report(runId, "report.txt")).doesNotContain("\u001b").doesNotContain("\u0007");

			// and the report folder and every file in it are its owner's only
			Path folder = s.reportDir.resolve(runId);
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
			try (Stream<Path> files = Files.list(folder)) {
				files.forEach(f -> assertThat(permissions(f)).as(f.getFileName().toString()).isEqualTo("rw-------"));
			}
		}
	}

	@Test
	void aReportThatCannotBeWrittenFailsTheRunInOneLineAndItIsNotShownCompleted() {
		try (ClinicScenario s = new ClinicScenario(42, 30, work)) {
			// given a run folder in which audit.csv cannot be written (a folder of that name appears
			// while the run writes its contacts)
			s.hubspot.alterOnWrite("contacts", "firstname", value -> {
				blockAuditCsv(s.reportDir);
				return value;
			});

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder);

			// then the run fails in one line naming the file and the cause
			String runId = s.lastRunId();
			assertThat(exit).as(s.out + s.err).isEqualTo(1);
			assertThat(s.err.strip().lines()).hasSize(1);
			assertThat(s.err).startsWith("Cannot write " + s.reportDir.resolve(runId).resolve("audit.csv")
					+ ": Is a directory").contains("run " + runId + " is marked FAILED");

			// and the run is FAILED, not COMPLETED, with no summary.json claiming otherwise
			assertThat(s.run(commands, "status")).isZero();
			assertThat(s.out).contains(runId).contains("FAILED").doesNotContain("COMPLETED");
			assertThat(s.reportDir.resolve(runId).resolve("summary.json")).doesNotExist();

			// and once the disk is fixed, report <run-id> writes its reports again from the ledger
			Path blocked = s.reportDir.resolve(runId).resolve("audit.csv");
			assertThat(blocked.toFile().delete()).isTrue();
			assertThat(s.run(commands, "report", runId)).as(s.out + s.err).isZero();
			JsonNode summary = s.summary(runId);
			assertThat(summary.path("regenerated").asBoolean()).isTrue();
			assertThat(summary.path("status").asString()).isEqualTo("FAILED");
			assertThat(summary.path("objects").path("patients").path("created").asLong())
				.isEqualTo(s.hubspot.records("contacts").size()).isPositive();
			assertThat(s.report(runId, "audit.csv").lines().count())
				.isEqualTo(jdbc.queryForObject("SELECT COUNT(*) FROM ledger_entry WHERE run_id = ?", Long.class, runId)
						+ jdbc.queryForObject("SELECT COUNT(*) FROM rejection WHERE run_id = ?", Long.class, runId) + 1);
			assertThat(s.report(runId, "report.html")).contains("Regenerated from the job repository");
			assertThat(s.run(commands, "report", "20990101-0000-beef")).isEqualTo(2);
		}
	}

	private static List<Path> exportFiles(ClinicScenario s) throws IOException {
		try (Stream<Path> files = Files.list(s.csvFolder)) {
			return files.filter(f -> f.getFileName().toString().endsWith(".csv")).toList();
		}
	}

	private static void blockAuditCsv(Path reportDir) {
		try (Stream<Path> runs = Files.list(reportDir)) {
			for (Path run : runs.toList()) {
				Files.createDirectories(run.resolve("audit.csv"));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String permissions(Path file) {
		try {
			return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
