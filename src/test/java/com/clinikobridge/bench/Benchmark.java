package com.clinikobridge.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.clinikobridge.emulator.cliniko.ClinicStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The benchmark behind {@code bench/run}: for each scenario it generates a clinic
 * ({@link ClinicStream}), starts the emulators as processes of their own
 * ({@code EmulatorServer}), runs {@code migrate} through the real jar in a fresh job repository,
 * and prints one table per scenario: records, wall time (process start to exit), records/s,
 * Cliniko and HubSpot requests and 429s (as the client counted them, and as the emulators
 * answered them), HubSpot requests per 1,000 records, peak RSS ({@code VmHWM}) and peak heap
 * (largest heap before a GC, or at exit, from the GC log), and wall ÷ the rate-limit bound.
 *
 * <p>The bound is max(Cliniko requests needed ÷ Cliniko's rate, HubSpot requests needed ÷
 * HubSpot's rate), "needed" counted at 100 records per request: records read from the API ÷ 100
 * at 200/min, and records written ÷ 100 at 100/10 s. Nothing can migrate faster, so wall ÷
 * bound shows what the run spends beyond the APIs' own limits (start-up included).
 */
@Command(name = "bench/run", mixinStandardHelpOptions = true,
		description = "Generates clinics, starts the emulators and runs migrate through the jar, printing a table per scenario.")
public final class Benchmark implements Callable<Integer> {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Pattern READY = Pattern.compile("READY \\w+ url=(\\S+) (?:key|token)=(\\S+)");

	private static final Pattern GC_HEAP = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

	private static final Pattern EXIT_HEAP = Pattern.compile("garbage-first heap\\s+total (\\d+)K, used (\\d+)K");

	@Option(names = "--scenarios", split = ",", description = "Which to run, in order: api-real, csv-real, off, csv-1m (default: all).")
	List<String> scenarios = List.of("api-real", "csv-real", "off", "csv-1m");

	@Option(names = "--api-patients", description = "Patients for api-real (default ${DEFAULT-VALUE}).")
	int apiPatients = 1_000;

	@Option(names = "--csv-patients", description = "Patients for csv-real (default ${DEFAULT-VALUE}).")
	int csvPatients = 5_000;

	@Option(names = "--off-patients", description = "Patients for off (default ${DEFAULT-VALUE}).")
	int offPatients = 20_000;

	@Option(names = "--big-patients", description = "Patients for csv-1m, ~10 appointments each (default ${DEFAULT-VALUE}).")
	int bigPatients = 100_000;

	@Option(names = "--off-source", description = "Source of the limits-off scenario: csv or api (default ${DEFAULT-VALUE}).")
	String offSource = "csv";

	@Option(names = "--seed", description = "Clinic seed (default ${DEFAULT-VALUE}).")
	long seed = 42;

	@Option(names = "--latency-ms", description = "Latency each emulator adds per request (default ${DEFAULT-VALUE}).")
	int latencyMs = 0;

	@Option(names = "--fault-rate", description = "Share of requests each emulator fails with a 5xx (default ${DEFAULT-VALUE}).")
	double faultRate = 0;

	@Option(names = "--heap", description = "Bridge -Xmx, except csv-1m which always runs with 256m (default ${DEFAULT-VALUE}).")
	String heap = "1g";

	@Option(names = "--jfr", arity = "0..1", fallbackValue = "profile",
			description = "Record a JFR profile of the bridge into <work>/<scenario>/bridge.jfr, with these JFR settings (default: profile).")
	String jfr;

	@Option(names = "--cds", description = "Start the bridge as the README's faster start-up does: from the extracted jar with a "
			+ "class data sharing archive, trained once per bench run into <work>/cds.")
	boolean cds;

	@Option(names = "--work", description = "Work folder (default ${DEFAULT-VALUE}).")
	Path work = Path.of("target/bench");

	@Option(names = "--jar", description = "The bridge jar (default ${DEFAULT-VALUE}).")
	Path jar = Path.of("target/cliniko-bridge.jar");

	@Option(names = "--database", description = "PostgreSQL server URL whose database 'cliniko_bridge_bench' is made anew per scenario, "
			+ "or 'h2' for the default embedded file (default ${DEFAULT-VALUE}).")
	String database = System.getenv().getOrDefault("BENCH_DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");

	@Option(names = "--database-user", description = "PostgreSQL user (default ${DEFAULT-VALUE}).")
	String databaseUser = System.getenv().getOrDefault("BENCH_DATABASE_USERNAME", "postgres");

	/** One scenario: what to migrate, from where, under which limits and heap. */
	record Scenario(String name, String title, String source, int patients, boolean realLimits, boolean invoices,
			String heap) {
	}

	/** What one scenario measured. */
	record Result(Scenario scenario, int exitCode, long records, long clinikoRecords, long wallMs, long clinikoRequests,
			long hubspotRequests, long clinikoThrottled, long hubspotThrottled, long served429, long peakRssKb,
			long peakHeapMb, Map<String, Long> readByObject, long bridgeCpuMs, Map<String, Long> emulatorCpuMs,
			long retried, long startupMs, long afterRunMs, boolean cds) {

		double recordsPerSecond() {
			return records * 1000.0 / wallMs;
		}

		/** The rate-limit bound in ms (0 when limits are off). */
		double boundMs() {
			if (!scenario.realLimits()) {
				return 0;
			}
			double cliniko = Math.ceil(clinikoRecords / 100.0) * 60_000.0 / 200;
			double hubspot = Math.ceil(records / 100.0) * 10_000.0 / 100;
			return Math.max(cliniko, hubspot);
		}
	}

	public static void main(String[] args) {
		System.exit(new CommandLine(new Benchmark()).execute(args));
	}

	@Override
	public Integer call() throws Exception {
		if (!Files.isRegularFile(jar)) {
			throw new CommandLine.ParameterException(new CommandLine(this), "--jar: no file " + jar + " (run ./mvnw package)");
		}
		Path launch = cds ? trainCds() : jar.toAbsolutePath();
		List<Result> results = new ArrayList<>();
		StringBuilder report = new StringBuilder();
		for (String name : scenarios) {
			Scenario scenario = scenario(name);
			System.out.printf("%n== %s: %s%n", scenario.name(), scenario.title());
			Result result = run(scenario, launch);
			results.add(result);
			String table = table(result);
			System.out.println(table);
			report.append("### ").append(scenario.title()).append("\n\n").append(table).append("\n");
			Files.writeString(work.resolve("results.md"), report.toString());
		}
		System.out.println("Tables also in " + work.resolve("results.md"));
		return results.stream().allMatch(r -> r.exitCode() == 0) ? 0 : 1;
	}

	private Scenario scenario(String name) {
		return switch (name) {
			case "api-real" -> new Scenario(name, "API mode at real limits, " + apiPatients + " patients", "api", apiPatients,
					true, true, heap);
			case "csv-real" -> new Scenario(name, "CSV mode at real HubSpot limits, " + csvPatients + " patients", "csv",
					csvPatients, true, true, heap);
			case "off" -> new Scenario(name, "Limits off, zero latency, " + offPatients + " patients (" + offSource + ")",
					offSource, offPatients, false, true, heap);
			case "csv-1m" -> new Scenario(name, "Patients and ~" + bigPatients * 10L + " appointments from CSV, -Xmx256m, limits off",
					"csv", bigPatients, false, false, "256m");
			default -> throw new CommandLine.ParameterException(new CommandLine(this),
					"--scenarios: unknown scenario '" + name + "' (api-real, csv-real, off, csv-1m)");
		};
	}

	/**
	 * Spring Boot's class data sharing recipe: extract the jar, run it once with
	 * {@code -XX:ArchiveClassesAtExit} until its context has refreshed, and start it from then on
	 * with {@code -XX:SharedArchiveFile} (the migrate command line adds it).
	 * @return the extracted jar to start
	 */
	private Path trainCds() throws Exception {
		Path dir = work.resolve("cds").toAbsolutePath();
		deleteTree(dir);
		Files.createDirectories(dir);
		long started = System.nanoTime();
		Path extracted = dir.resolve("app/cliniko-bridge.jar");
		Path archive = dir.resolve("app/cliniko-bridge.jsa");
		if (exec(dir, Map.of(), javaBin(), "-Djarmode=tools", "-jar", jar.toAbsolutePath().toString(), "extract",
				"--destination", extracted.getParent().toString()) != 0) {
			throw new IllegalStateException("--cds: could not extract the jar; see " + dir.resolve("train.err"));
		}
		// Exits once the context has refreshed (exit code 2 from the CLI): the archive is written at exit.
		exec(dir, freshDatabase(dir), javaBin(), "-XX:ArchiveClassesAtExit=" + archive,
				"-Dspring.context.exit=onRefresh", "-jar", extracted.toString(), "status");
		if (!Files.isRegularFile(archive)) {
			throw new IllegalStateException("--cds: the JVM wrote no archive; see " + dir.resolve("train.err"));
		}
		System.out.printf("CDS archive trained in %.1f s (%,d MB)%n", (System.nanoTime() - started) / 1e9,
				Files.size(archive) >> 20);
		return extracted;
	}

	private static int exec(Path dir, Map<String, String> env, String... command) throws Exception {
		ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
			.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("train.out").toFile()))
			.redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve("train.err").toFile()));
		builder.environment().putAll(env);
		Process process = builder.start();
		if (!process.waitFor(120, TimeUnit.SECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException("--cds: timed out: " + String.join(" ", command));
		}
		return process.exitValue();
	}

	private Result run(Scenario s, Path launch) throws Exception {
		Path dir = work.resolve(s.name()).toAbsolutePath();
		deleteTree(dir);
		Files.createDirectories(dir);
		Map<String, Process> emulators = new LinkedHashMap<>();
		try {
			Map<String, String> env = new LinkedHashMap<>();
			String source = "api";
			if (s.source().equals("csv")) {
				long started = System.nanoTime();
				ClinicStream.CsvExport export = new ClinicStream(seed, s.patients())
					.writeCsvCounted(dir.resolve("export"), LocalDate.of(2026, 11, 20), s.invoices());
				System.out.printf("generated %,d patient, %,d appointment and %,d invoice rows in %.1f s%n",
						export.patientRows(), export.appointmentRows(), export.invoiceRows(),
						(System.nanoTime() - started) / 1e9);
				source = "csv:" + dir.resolve("export");
			}
			else {
				String[] cliniko = startEmulator(dir, "cliniko", "4g", emulators, "--seed=" + seed,
						"--patients=" + s.patients(), "--rate-limit=" + (s.realLimits() ? 200 : 0), "--rate-window=60s");
				env.put("CLINIKO_API_URL", cliniko[0]);
				env.put("CLINIKO_API_KEY", cliniko[1]);
			}
			String[] hubspot = startEmulator(dir, "hubspot", s.patients() > 20_000 ? "12g" : "4g", emulators,
					"--owners-seed=" + seed, "--rate-limit=" + (s.realLimits() ? 100 : 0), "--rate-window=10s");
			env.put("CLINIKO_USER_AGENT", "cliniko-bridge benchmark (bench@example.org)");
			env.put("HUBSPOT_API_URL", hubspot[0]);
			env.put("HUBSPOT_ACCESS_TOKEN", hubspot[1]);
			env.put("CLINIKO_RATE_LIMIT", s.realLimits() ? "200" : "0");
			env.put("HUBSPOT_RATE_LIMIT", s.realLimits() ? "100" : "0");
			env.put("CLINIKO_BRIDGE_REPORT_DIR", dir.resolve("reports").toString());
			env.put("CLINIKO_BRIDGE_NO_APPROVAL", "true");
			env.putAll(freshDatabase(dir));
			return migrate(s, dir, source, env, hubspot[0], emulators, launch);
		}
		finally {
			for (Process p : emulators.values()) {
				p.destroy();
				if (!p.waitFor(10, TimeUnit.SECONDS)) {
					p.destroyForcibly();
				}
			}
		}
	}

	/** Starts an emulator process and waits for its READY line; returns {url, key or token}. */
	private String[] startEmulator(Path dir, String which, String emulatorHeap, Map<String, Process> started,
			String... options) throws IOException {
		List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx" + emulatorHeap, "-cp",
				System.getProperty("java.class.path"), "com.clinikobridge.emulator.EmulatorServer", which, "--port=0",
				"--latency-ms=" + latencyMs, "--fault-rate=" + faultRate));
		command.addAll(List.of(options));
		Process process = new ProcessBuilder(command).redirectError(dir.resolve(which + "-emulator.err").toFile()).start();
		started.put(which, process);
		BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
		String line = out.readLine();
		Matcher m = line == null ? null : READY.matcher(line);
		if (m == null || !m.find()) {
			throw new IllegalStateException(which + " emulator did not start: see " + dir.resolve(which + "-emulator.err"));
		}
		return new String[] { m.group(1), m.group(2) };
	}

	/** A new empty job repository: a fresh PostgreSQL database, or an H2 file in the scenario folder. */
	private Map<String, String> freshDatabase(Path dir) throws SQLException {
		if (database.equalsIgnoreCase("h2")) {
			return Map.of("SPRING_DATASOURCE_URL", "jdbc:h2:file:" + dir.resolve("data/cliniko-bridge") + ";DB_CLOSE_ON_EXIT=FALSE");
		}
		try (Connection c = DriverManager.getConnection(database, databaseUser, ""); Statement st = c.createStatement()) {
			st.execute("DROP DATABASE IF EXISTS cliniko_bridge_bench");
			st.execute("CREATE DATABASE cliniko_bridge_bench");
		}
		String url = database.replaceFirst("/[^/?]*(\\?|$)", "/cliniko_bridge_bench$1");
		return Map.of("SPRING_DATASOURCE_URL", url, "SPRING_DATASOURCE_USERNAME", databaseUser,
				"SPRING_DATASOURCE_PASSWORD", "");
	}

	private Result migrate(Scenario s, Path dir, String source, Map<String, String> env, String hubspotUrl,
			Map<String, Process> emulators, Path launch) throws Exception {
		Path gcLog = dir.resolve("gc.log");
		List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx" + s.heap(), "-Xlog:gc:file=" + gcLog,
				"-Xlog:gc+heap+exit:file=" + dir.resolve("heap-at-exit.log")));
		if (jfr != null) {
			command.add("-XX:StartFlightRecording=filename=" + dir.resolve("bridge.jfr") + ",settings=" + jfr);
		}
		if (cds) {
			command.add("-XX:SharedArchiveFile=" + launch.resolveSibling("cliniko-bridge.jsa"));
		}
		command.addAll(List.of("-jar", launch.toString(), "migrate", "--source=" + source));
		ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
			.redirectOutput(dir.resolve("bridge.out").toFile())
			.redirectError(dir.resolve("bridge.err").toFile());
		builder.environment().putAll(env);
		long started = System.nanoTime();
		java.time.Instant processStart = java.time.Instant.now();
		Process bridge = builder.start();
		long peakRssKb = 0;
		long bridgeCpuMs = 0;
		Path status = Path.of("/proc/" + bridge.pid() + "/status");
		while (!bridge.waitFor(200, TimeUnit.MILLISECONDS)) {
			peakRssKb = Math.max(peakRssKb, peakRss(status));
			bridgeCpuMs = Math.max(bridgeCpuMs, cpuMs(bridge.pid()));
		}
		long wallMs = (System.nanoTime() - started) / 1_000_000;
		java.time.Instant processEnd = processStart.plusMillis(wallMs);
		int exit = bridge.exitValue();
		JsonNode summary = summary(dir.resolve("reports"));
		// The run's own start and end (summary.json): what comes before is JVM and context start-up
		// plus the pre-run checks; what comes after is closing the context.
		long startupMs = java.time.Duration.between(processStart, instant(summary, "startedAt", processStart)).toMillis();
		long afterRunMs = java.time.Duration.between(instant(summary, "endedAt", processEnd), processEnd).toMillis();
		long records = 0;
		Map<String, Long> readByObject = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> object : summary.path("objects").properties()) {
			long read = object.getValue().path("read").asLong();
			readByObject.put(object.getKey(), read);
			records += read;
		}
		JsonNode http = summary.path("http");
		long served429 = emulatorThrottled(hubspotUrl, dir, "hubspot")
				+ (s.source().equals("api") ? emulatorThrottled(env.get("CLINIKO_API_URL"), dir, "cliniko") : 0);
		long peakHeapMb = peakHeapMb(gcLog, dir.resolve("heap-at-exit.log"));
		Map<String, Long> emulatorCpu = new LinkedHashMap<>();
		emulators.forEach((which, p) -> emulatorCpu.put(which, cpuMs(p.pid())));
		return new Result(s, exit, records, s.source().equals("api") ? records : 0, wallMs,
				http.path("cliniko").path("requests").asLong(), http.path("hubspot").path("requests").asLong(),
				http.path("cliniko").path("throttled").asLong(), http.path("hubspot").path("throttled").asLong(), served429,
				peakRssKb, peakHeapMb, readByObject, bridgeCpuMs, emulatorCpu,
				http.path("cliniko").path("retried").asLong() + http.path("hubspot").path("retried").asLong(),
				startupMs, afterRunMs, cds);
	}

	private static java.time.Instant instant(JsonNode summary, String field, java.time.Instant otherwise) {
		String value = summary.path(field).asString(null);
		return value == null ? otherwise : java.time.Instant.parse(value);
	}

	/** CPU time (user + system) a live process has used, from /proc (0 once it is gone). */
	private static long cpuMs(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10; // clock ticks of 10 ms
		}
		catch (IOException | RuntimeException ex) {
			return 0;
		}
	}

	private static long peakRss(Path status) {
		try {
			for (String line : Files.readAllLines(status)) {
				if (line.startsWith("VmHWM:")) {
					return Long.parseLong(line.replaceAll("\\D", ""));
				}
			}
		}
		catch (IOException ex) {
			// the process has just exited
		}
		return 0;
	}

	/** The largest heap occupancy the GC log shows: before any collection, or at exit. */
	private static long peakHeapMb(Path gcLog, Path exitLog) throws IOException {
		long peak = 0;
		if (Files.exists(gcLog)) {
			Matcher m = GC_HEAP.matcher(Files.readString(gcLog));
			while (m.find()) {
				peak = Math.max(peak, Long.parseLong(m.group(1)));
			}
		}
		if (Files.exists(exitLog)) {
			Matcher m = EXIT_HEAP.matcher(Files.readString(exitLog));
			while (m.find()) {
				peak = Math.max(peak, Long.parseLong(m.group(2)) / 1024);
			}
		}
		return peak;
	}

	/**
	 * 429s the emulator answered, from its stats endpoint (base URL with or without /v1); the
	 * stats, requests by path or kind included, are kept as {@code <which>-stats.json}.
	 */
	private static long emulatorThrottled(String baseUrl, Path dir, String which) {
		try {
			String root = baseUrl.replaceFirst("/v1/?$", "");
			HttpResponse<String> reply = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create(root + "/_emulator/stats")).build(),
						HttpResponse.BodyHandlers.ofString());
			Files.writeString(dir.resolve(which + "-stats.json"), reply.body());
			return JSON.readTree(reply.body()).path("throttled").asLong();
		}
		catch (IOException | InterruptedException ex) {
			return -1;
		}
	}

	private static JsonNode summary(Path reports) throws IOException {
		if (!Files.isDirectory(reports)) {
			return JSON.createObjectNode();
		}
		try (Stream<Path> runs = Files.list(reports)) {
			Path run = runs.filter(p -> Files.exists(p.resolve("summary.json")))
				.max(Comparator.naturalOrder())
				.orElse(null);
			return run == null ? JSON.createObjectNode() : JSON.readTree(run.resolve("summary.json").toFile());
		}
	}

	static String table(Result r) {
		StringBuilder t = new StringBuilder();
		t.append("| measure | value |\n|---|---|\n");
		row(t, "exit code", Integer.toString(r.exitCode()));
		row(t, "records migrated", String.format(Locale.ROOT, "%,d (%s)", r.records(), r.readByObject().entrySet()
			.stream()
			.filter(e -> e.getValue() > 0)
			.map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%,d", e.getValue()))
			.reduce((a, b) -> a + ", " + b)
			.orElse("none")));
		row(t, "wall time", String.format(Locale.ROOT, "%.1f s", r.wallMs() / 1000.0));
		row(t, "start-up (process start → run start" + (r.cds() ? ", with CDS" : "") + "); after the run",
				String.format(Locale.ROOT, "%.1f s; %.1f s", r.startupMs() / 1000.0, r.afterRunMs() / 1000.0));
		row(t, "records/s", String.format(Locale.ROOT, "%,.0f", r.recordsPerSecond()));
		row(t, "Cliniko requests", String.format(Locale.ROOT, "%,d", r.clinikoRequests()));
		row(t, "HubSpot requests", String.format(Locale.ROOT, "%,d", r.hubspotRequests()));
		row(t, "HubSpot requests per 1,000 records",
				String.format(Locale.ROOT, "%.1f", r.records() == 0 ? 0 : r.hubspotRequests() * 1000.0 / r.records()));
		row(t, "429s received (Cliniko / HubSpot; emulators answered)", r.clinikoThrottled() + " / " + r.hubspotThrottled()
				+ "; " + r.served429());
		row(t, "requests retried (5xx, I/O errors)", String.format(Locale.ROOT, "%,d", r.retried()));
		row(t, "CPU time (bridge; emulators)", String.format(Locale.ROOT, "%.1f s; %s", r.bridgeCpuMs() / 1000.0,
				r.emulatorCpuMs().entrySet().stream()
					.map(e -> String.format(Locale.ROOT, "%s %.1f s", e.getKey(), e.getValue() / 1000.0))
					.reduce((a, b) -> a + ", " + b).orElse("")));
		row(t, "peak RSS", String.format(Locale.ROOT, "%,d MB", r.peakRssKb() / 1024));
		row(t, "peak heap (-Xmx" + r.scenario().heap() + ")", String.format(Locale.ROOT, "%,d MB", r.peakHeapMb()));
		if (r.scenario().realLimits()) {
			row(t, "rate-limit bound", String.format(Locale.ROOT, "%.1f s (Cliniko %,d records ÷ 100 at 200/min; HubSpot %,d ÷ 100 at 100/10 s)",
					r.boundMs() / 1000, r.clinikoRecords(), r.records()));
			row(t, "wall ÷ bound", String.format(Locale.ROOT, "%.2f", r.wallMs() / r.boundMs()));
		}
		else {
			row(t, "rate-limit bound", "none (limits off)");
		}
		return t.toString();
	}

	private static void row(StringBuilder t, String measure, String value) {
		t.append("| ").append(measure).append(" | ").append(value).append(" |\n");
	}

	private static String javaBin() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static void deleteTree(Path dir) throws IOException {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(p);
			}
		}
		catch (UncheckedIOException ex) {
			throw ex.getCause();
		}
	}

}
