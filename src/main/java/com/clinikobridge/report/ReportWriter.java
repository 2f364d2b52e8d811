package com.clinikobridge.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 */
public final class ReportWriter {

	private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	private ReportWriter() {
	}

	/** The folder of a run, created if needed. */
	public static Path runFolder(Path reportDir, String runId) {
		Path folder = reportDir.resolve(runId);
		try {
			Files.createDirectories(folder);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the report folder " + folder, ex);
		}
		return folder;
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
		try (Writer out = Files.newBufferedWriter(folder.resolve("rejected.csv"), StandardCharsets.UTF_8);
				CSVWriter csv = new CSVWriter(out)) {
			csv.writeNext(new String[] { "object", "source", "cliniko_id", "field", "reason" }, false);
			for (Rejected r : rejected) {
				csv.writeNext(new String[] { r.objectType(), r.sourceRef(), r.clinikoId(), r.field(), r.reason() },
						false);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write rejected.csv", ex);
		}
	}

	public static void preview(Path folder, Map<String, List<Map<String, String>>> preview) {
		Map<String, Object> sorted = new LinkedHashMap<>(preview);
		write(folder.resolve("preview.json"), JSON.writeValueAsString(sorted) + "\n");
	}

	/** diff.csv: one row per record and property of a sample run, disagreements first. */
	public static void diff(Path folder, List<DiffRow> rows) {
		try (Writer out = Files.newBufferedWriter(folder.resolve("diff.csv"), StandardCharsets.UTF_8);
				CSVWriter csv = new CSVWriter(out)) {
			csv.writeNext(new String[] { "object", "cliniko_id", "hubspot_id", "property", "cliniko_value", "sent_value",
					"hubspot_value", "agrees" }, false);
			rows.forEach(r -> csv.writeNext(new String[] { r.object(), r.clinikoId(), r.hubspotId(), r.property(),
					r.clinikoValue(), r.sentValue(), r.hubspotValue(), Boolean.toString(r.agrees()) }, false));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write diff.csv", ex);
		}
	}

	/** A CSV file of the run folder with a header row (audit.csv, rollback.csv, reconcile.csv). */
	public static void csv(Path file, String[] header, Iterable<String[]> rows) {
		try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8); CSVWriter csv = new CSVWriter(out)) {
			csv.writeNext(header, false);
			rows.forEach(r -> csv.writeNext(r, false));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + file.getFileName(), ex);
		}
	}

	/** A CSV file whose rows a producer streams to it (e.g. audit.csv, row by row from the ledger). */
	public static void csvStream(Path file, String[] header,
			java.util.function.Consumer<java.util.function.Consumer<String[]>> rows) {
		try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8); CSVWriter csv = new CSVWriter(out)) {
			csv.writeNext(header, false);
			rows.accept(r -> csv.writeNext(r, false));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + file.getFileName(), ex);
		}
	}

	/** owners.csv: practitioner id, name, how it was resolved, owner id. */
	public static void owners(Path folder, List<String[]> rows) {
		try (Writer out = Files.newBufferedWriter(folder.resolve("owners.csv"), StandardCharsets.UTF_8);
				CSVWriter csv = new CSVWriter(out)) {
			csv.writeNext(new String[] { "practitioner_id", "practitioner", "resolved_by", "hubspot_owner_id" }, false);
			rows.forEach(r -> csv.writeNext(r, false));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write owners.csv", ex);
		}
	}

	/** A short human-readable report. */
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
		return b.toString();
	}

	public static void write(Path file, String content) {
		try {
			Files.writeString(file, content, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot write " + file, ex);
		}
	}
}
