package com.clinikobridge.cliniko;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.batch.infrastructure.item.ExecutionContext;

import static org.assertj.core.api.Assertions.assertThat;

class ClinikoCsvReaderTests {

	private static final String HEADER = "Patient ID,First Name,Last Name,Email,Date of Birth,Created At,Extra Information";

	@TempDir
	Path dir;

	private Path write(String name, String content) throws IOException {
		Path file = dir.resolve(name);
		Files.writeString(file, content, StandardCharsets.UTF_8);
		return file;
	}

	private static List<SourceItem<ClinikoPatient>> readAll(ClinikoCsvReader<ClinikoPatient> reader) {
		List<SourceItem<ClinikoPatient>> items = new ArrayList<>();
		SourceItem<ClinikoPatient> item;
		while ((item = reader.read()) != null) {
			items.add(item);
		}
		return items;
	}

	@Test
	void readsColumnsByHeaderNameWithQuotedNewlinesBomAndCrlf() throws IOException {
		// given a BOM, CRLF line ends, columns in a different order and an extra column
		Path file = write("Patients-Cliniko-20261120.csv", "\uFEFFExtra Col,Last Name,Patient ID,First Name,Email,"
				+ "Created At,Date of Birth\r\n"
				+ "x,Example,=\"1700000000000000003\",Ann,ann@example.com,2025-03-01 09:15:00 +1100,1985-03-15\r\n"
				+ "y,\"Multi\nLine\",2311458,Bo,,2016-08-10 11:00:00 +1000,\r\n");
		ClinikoCsvReader<ClinikoPatient> reader = new ClinikoCsvReader<>("p", file, ClinikoCsvExports.PATIENTS);

		// when
		reader.open(new ExecutionContext());
		List<SourceItem<ClinikoPatient>> items = readAll(reader);

		// then
		assertThat(items).hasSize(2).allMatch(i -> !i.isRejected());
		ClinikoPatient ann = items.get(0).record();
		assertThat(ann.id()).isEqualTo(1700000000000000003L);
		assertThat(ann.firstName()).isEqualTo("Ann");
		assertThat(ann.createdAt()).isEqualTo(Instant.parse("2025-02-28T22:15:00Z"));
		assertThat(ann.dateOfBirth()).hasToString("1985-03-15");
		assertThat(ann.address1()).isNull();
		assertThat(items.get(1).record().lastName()).isEqualTo("Multi\nLine");
		assertThat(items.get(1).record().email()).isNull();
		assertThat(items.get(1).sourceRef()).endsWith("line 3");
	}

	@Test
	void rejectsBadRowsWithLineColumnAndReasonAndKeepsReading() throws IOException {
		// given bad rows between good ones
		Path file = write("Patients-Cliniko-20261120.csv", HEADER + "\n"
				+ "1,Good,One,a@example.com,1980-01-01,2025-01-01 10:00:00 +1000,\n"
				+ "2,Short,Row\n"
				+ "3,Bad,Date,b@example.com,31-31-1980,2025-01-01 10:00:00 +1000,\n"
				+ "1.01E+18,Sci,Id,c@example.com,,2025-01-01 10:00:00 +1000,\n"
				+ "5,Broken,\"Quote,d@example.com,,2025-01-01 10:00:00 +1000,\n"
				+ "6,Good,Two,e@example.com,,2025-01-01 10:00:00 +1000,\"note, with comma\"\n");
		ClinikoCsvReader<ClinikoPatient> reader = new ClinikoCsvReader<>("p", file, ClinikoCsvExports.PATIENTS);

		// when
		reader.open(new ExecutionContext());
		List<SourceItem<ClinikoPatient>> items = readAll(reader);

		// then
		assertThat(items).extracting(i -> i.isRejected() ? "rejected" : i.record().lastName())
			.containsExactly("One", "rejected", "rejected", "rejected", "rejected", "Two");
		assertThat(items.get(1).reason()).contains("wrong column count: expected 7, found 3");
		assertThat(items.get(1).sourceRef()).isEqualTo("Patients-Cliniko-20261120.csv line 3");
		assertThat(items.get(2).field()).isEqualTo("Date of Birth");
		assertThat(items.get(2).clinikoId()).isEqualTo("3");
		assertThat(items.get(3).field()).isEqualTo("Patient ID");
		assertThat(items.get(3).reason()).contains("scientific notation");
		assertThat(items.get(4).reason()).contains("broken quoting");
		assertThat(items.get(4).sourceRef()).endsWith("line 6");
		assertThat(items.get(5).sourceRef()).endsWith("line 7");
	}

	@Test
	void restartResumesAfterTheLastCommittedLine() throws IOException {
		// given a file with a multi-line row, read partly and its state saved
		Path file = write("Patients-Cliniko-20261120.csv", HEADER + "\n"
				+ "1,A,One,,,2025-01-01 10:00:00 +1000,\"two\nlines\"\n"
				+ "2,B,Two,,,2025-01-01 10:00:00 +1000,\n"
				+ "3,C,Three,,,2025-01-01 10:00:00 +1000,\n");
		ClinikoCsvReader<ClinikoPatient> first = new ClinikoCsvReader<>("p", file, ClinikoCsvExports.PATIENTS);
		ExecutionContext context = new ExecutionContext();
		first.open(context);
		first.read();
		first.read();
		first.update(context);
		first.read(); // read but never committed
		first.close();

		// when a new reader opens with the committed state
		ClinikoCsvReader<ClinikoPatient> second = new ClinikoCsvReader<>("p", file, ClinikoCsvExports.PATIENTS);
		second.open(context);
		List<SourceItem<ClinikoPatient>> rest = readAll(second);

		// then it reads exactly what was not committed
		assertThat(rest).extracting(i -> i.record().id()).containsExactly(3L);
	}

