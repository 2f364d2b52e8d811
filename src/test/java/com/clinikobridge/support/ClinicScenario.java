package com.clinikobridge.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;

import com.clinikobridge.cli.BridgeCommands;
import com.clinikobridge.emulator.cliniko.Clinic;
import com.clinikobridge.emulator.cliniko.ClinicCsvExporter;
import com.clinikobridge.emulator.cliniko.ClinicGenerator;
import com.clinikobridge.emulator.cliniko.ClinikoEmulator;
import com.clinikobridge.emulator.hubspot.HubSpotEmulator;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A generated clinic served by a Cliniko emulator and exported as CSV, a HubSpot emulator
 * whose owners are the clinic's practitioners (all but one), and the settings that point the
 * bridge at both. Runs go through {@link BridgeCommands}, the CLI contract.
 */
public final class ClinicScenario implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	public final Clinic clinic;

	public final ClinikoEmulator cliniko;

	public final HubSpotEmulator hubspot;

	public final Path csvFolder;

	public final Path reportDir;

	public final Map<String, String> settings = new HashMap<>();

	/** What the last command printed, and its exit code. */
	public String out = "";

	public String err = "";

	public ClinicScenario(long seed, int patients, Path workDir) {
		this(seed, patients, workDir, false);
	}

	/** @param mergeCases generate a clinic that surely has merged patients and a chain of merges */
	public ClinicScenario(long seed, int patients, Path workDir, boolean mergeCases) {
		this.clinic = ClinicGenerator.generate(seed, patients, mergeCases);
		this.cliniko = new ClinikoEmulator(clinic);
		this.hubspot = HubSpotEmulator.start();
		for (String email : ClinicGenerator.hubSpotOwnerEmails(clinic)) {
			hubspot.addOwner(email, "Owner", email.substring(0, email.indexOf('@')));
		}
		this.csvFolder = workDir.resolve("export");
		ClinicCsvExporter.write(clinic, csvFolder, LocalDate.of(2026, 11, 20));
		this.reportDir = workDir.resolve("reports");
		settings.put("CLINIKO_API_URL", cliniko.baseUrl());
		settings.put("CLINIKO_API_KEY", cliniko.apiKey());
		settings.put("CLINIKO_USER_AGENT", "cliniko-bridge tests (tests@example.org)");
		settings.put("HUBSPOT_API_URL", hubspot.baseUrl());
		settings.put("HUBSPOT_ACCESS_TOKEN", hubspot.token());
		settings.put("CLINIKO_BRIDGE_REPORT_DIR", reportDir.toString());
		settings.put("CLINIKO_RATE_LIMIT", "0");
		settings.put("HUBSPOT_RATE_LIMIT", "0");
		settings.put("CLINIKO_BRIDGE_BACKOFF_MS", "5");
		settings.put("HUBSPOT_SEARCH_LAG_MS", "100");
		settings.put("CLINIKO_BRIDGE_MAX_BACKOFF_MS", "50");
	}

	/**
	 * Rewrites the Patients export so its first patient's {@code column} holds {@code value}.
	 * @return that patient's Cliniko id
	 */
	public String setFirstPatientValue(String column, String value) throws IOException {
		Path patients;
		try (java.util.stream.Stream<Path> files = Files.list(csvFolder)) {
			patients = files.filter(f -> f.getFileName().toString().startsWith("Patients")).findFirst().orElseThrow();
		}
		java.util.List<String[]> rows;
		try (com.opencsv.CSVReader reader = new com.opencsv.CSVReader(Files.newBufferedReader(patients))) {
			rows = reader.readAll();
		}
		catch (com.opencsv.exceptions.CsvException ex) {
			throw new IOException(ex);
		}
		rows.get(1)[java.util.List.of(rows.get(0)).indexOf(column)] = value;
		try (com.opencsv.CSVWriter writer = new com.opencsv.CSVWriter(Files.newBufferedWriter(patients))) {
			writer.writeAll(rows);
		}
		return rows.get(1)[0];
	}

	/** Runs a command line through the CLI contract and returns its exit code. */
	public int run(BridgeCommands commands, String... args) {
		ByteArrayOutputStream o = new ByteArrayOutputStream();
		ByteArrayOutputStream e = new ByteArrayOutputStream();
		int code = commands.execute(args, settings, new PrintStream(o, true, StandardCharsets.UTF_8),
				new PrintStream(e, true, StandardCharsets.UTF_8));
		out = o.toString(StandardCharsets.UTF_8);
		err = e.toString(StandardCharsets.UTF_8);
		return code;
	}

	/** A command's exit code and output, for commands run from other threads. */
	public record Result(int code, String out, String err) {
	}

	/** Runs a command line without touching {@link #out} and {@link #err} (safe from another thread). */
	public Result runQuietly(BridgeCommands commands, String... args) {
		ByteArrayOutputStream o = new ByteArrayOutputStream();
		ByteArrayOutputStream e = new ByteArrayOutputStream();
		int code = commands.execute(args, Map.copyOf(settings), new PrintStream(o, true, StandardCharsets.UTF_8),
				new PrintStream(e, true, StandardCharsets.UTF_8));
		return new Result(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
	}

	/** The run id the last command printed ("Run <id> started"). */
	public String lastRunId() {
		java.util.regex.Matcher m = java.util.regex.Pattern.compile("Run (\\d{8}-\\d{4}-[0-9a-f]{4})").matcher(out);
		if (!m.find()) {
			throw new IllegalStateException("No run id in the output");
		}
		return m.group(1);
	}

	public JsonNode summary(String runId) {
		return JSON.readTree(read(reportDir.resolve(runId).resolve("summary.json")));
	}

	public String report(String runId, String file) {
		return read(reportDir.resolve(runId).resolve(file));
	}

	private static String read(Path file) {
		try {
			return Files.readString(file, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		cliniko.close();
		hubspot.close();
	}
}
