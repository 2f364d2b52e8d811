package com.clinikobridge.job;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import com.clinikobridge.emulator.hubspot.HubSpotEmulator.RecordSnapshot;
import com.clinikobridge.support.ClinicScenario;
import com.clinikobridge.support.FunctionalTestBase;
import com.opencsv.CSVReader;
import com.opencsv.CSVReaderBuilder;
import com.opencsv.CSVWriter;
import com.opencsv.RFC4180ParserBuilder;
import tools.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, the CSV folder: whole commands through the CLI against a clinic's exports rewritten
 * the way clinics hand them over (re-encoded, other separators, Excel dates, two exports of a
 * kind, emptied, broken). A problem the folder has exits 2 before any HubSpot request, with one
 * message saying what, where and how to fix it; a bad record is one line of rejected.csv.
 */
class CsvPreflightFunctionalTests extends FunctionalTestBase {

	private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

	@Test
	void twoPatientsExportsExitTwoNamingBothUntilCsvFileChoosesOne() throws IOException {
		try (ClinicScenario s = new ClinicScenario(31, 8, work)) {
			// given a second, later Patients export beside the first
			Path first = export(s, "Patients");
			Files.copy(first, s.csvFolder.resolve("Patients-Cliniko-20261121.csv"));

			// when
			int exit = s.run(commands, "plan", "--source=csv:" + s.csvFolder);

			// then plan refuses, naming both files and the way out, and HubSpot saw nothing
			assertThat(exit).as(s.out + s.err).isEqualTo(2);
			assertThat(s.err).contains("holds 2 Patients exports: " + first.getFileName() + ", Patients-Cliniko-20261121.csv")
				.contains("--csv-file=Patients-Cliniko-20261121.csv")
				.contains("move the others out of the folder");
			assertThat(s.hubspot.requestCount()).isZero();

			// and --csv-file chooses one, so that a dry run goes ahead
			assertThat(s.run(commands, "migrate", "--dry-run", "--source=csv:" + s.csvFolder,
					"--csv-file=Patients-Cliniko-20261121.csv"))
				.as(s.out + s.err)
				.isZero();
			assertNoWrites(s);
		}
	}