	@Test
	void appointmentsExportPassesOverUnavailableBlocksAndGroupAppointments() throws IOException {
		// given the real 25-column header with an individual appointment, a block and a class
		String header = "Appointment ID,Start Time,End Time,Practitioner,Practitioner ID,Patient ID(s),Appointment Type,"
				+ "Business,Did Not Arrive,Patient Arrived,SMS Reminder Sent,Email Reminder Sent,Cancellation Time,"
				+ "Cancellation Reason,Cancellation Note,Created At,Treatment Notes Status,Invoice Number,"
				+ "Appointment Category,Source,Maximum Number of Patients,Number of Patients,Number of Cancellations,"
				+ "Patient Case,Cancelled Patient ID(s)";
		Path file = write("Appointments-Cliniko-20261120-From20250101-To20261120.csv", header + "\n"
				+ "11,2025-05-27 10:00:00 +1000,2025-05-27 10:30:00 +1000,Pat P,15,,Standard,City,false,false,true,"
				+ "true,2025-05-26 16:15:25 +1000,Sick,Has a cold,2025-05-01 09:01:00 +1000,,,Physio,,1,0,1,,17\n"
				+ "12,2025-06-09 08:00:00 +1000,2025-06-09 12:30:00 +1000,Pat P,15,,Unavailable - Unavailable,City,"
				+ "N/A,N/A,N/A,N/A,N/A,N/A,N/A,2025-01-10 09:02:59 +1100,,,,N/A,,0,0,,\n"
				+ "13,2025-06-10 08:00:00 +1000,2025-06-10 09:00:00 +1000,Pat P,15,17,Pilates class,City,false,true,"
				+ "true,true,,,,2025-01-10 09:02:59 +1100,,,Classes,,8,3,0,,\n");
		ClinikoCsvReader<ClinikoAppointment> reader = new ClinikoCsvReader<>("a", file,
				ClinikoCsvExports.APPOINTMENTS);

		// when
		reader.open(new ExecutionContext());
		List<ClinikoAppointment> read = new ArrayList<>();
		SourceItem<ClinikoAppointment> item;
		while ((item = reader.read()) != null) {
			read.add(item.record());
		}

		// then only the individual appointment, cancelled, with its cancelled patient
		assertThat(read).hasSize(1);
		ClinikoAppointment a = read.get(0);
		assertThat(a.patientId()).isEqualTo(17L);
		assertThat(a.cancelledAt()).isEqualTo(Instant.parse("2025-05-26T06:15:25Z"));
		assertThat(a.cancellationReason()).isEqualTo("Sick");
		assertThat(reader.passedOver()).isEqualTo(2);
	}

	@Test
	void aRecordOverOneMegabyteIsOneRejectionAndReadingGoesOn() throws IOException {
		// given a 2 MB single-line record, a 1.5 MB quoted one of 150 lines, and a quote that is
		// never closed before 750,000 lines of text, between good rows
		Path file = write("Patients-Cliniko-20261120.csv", HEADER + "\n"
				+ "1,A,One,,,2025-01-01 10:00:00 +1000,\n"
				+ "2,B,Two,,,2025-01-01 10:00:00 +1000," + "x".repeat(2_000_000) + "\n"
				+ "3,C,Three,,,2025-01-01 10:00:00 +1000,\"" + ("y".repeat(10_000) + "\n").repeat(150) + "\"\n"
				+ "4,D,Four,,,2025-01-01 10:00:00 +1000,\"" + "z\n".repeat(750_000) + "\n"
				+ "5,E,Five,,,2025-01-01 10:00:00 +1000,\n");
		ClinikoCsvReader<ClinikoPatient> reader = new ClinikoCsvReader<>("p", file, ClinikoCsvExports.PATIENTS);

		// when
		reader.open(new ExecutionContext());
		List<SourceItem<ClinikoPatient>> items = readAll(reader);

		// then one rejection each, at its first line, and the rows after them are read
		assertThat(items).extracting(i -> i.isRejected() ? i.sourceRef() : i.record().lastName())
			.containsExactly("One", "Patients-Cliniko-20261120.csv line 3", "Patients-Cliniko-20261120.csv line 4",
					"Patients-Cliniko-20261120.csv line 155", "Five");
		assertThat(items.get(1).reason()).startsWith("record larger than 1048576 bytes (1 MB)");
		assertThat(items.get(1).clinikoId()).isNull();
		assertThat(items.get(2).reason()).startsWith("record larger than 1048576 bytes (1 MB)");
		assertThat(items.get(2).clinikoId()).isEqualTo("3");
		assertThat(items.get(3).reason()).startsWith("broken quoting")
			.endsWith("lines 155-750154 skipped up to the next well-formed record");
		assertThat(items.get(3).clinikoId()).isEqualTo("4");
	}

	@Test
	void quotesMustBeDoubledInsideQuotedFieldsButNotInExcelIds() {
		assertThat(ClinikoCsvReader.wellQuoted("=\"123\",\"He said \"\"hi\"\"\",x", ',')).isTrue();
		assertThat(ClinikoCsvReader.wellQuoted("1;\"a\nb\";c", ';')).isTrue();
		assertThat(ClinikoCsvReader.wellQuoted("1,\"He said \"hi\"\",x", ',')).isFalse();
		assertThat(ClinikoCsvReader.wellQuoted("1,\"never closed", ',')).isFalse();
	}
}
