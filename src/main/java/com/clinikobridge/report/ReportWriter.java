package com.clinikobridge.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.clinikobridge.ledger.Ledger.Rejected;
import com.opencsv.CSVWriter;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a run's report folder {@code reports/<run-id>/}: {@code summary.json} exactly as
 * CLI.md describes, {@code rejected.csv} (object, source, Cliniko id, field, reason),
 * {@code preview.json} for dry runs (mapped properties of the first records of each object),
 * {@code owners.csv} and a human-readable {@code report.txt}.
 * <p>They hold patient data: folders are made {@code 0700} and files {@code 0600} on POSIX file
 * systems, whatever the umask. Every CSV cell goes through {@link SafeText#csvCell} (no formula
 * runs when a report is opened in a spreadsheet), and the text report through
 * {@link SafeText#printable}. A file that cannot be written throws {@link ReportWriteException}
 * naming the file and the cause.
 */
public final class ReportWriter {

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private ReportWriter() {
	}

	private static final Set<PosixFilePermission> FOLDER = PosixFilePermissions.fromString("rwx------");

	private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

	/**
	 * The folder of a run, created if needed ({@code 0700}, as is the report folder when this
	 * creates it).
	 * @throws ReportWriteException when the folder cannot be created
	 */
	public static Path runFolder(Path reportDir, String runId) {
		Path folder = reportDir.resolve(runId);
		try {
			if (!Files.isDirectory(reportDir)) {
				Files.createDirectories(reportDir);
				restrict(reportDir, FOLDER);
			}
			if (!Files.isDirectory(folder)) {
				Files.createDirectories(folder);
			}
			restrict(folder, FOLDER);
		}
		catch (IOException ex) {
			throw new ReportWriteException(folder, ex);
		}
		return folder;
	}

	/** Sets POSIX permissions (not subject to the umask); a file system without them is left alone. */
	static void restrict(Path path, Set<PosixFilePermission> permissions) throws IOException {
		if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
			Files.setPosixFilePermissions(path, permissions);
		}
	}

	/** A writer of a report file that only its owner can read ({@code 0600}), emptied first. */
	private static Writer open(Path file) throws IOException {
		if (!Files.exists(file)) {
			Files.createFile(file);
		}
		restrict(file, FILE);
		return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
	}

	/** A report file could not be written: the message names the file and the cause, in one line. */
	public static final class ReportWriteException extends UncheckedIOException {

		private final Path file;

		public ReportWriteException(Path file, IOException cause) {
			super("Cannot write " + file + ": " + reason(cause), cause);
			this.file = file;
		}

		public Path file() {
			return file;
		}

		private static String reason(IOException ex) {
			if (ex instanceof AccessDeniedException) {
				return "permission denied";
			}
			if (ex instanceof NoSuchFileException) {
				return "its folder does not exist";
			}
			if (ex instanceof FileSystemException fs && fs.getReason() != null) {
				return fs.getReason();
			}
			return ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
		}
	}

	public static void summary(Path folder, RunSummary s) {
		summary(folder, s, Map.of());
	}

	/**
	 * Writes summary.json with extra top-level sections after the CLI.md fields (e.g.
	 * {@code targetRunId}, {@code rollback}, {@code reconcile}, {@code hubspotDailyLimit}).
	 */
	public static void summary(Path folder, RunSummary s, Map<String, Object> extra) {
		ObjectNode root = JSON.createObjectNode();
		root.put("runId", s.runId())
			.put("command", s.command())
			.put("status", s.status())
			.put("source", s.source())
			.put("dryRun", s.dryRun())
			.put("startedAt", s.startedAt().toString())
			.put("endedAt", s.endedAt().toString())
			.put("durationMs", s.durationMs());
		ObjectNode objects = root.putObject("objects");
		s.objects().forEach((name, c) -> objects.putObject(name)
			.put("read", c.read())
			.put("created", c.created())
			.put("updated", c.updated())
			.put("unchanged", c.unchanged())
			.put("rejected", c.rejected())
			.put("failed", c.failed()));
		ObjectNode http = root.putObject("http");
		s.http().forEach((api, c) -> http.putObject(api)
			.put("requests", c.requests())
			.put("throttled", c.throttled())
			.put("retried", c.retried()));
		extra.forEach((key, value) -> root.set(key, JSON.valueToTree(value)));
		write(folder.resolve("summary.json"), JSON.writeValueAsString(root) + "\n");
	}

	public static void rejected(Path folder, List<Rejected> rejected) {
		csv(folder.resolve("rejected.csv"), new String[] { "object", "source", "cliniko_id", "field", "reason" },
				rejected.stream()
					.map(r -> new String[] { r.objectType(), r.sourceRef(), r.clinikoId(), r.field(), r.reason() })
					.toList());
	}

	public static void preview(Path folder, Map<String, List<Map<String, String>>> preview) {
		Map<String, Object> sorted = new LinkedHashMap<>(preview);
		write(folder.resolve("preview.json"), JSON.writeValueAsString(sorted) + "\n");
	}

	/** diff.csv: one row per record and property of a sample run, disagreements first. */
	public static void diff(Path folder, List<DiffRow> rows) {
		csv(folder.resolve("diff.csv"), new String[] { "object", "cliniko_id", "hubspot_id", "property",
				"cliniko_value", "sent_value", "hubspot_value", "agrees" },
				rows.stream()
					.map(r -> new String[] { r.object(), r.clinikoId(), r.hubspotId(), r.property(), r.clinikoValue(),
							r.sentValue(), r.hubspotValue(), Boolean.toString(r.agrees()) })
					.toList());
	}

	/**
	 * A CSV file of the run folder with a header row (audit.csv, rollback.csv, reconcile.csv), each
	 * cell neutralised ({@link SafeText#csvCell}).
	 * @throws ReportWriteException naming the file and the cause
	 */
	public static void csv(Path file, String[] header, Iterable<String[]> rows) {
		csvStream(file, header, each -> rows.forEach(each));
	}

	/**
	 * A CSV file whose rows a producer streams to it (e.g. audit.csv, row by row from the ledger),
	 * each cell neutralised ({@link SafeText#csvCell}).
	 * @throws ReportWriteException naming the file and the cause
	 */
	public static void csvStream(Path file, String[] header,
			java.util.function.Consumer<java.util.function.Consumer<String[]>> rows) {
		try (Writer out = open(file); CSVWriter csv = new CSVWriter(out)) {
			csv.writeNext(SafeText.csvRow(header), false);
			rows.accept(r -> csv.writeNext(SafeText.csvRow(r), false));
			csv.flush();
			if (csv.checkError()) {
				throw csv.getException() != null ? csv.getException() : new IOException("write error");
			}
		}
		catch (IOException ex) {
			throw new ReportWriteException(file, ex);
		}
	}

	/** owners.csv: practitioner id, name, how it was resolved, owner id. */
	public static void owners(Path folder, List<String[]> rows) {
		csv(folder.resolve("owners.csv"),
				new String[] { "practitioner_id", "practitioner", "resolved_by", "hubspot_owner_id" }, rows);
	}

	/**
	 * A short human-readable report, for report.txt and the terminal; control characters of
	 * source values (ANSI escapes...) are removed ({@link SafeText#printable}).
	 */
	public static String text(RunSummary s, List<String> notes) {
		StringBuilder b = new StringBuilder();
		b.append("Run ").append(s.runId()).append(" (").append(s.command()).append(s.dryRun() ? ", dry run" : "")
			.append(") ").append(s.status()).append(" in ").append(s.durationMs()).append(" ms\n");
		b.append("Source: ").append(s.source()).append('\n');
		b.append(String.format("%-14s %8s %8s %8s %9s %8s %6s%n", "object", "read", "created", "updated", "unchanged",
				"rejected", "failed"));
		s.objects().forEach((name, c) -> b.append(String.format("%-14s %8d %8d %8d %9d %8d %6d%n", name, c.read(),
				c.created(), c.updated(), c.unchanged(), c.rejected(), c.failed())));
		s.http().forEach((api, c) -> b.append(String.format("%s: %d requests, %d throttled, %d retried%n", api,
				c.requests(), c.throttled(), c.retried())));
		notes.forEach(n -> b.append(n).append('\n'));
		return SafeText.printable(b.toString());
	}

	/**
	 * Writes a report file ({@code 0600}).
	 * @throws ReportWriteException naming the file and the cause
	 */
	public static void write(Path file, String content) {
		try (Writer out = open(file)) {
			out.write(content);
		}
		catch (IOException ex) {
			throw new ReportWriteException(file, ex);
		}
	}
}
