package com.clinikobridge.cliniko;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@link CsvPreflight} on small folders: each problem one message, and the formats it decides. */
class CsvPreflightTests {

	private static final String HEADER = "Patient ID,First Name,Last Name,Date of Birth";

	@TempDir
	Path dir;

	private Path write(String name, byte[] content) throws IOException {
		return Files.write(dir.resolve(name), content);
	}

	private Path write(String name, String content) throws IOException {
		return write(name, content.getBytes(StandardCharsets.UTF_8));
	}

	private List<String> problems(CsvPreflight.Options options) {
		return catchThrowableOfType(CsvPreflightException.class, () -> CsvPreflight.check(dir, options)).problems();
	}

	@Test
	void detectsWindows1252Utf16AndSeparatorsAndDecidesTheDateOrder() throws IOException {
		// given Windows-1252 patients with semicolons and a day-first date, UTF-16 BE invoices with tabs
		write("Patients-Cliniko-20261120.csv", (HEADER.replace(',', ';') + "\n1;Zoë;Ex;13/02/1980\n2;Al;Ex;03/04/1990\n")
			.getBytes(CsvFormat.WINDOWS_1252));
		write("Invoices-Cliniko-20261120.csv", ("\uFEFFID\tStatus\tIssue Date\n9\tPaid\t2025-05-20\n")
			.getBytes(StandardCharsets.UTF_16BE));

		// when
		ClinikoCsvExports exports = CsvPreflight.check(dir, CsvPreflight.Options.NONE);

		// then
		CsvFormat patients = exports.format("Patients").orElseThrow();
		assertThat(patients.charset()).isEqualTo(CsvFormat.WINDOWS_1252);
		assertThat(patients.separator()).isEqualTo(';');
		assertThat(patients.dateOrder()).isEqualTo(CsvFormat.DateOrder.DMY);
		CsvFormat invoices = exports.format("Invoices").orElseThrow();
		assertThat(invoices.charset()).isEqualTo(StandardCharsets.UTF_16BE);
		assertThat(invoices.separator()).isEqualTo('\t');
		List<ClinikoPatient> read = new java.util.ArrayList<>();
		exports.scan("Patients", r -> read.add(ClinikoCsvExports.PATIENTS.map(r)));
		assertThat(read).extracting(ClinikoPatient::firstName).containsExactly("Zoë", "Al");
		assertThat(read).extracting(ClinikoPatient::dateOfBirth)
			.containsExactly(LocalDate.of(1980, 2, 13), LocalDate.of(1990, 4, 3));
		List<String> statuses = new java.util.ArrayList<>();
		exports.scan("Invoices", r -> statuses.add(r.text("Status")));
		assertThat(statuses).containsExactly("Paid");
	}

	@Test
	void monthFirstProofAndTheOptionOverride() throws IOException {
		// given one month-first date among ambiguous ones
		write("Patients-Cliniko-20261120.csv", HEADER + "\n1,A,B,02/13/1980\n2,C,D,03/04/1990\n");

		// then it is read month-first, unless the option says otherwise
		assertThat(CsvPreflight.check(dir, CsvPreflight.Options.NONE).format("Patients").orElseThrow().dateOrder())
			.isEqualTo(CsvFormat.DateOrder.MDY);
		assertThat(CsvPreflight.check(dir, new CsvPreflight.Options(List.of(), null, "dmy"))
			.format("Patients")
			.orElseThrow()
			.dateOrder()).isEqualTo(CsvFormat.DateOrder.DMY);
	}

	@Test
	void mixedDateOrdersAreOneProblemNamingBothLines() throws IOException {
		// given
		write("Patients-Cliniko-20261120.csv", HEADER + "\n1,A,B,13/02/1980\n2,C,D,1990-04-03\n3,E,F,02/13/1980\n");

		// then
		assertThat(problems(CsvPreflight.Options.NONE)).singleElement()
			.asString()
			.contains("Patients-Cliniko-20261120.csv mixes date orders: line 2, column 'Date of Birth': 13/02/1980"
					+ " is day-first but line 4, column 'Date of Birth': 02/13/1980 is month-first");
	}

	@Test
	void everyProblemOfAFolderIsReportedOnce() throws IOException {
		// given two Patients exports, an empty Appointments export, an Invoices export without its id column
		write("Patients-Cliniko-20261120.csv", HEADER + "\n1,A,B,\n");
		write("patients-cliniko-20261121.csv", HEADER + "\n1,A,B,\n");
		write("Appointments-Cliniko-20261120.csv", "");
		write("Invoices-Cliniko-20261120.csv", "Invoice Number,Status\n1,Paid\n");

		// when --csv-file chooses one of the patients exports
		List<String> problems = problems(
				new CsvPreflight.Options(List.of("patients-cliniko-20261121.csv"), null, null));

		// then
		assertThat(problems).containsExactly(
				"Appointments-Cliniko-20261120.csv is empty (no header row on line 1). Export Appointments again from"
						+ " Cliniko (Settings → Data exports), or move the file out of the folder.",
				"Invoices-Cliniko-20261120.csv line 1 (header row) lacks the column 'ID' that the Invoices mapping"
						+ " needs (it has 2 comma-separated columns, read as UTF-8). Export Invoices again from Cliniko,"
						+ " or restore the header name exactly as Cliniko writes it.");
	}

	@Test
	void badOptionsAreProblemsToo() throws IOException {
		// given
		write("Patients-Cliniko-20261120.csv", HEADER + "\n1,A,B,\n");

		// then
		assertThat(problems(new CsvPreflight.Options(List.of("Nope.csv"), "klingon", "ymd"))).hasSize(3)
			.anySatisfy(p -> assertThat(p).startsWith("--csv-encoding: 'klingon' is not an encoding"))
			.anySatisfy(p -> assertThat(p).startsWith("--csv-date-order must be dmy"))
			.anySatisfy(p -> assertThat(p).startsWith("--csv-file: Nope.csv is not a file in"));
	}
}