	@Test
	void aWindows1252ExportIsDetectedAndItsAccentsLandIntact() {
		try (ClinicScenario s = new ClinicScenario(32, 10, work)) {
			// given a patients export re-saved as Windows-1252 with a patient named Zoë
			Path patients = export(s, "Patients");
			List<String[]> rows = rows(patients);
			rows.get(1)[2] = "Zoë";
			rows.get(1)[4] = "";
			write(patients, rows, WINDOWS_1252, ',', false);
			String id = rows.get(1)[0].replaceAll("[^0-9]", "");

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder);

			// then the name arrives as written
			assertThat(exit).as(s.out + s.err).isZero();
			assertThat(contact(s, id).property("firstname")).isEqualTo("Zoë");
			assertThat(s.hubspot.records("contacts")).hasSize(s.clinic.patients().size());
		}
	}

	@Test
	void utf16WithBomAndTabsAndUtf8WithSemicolonsMigrateExactly() {
		try (ClinicScenario s = new ClinicScenario(33, 12, work)) {
			// given patients in UTF-16 LE with a BOM and tabs, appointments and invoices with semicolons
			Path patients = export(s, "Patients");
			write(patients, rows(patients), StandardCharsets.UTF_16LE, '\t', true);
			Path appointments = export(s, "Appointments");
			write(appointments, rows(appointments), StandardCharsets.UTF_8, ';', true);
			Path invoices = export(s, "Invoices");
			write(invoices, rows(invoices), StandardCharsets.UTF_8, ';', false);

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder);

			// then every record lands, as from Cliniko's own files
			assertThat(exit).as(s.out + s.err).isZero();
			JsonNode objects = s.summary(s.lastRunId()).path("objects");
			assertThat(objects.path("patients").path("created").asLong()).isEqualTo(s.clinic.patients().size());
			assertThat(objects.path("appointments").path("created").asLong())
				.isEqualTo(s.clinic.individualAppointments().size());
			assertThat(objects.path("invoices").path("created").asLong()).isEqualTo(s.clinic.invoices().size());
		}
	}

	@Test
	void anEmptyExportExitsTwoNamingItBeforeAnyHubSpotRequest() throws IOException {
		try (ClinicScenario s = new ClinicScenario(34, 6, work)) {
			// given an Invoices export of zero bytes
			Path invoices = export(s, "Invoices");
			Files.write(invoices, new byte[0]);

			// when
			int exit = s.run(commands, "sync", "--source=csv:" + s.csvFolder);

			// then
			assertThat(exit).as(s.out + s.err).isEqualTo(2);
			assertThat(s.err).contains(invoices.getFileName() + " is empty (no header row on line 1)")
				.contains("Export Invoices again from Cliniko");
			assertThat(s.hubspot.requestCount()).isZero();
		}
	}

	@Test
	void aHeaderOnlyExportExitsTwoNamingItBeforeAnyHubSpotRequest() throws IOException {
		try (ClinicScenario s = new ClinicScenario(35, 6, work)) {
			// given an Appointments export with its header row and nothing else
			Path appointments = export(s, "Appointments");
			Files.writeString(appointments, Files.readAllLines(appointments).get(0) + "\n");

			// when
			int exit = s.run(commands, "migrate", "--sample=3", "--source=csv:" + s.csvFolder);

			// then
			assertThat(exit).as(s.out + s.err).isEqualTo(2);
			assertThat(s.err).contains(appointments.getFileName() + " has a header row but no records");
			assertThat(s.hubspot.requestCount()).isZero();
		}
	}

	@Test
	void monthFirstDatesAreProvedByTheFileAndReadMonthFirst() {
		try (ClinicScenario s = new ClinicScenario(36, 20, work)) {
			// given dates of birth rewritten m/d/yyyy, one of them on the 25th
			Path patients = export(s, "Patients");
			List<String[]> rows = rows(patients);
			rows.get(1)[5] = "1985-03-25";
			List<String> iso = new ArrayList<>();
			for (String[] row : rows.subList(1, rows.size())) {
				iso.add(row[5]);
				if (!row[5].isEmpty()) {
					String[] ymd = row[5].split("-");
					row[5] = Integer.parseInt(ymd[1]) + "/" + Integer.parseInt(ymd[2]) + "/" + ymd[0];
				}
			}
			write(patients, rows, StandardCharsets.UTF_8, ',', false);

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder);

			// then every date of birth lands as it was, ambiguous ones included
			assertThat(exit).as(s.out + s.err).isZero();
			for (int i = 1; i < rows.size(); i++) {
				String id = rows.get(i)[0].replaceAll("[^0-9]", "");
				String expected = iso.get(i - 1).isEmpty() ? null : iso.get(i - 1);
				assertThat(contact(s, id).property("cliniko_date_of_birth")).as(id).isEqualTo(expected);
			}
		}
	}

	@Test
	void ambiguousDatesExitTwoAskingForTheDateOrderUntilItIsGiven() {
		try (ClinicScenario s = new ClinicScenario(37, 8, work)) {
			// given dates of birth that could all be day-first or month-first
			Path patients = export(s, "Patients");
			List<String[]> rows = rows(patients);
			rows.subList(1, rows.size()).forEach(row -> row[5] = "03/04/1985");
			write(patients, rows, StandardCharsets.UTF_8, ',', false);

			// when
			int exit = s.run(commands, "migrate", "--dry-run", "--source=csv:" + s.csvFolder);

			// then
			assertThat(exit).as(s.out + s.err).isEqualTo(2);
			assertThat(s.err).contains(patients.getFileName() + ": every date could be day-first or month-first")
				.contains("line 2, column 'Date of Birth': 03/04/1985")
				.contains("--csv-date-order=dmy")
				.contains("--csv-date-order=mdy");
			assertThat(s.hubspot.requestCount()).isZero();

			// and with the order given, 03/04 is 3 April
			assertThat(s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder,
					"--csv-date-order=dmy"))
				.as(s.out + s.err)
				.isZero();
			String id = rows.get(1)[0].replaceAll("[^0-9]", "");
			assertThat(contact(s, id).property("cliniko_date_of_birth")).isEqualTo("1985-04-03");
		}
	}

	@Test
	void aMissingIdColumnExitsTwoListingItAndTheFile() {
		try (ClinicScenario s = new ClinicScenario(38, 6, work)) {
			// given a patients export whose id column was renamed
			Path patients = export(s, "Patients");
			List<String[]> rows = rows(patients);
			rows.get(0)[0] = "Patient Number";
			write(patients, rows, StandardCharsets.UTF_8, ',', false);

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder);

			// then
			assertThat(exit).as(s.out + s.err).isEqualTo(2);
			assertThat(s.err).contains(patients.getFileName() + " line 1 (header row) lacks the column 'Patient ID'"
					+ " that the Patients mapping needs");
			assertThat(s.hubspot.requestCount()).isZero();
		}
	}

	@Test
	void aRecordOverOneMegabyteIsOneRejectionAndTheRestLands() throws IOException {
		try (ClinicScenario s = new ClinicScenario(39, 10, work)) {
			// given a patient row of 1.5 MB (a pasted-in document) right after the header
			Path patients = export(s, "Patients");
			String[] huge = patientRow(1700000000000099004L);
			huge[39] = "x".repeat(1_500_000);
			insertAfterHeader(patients, String.join(",", huge));

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder);

			// then that record alone is rejected, with its line and the reason
			assertThat(exit).as(s.out + s.err).isEqualTo(3);
			List<String> rejected = rejectedLines(s);
			assertThat(rejected).hasSize(1);
			assertThat(rejected.get(0)).contains(patients.getFileName() + " line 2")
				.contains("record larger than 1048576 bytes (1 MB)");
			assertThat(s.hubspot.records("contacts")).hasSize(s.clinic.patients().size());
		}
	}

	@Test
	void eachBrokenQuoteIsOneRejectionAndTheRestLands() throws IOException {
		try (ClinicScenario s = new ClinicScenario(40, 10, work)) {
			// given a row whose multi-line note has undoubled quotes, right after the header, and a
			// row whose quote is never closed, before the last row
			Path patients = export(s, "Patients");
			String[] inner = patientRow(1700000000000099003L);
			inner[39] = "\"He said \"ouch\"\nthen left\""; // Extra Information, its inner quotes not doubled
			insertAfterHeader(patients, String.join(",", inner));
			String[] unclosed = patientRow(1700000000000099005L);
			unclosed[39] = "\"never closed";
			List<String> lines = new ArrayList<>(Files.readAllLines(patients));
			lines.add(lines.size() - 1, String.join(",", unclosed));
			Files.write(patients, lines);

			// when
			int exit = s.run(commands, "migrate", "--no-approval", "--source=csv:" + s.csvFolder);

			// then one rejection per broken record, for the line it starts on, and every patient lands
			assertThat(exit).as(s.out + s.err).isEqualTo(3);
			List<String> rejected = rejectedLines(s);
			assertThat(rejected).hasSize(2);
			assertThat(rejected.get(0)).contains(patients.getFileName() + " line 2,1700000000000099003,(row),")
				.contains("broken quoting");
			assertThat(rejected.get(1))
				.contains(patients.getFileName() + " line " + (lines.size() - 1) + ",1700000000000099005,(row),")
				.contains("broken quoting");
			assertThat(s.hubspot.records("contacts")).hasSize(s.clinic.patients().size());
		}
	}

	/** A patients export row with an id and a name, as raw cells (joined with commas, unquoted). */
	private static String[] patientRow(long id) {
		String[] row = new String[com.clinikobridge.emulator.cliniko.ClinicCsvExporter.PATIENTS_HEADER.size()];
		Arrays.fill(row, "");
		row[0] = Long.toString(id);
		row[2] = "Broken";
		row[3] = "Row";
		return row;
	}

	private static void insertAfterHeader(Path file, String text) throws IOException {
		String content = Files.readString(file);
		int eol = content.indexOf('\n') + 1;
		Files.writeString(file, content.substring(0, eol) + text + "\n" + content.substring(eol));
	}

	private static List<String> rejectedLines(ClinicScenario s) {
		return s.report(s.lastRunId(), "rejected.csv").lines().filter(l -> l.contains("-Cliniko-")).toList();
	}

	private static void assertNoWrites(ClinicScenario s) {
		assertThat(s.hubspot.requests()).noneMatch(r -> r.path().startsWith("/crm/") && !r.method().equals("GET")
				&& !r.path().contains("/batch/read") && !r.path().endsWith("/search"));
	}

	private static RecordSnapshot contact(ClinicScenario s, String patientId) {
		return s.hubspot.records("contacts")
			.stream()
			.filter(r -> patientId.equals(r.property("cliniko_patient_id")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no contact for patient " + patientId));
	}

	private static Path export(ClinicScenario s, String type) {
		try (Stream<Path> files = Files.list(s.csvFolder)) {
			return files.filter(p -> p.getFileName().toString().startsWith(type + "-")).findFirst().orElseThrow();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The rows of a UTF-8 comma export, header first. */
	private static List<String[]> rows(Path file) {
		try (CSVReader reader = new CSVReaderBuilder(Files.newBufferedReader(file, StandardCharsets.UTF_8))
			.withCSVParser(new RFC4180ParserBuilder().build())
			.build()) {
			return new ArrayList<>(reader.readAll());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Writes rows in an encoding with a separator, quoting only where needed, LF line ends. */
	private static void write(Path file, List<String[]> rows, Charset charset, char separator, boolean bom) {
		StringWriter text = new StringWriter();
		try (CSVWriter writer = new CSVWriter(text, separator, '"', '"', "\n")) {
			writer.writeAll(rows, false);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		try {
			Files.write(file, ((bom ? "\uFEFF" : "") + text).getBytes(charset));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}
}
