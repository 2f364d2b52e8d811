package com.clinikobridge.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportWriterTests {

	@TempDir
	Path work;

	@Test
	void reportFoldersAreOwnerOnlyAndFilesOwnerReadWrite() throws Exception {
		// given a report folder that does not exist yet
		Path reports = work.resolve("reports");

		// when a run folder is made and files are written into it
		Path folder = ReportWriter.runFolder(reports, "20261204-1700-abcd");
		ReportWriter.write(folder.resolve("report.txt"), "x");
		ReportWriter.csv(folder.resolve("audit.csv"), new String[] { "a" }, List.<String[]>of());
		Files.writeString(folder.resolve("old.txt"), "y");
		Files.setPosixFilePermissions(folder.resolve("old.txt"), PosixFilePermissions.fromString("rw-rw-rw-"));
		ReportWriter.write(folder.resolve("old.txt"), "z");

		// then folders are 0700 and files 0600, even a file that existed with wider permissions
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(reports))).isEqualTo("rwx------");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
		for (String file : List.of("report.txt", "audit.csv", "old.txt")) {
			assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve(file))))
				.as(file).isEqualTo("rw-------");
		}
		assertThat(Files.readString(folder.resolve("old.txt"))).isEqualTo("z");
	}

	@Test
	void csvCellsThatStartLikeAFormulaAreMadeText() throws Exception {
		// given cells as a hostile source could hold them
		String[] row = { "=HYPERLINK(\"http://evil\")", "+1", "-12.50", "@SUM(A1)", "\tx", "\ry", "plain", "", null,
				"a=b" };

		// when written to a report CSV
		Path file = work.resolve("rejected.csv");
		ReportWriter.csv(file, new String[] { "h" }, List.<String[]>of(row));

		// then each dangerous cell starts with a single quote, the others are as they were
		String written = Files.readString(file);
		assertThat(written).contains("\"'=HYPERLINK(\"\"http://evil\"\")\"", "'+1", "'-12.50", "'@SUM(A1)", "'\tx",
				"'\ry", ",plain,", ",a=b");
		assertThat(SafeText.csvRow(row)).containsExactly("'=HYPERLINK(\"http://evil\")", "'+1", "'-12.50",
				"'@SUM(A1)", "'\tx", "'\ry", "plain", "", null, "a=b");
	}

	@Test
	void theTextReportHasNoControlCharacters() {
		// given a note that quotes a source value with ANSI escapes, a bell and an 8-bit CSI
		RunSummary summary = new RunSummary("20261204-1700-abcd", "migrate", "COMPLETED", "api", false, Instant.EPOCH,
				Instant.EPOCH, 0, Map.of(), Map.of());

		// when the text report is made
		String text = ReportWriter.text(summary, List.of("Follow-up: \u001b[2J\u001b]0;pwned\u0007Ann\u009b31m Lee\r"));

		// then only printable text, newlines and tabs are left
		assertThat(text).contains("Follow-up: [2J]0;pwnedAnn31m Lee\n");
		assertThat(text.chars().filter(SafeText::control)).isEmpty();
	}

	@Test
	void aFileThatCannotBeWrittenIsNamedWithTheCauseInOneLine() throws Exception {
		// given a run folder where summary.json cannot be a file
		Path folder = ReportWriter.runFolder(work, "20261204-1700-abcd");
		Files.createDirectory(folder.resolve("summary.json"));

		// when / then
		assertThatThrownBy(() -> ReportWriter.write(folder.resolve("summary.json"), "{}"))
			.isInstanceOf(ReportWriter.ReportWriteException.class)
			.hasMessage("Cannot write " + folder.resolve("summary.json") + ": Is a directory");
		assertThatThrownBy(() -> ReportWriter.csv(work.resolve("gone").resolve("audit.csv"), new String[] { "a" },
				List.<String[]>of()))
			.hasMessage("Cannot write " + work.resolve("gone").resolve("audit.csv") + ": its folder does not exist");
	}
}
