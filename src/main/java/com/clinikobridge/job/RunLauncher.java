package com.clinikobridge.job;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.clinikobridge.cliniko.ClinikoClient;
import com.clinikobridge.hubspot.HubSpotClient;
import com.clinikobridge.hubspot.HubSpotPaths;
import com.clinikobridge.hubspot.SchemaSetup;
import com.clinikobridge.ledger.Ledger;
import com.clinikobridge.ledger.RunStore;
import com.clinikobridge.ledger.RunStore.Run;
import com.clinikobridge.ledger.SyncStore;
import com.clinikobridge.mapping.Mapping;
import com.clinikobridge.mapping.MappingException;
import com.clinikobridge.mapping.MappingFile;
import com.clinikobridge.mapping.ObjectMapping;
import com.clinikobridge.mapping.OwnerDirectory.Resolution;
import com.clinikobridge.report.DiffRow;
import com.clinikobridge.report.HtmlReports;
import com.clinikobridge.report.ReconcileReport;
import com.clinikobridge.report.ReportWriter;
import com.clinikobridge.report.RunReportData;
import com.clinikobridge.report.RunSummary;
import com.clinikobridge.report.RunSummary.HttpCounts;
import com.clinikobridge.report.RunSummary.ObjectCounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;

/**
 * Starts, restarts and lists runs of the {@code migrate} job, and writes each run's report
 * folder. Exit codes follow CLI.md: 0 completed, 1 failed or stopped (restartable), 2 usage or
 * configuration error, 3 completed with rejected records.
 */
@Component
public class RunLauncher {

	private static final Logger log = LoggerFactory.getLogger(RunLauncher.class);

	private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm")
		.withZone(ZoneOffset.UTC);

	private static final SecureRandom RANDOM = new SecureRandom();

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final Job migrateJob;

	private final ActiveRun run;

	private final Ledger ledger;

	private final RunStore runs;

	private final SettingsResolver settingsResolver;

	private final PlanService planService;

	private final SyncStore syncStore;

	private final PortalLock lock;

	private final com.clinikobridge.ledger.WriteProofs proofs;

	RunLauncher(JobOperator jobOperator, JobRepository jobRepository, Job migrateJob, ActiveRun run, Ledger ledger,
			RunStore runs, SettingsResolver settingsResolver, PlanService planService, SyncStore syncStore,
			PortalLock lock, com.clinikobridge.ledger.WriteProofs proofs) {
		this.lock = lock;
		this.proofs = proofs;
		this.planService = planService;
		this.syncStore = syncStore;
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.migrateJob = migrateJob;
		this.run = run;
		this.ledger = ledger;
		this.runs = runs;
		this.settingsResolver = settingsResolver;
	}

	/** Records written per object over the run, in about 60 buckets at most (at least a second each), for report.html. */
	static List<RunReportData.ThroughputPoint> throughput(Ledger ledger, String runId, Instant startedAt,
			long durationMs) {
		long bucket = Math.max(1, durationMs / 1000 / 60);
		return ledger.throughput(runId, startedAt, bucket)
			.stream()
			.map(r -> new RunReportData.ThroughputPoint((Long) r[0], bucket, (String) r[1], (Long) r[2]))
			.toList();
	}

	/** Records in the portal that this job repository never wrote: printed now and noted in the report. */
	private void noteForeignRecords(HubSpotClient hubspot, Set<String> objects, PrintStream out) {
		if (hubspot != null) {
			ForeignRecords.note(hubspot, proofs, objects).ifPresent(note -> {
				run.note(note);
				out.println(note);
			});
		}
	}

	/** The end of a run: its id, summary and exit code. */
	public record Outcome(String runId, RunSummary summary, int exitCode) {
	}

	/**
	 * Runs {@code migrate}.
	 * @throws ConfigurationException for a bad option or setting (exit code 2), before anything starts
	 */
	public Outcome migrate(MigrateRequest request, Map<String, String> overrides, PrintStream out) throws Exception {
		BridgeSettings settings = settingsResolver.resolve(overrides);
		if (request.dryRun() || !settings.hasHubSpotToken()) {
			return migrate(request, settings, overrides, out);
		}
		return lock.locked("migrate", settings, out, () -> migrate(request, settings, overrides, out));
	}

	private Outcome migrate(MigrateRequest request, BridgeSettings settings, Map<String, String> overrides,
			PrintStream out) throws Exception {
		SourceSpec source = SourceSpec.parse(request.source());
		Mapping mapping = loadMapping(request.mappingFile());
		Set<String> objects = objects(source, request.objects());
		if (!request.dryRun() && !settings.hasHubSpotToken()) {
			throw new ConfigurationException("HUBSPOT_ACCESS_TOKEN is not set, so migrate would write nothing: set it"
					+ " to the portal's token, or pass --dry-run to rehearse without HubSpot");
		}
		boolean effectiveDryRun = request.dryRun();
		ClinikoClient cliniko = clinikoClient(settings, source);
		HubSpotClient hubspot = hubspotClient(settings);
		if (hubspot != null) {
			// A property the mapping names must exist, or every record would be refused one by one.
			Map<String, Set<String>> portal = new java.util.HashMap<>();
			try {
				mapping.checkAgainstPortal(type -> portal.computeIfAbsent(type, t -> hubspot.properties(t).keySet()),
						objects);
			}
			catch (MappingException ex) {
				throw new ConfigurationException(ex.getMessage());
			}
		}
		if (!effectiveDryRun && request.sample() == null && !request.noApproval() && !settings.noApproval()) {
			String fingerprint = planService.fingerprint(source, objects, request.mappingFile(), cliniko);
			if (!runs.approved(fingerprint)) {
				throw new ConfigurationException("migrate: the plan for this source and mapping (fingerprint "
						+ fingerprint + ") is not approved. Review it with 'plan --source=" + source.text()
						+ "', approve it with 'plan --source=" + source.text() + " --approve', then migrate again;"
						+ " scheduled jobs may pass --no-approval (or set CLINIKO_BRIDGE_NO_APPROVAL=true).");
			}
		}
		Sample sample = null;
		if (request.sample() != null) {
			// Chosen before the run exists: a source that cannot be sampled leaves no half-made run.
			List<com.clinikobridge.cliniko.ClinikoPractitioner> practitioners = source.isCsv()
					? source.csv().practitioners()
					: com.clinikobridge.cliniko.ClinikoDirectory.load(cliniko).practitioners();
			sample = SampleSelector.select(source, cliniko, practitioners, request.sample());
		}
		Instant startedAt = Instant.now();
		String runId = newRunId(startedAt);
		Path folder = ReportWriter.runFolder(settings.reportDir(), runId);
		runs.create(runId, "migrate", source.text(), effectiveDryRun, startedAt);
		lock.naming(runId);
		if (effectiveDryRun && !request.dryRun()) {
			out.println("No HUBSPOT_ACCESS_TOKEN: dry run, nothing will be written to HubSpot.");
		}
		out.println("Run " + runId + " started; reports in " + folder);
		run.begin(runId, effectiveDryRun, startedAt, source, settings, mapping, objects, cliniko, hubspot);
		noteForeignRecords(hubspot, objects, out);
		if (!source.isCsv() && !effectiveDryRun && sample == null) {
			run.keepMarks(sourceKey(settings, source)); // where the first sync after this migration starts
		}
		if (sample != null) {
			runs.saveSample(runId, Map.of("patient", sample.patients(), "merged", sample.mergedIntoSample(),
					"referrer", sample.referrers()));
			run.sample(sample);
			out.println("Sample: " + sample.patients().size() + " patients chosen across practitioners, statuses and"
					+ " edge cases, with their related records");
		}
		JobParameters parameters = new JobParametersBuilder().addString("runId", runId)
			.addString("source", source.text(), false)
			.addString("dryRun", Boolean.toString(effectiveDryRun), false)
			.addString("startedAt", startedAt.toString(), false)
			.addString("objects", String.join(",", objects), false)
			.addString("mapping", request.mappingFile() == null ? "" : request.mappingFile().toString(), false)
			.addString("sample", request.sample() == null ? "" : request.sample().toString(), false)
			.addString("files", source.isCsv() && !effectiveDryRun && sample == null
					? fileList(SyncLauncher.exportFiles(source)) : "", false)
			.toJobParameters();
		JobExecution execution = jobOperator.start(migrateJob, parameters);
		Outcome outcome = finish(runId, "migrate", execution, folder, out);
		if (!request.reconcile() || effectiveDryRun || !"COMPLETED".equals(outcome.summary().status())) {
			return outcome;
		}
		RunReport migrated = lastReport;
		Outcome reconciled = reconcile(runId, null, overrides, out);
		List<String> lines = new ArrayList<>(List.of("Reconcile " + reconciled.runId() + ": "
				+ (reconciled.exitCode() == 0 ? "clean" : reconciled.exitCode() == 3 ? "mismatches found" : "did not complete")
				+ " (reports/" + reconciled.runId() + "/reconcile.html)"));
		Map<String, Object> extra = new LinkedHashMap<>(migrated.extra());
		extra.put("reconcile", Map.of("runId", reconciled.runId(), "exitCode", reconciled.exitCode()));
		writeRunReport(new RunReport(migrated.folder(), migrated.summary(), extra, migrated.rejected(),
				migrated.rejectedTotal(), migrated.throughput(), concat(migrated.notes(), lines)));
		lines.forEach(out::println);
		int exitCode = reconciled.exitCode() != 0 ? Math.max(outcome.exitCode(), 3) : outcome.exitCode();
		return new Outcome(runId, outcome.summary(), exitCode);
	}

	private static List<String> concat(List<String> a, List<String> b) {
		List<String> all = new ArrayList<>(a);
		all.addAll(b);
		return all;
	}

	/** What a migrate run's report folder shows; kept so --reconcile can add its result. */
	private record RunReport(Path folder, RunSummary summary, Map<String, Object> extra, List<Ledger.Rejected> rejected,
			long rejectedTotal, List<RunReportData.ThroughputPoint> throughput, List<String> notes) {
	}

	private volatile RunReport lastReport;

	private void writeRunReport(RunReport r) {
		lastReport = r;
		ReportWriter.write(r.folder().resolve("report.html"), HtmlReports.run(new RunReportData(r.summary(),
				r.rejected(), r.rejectedTotal(), r.throughput(), r.notes())));
		ReportWriter.write(r.folder().resolve("report.txt"), ReportWriter.text(r.summary(), r.notes()));
		ReportWriter.summary(r.folder(), r.summary(), r.extra());
	}

	/**
	 * HubSpot requests of this run against the portal's daily limit: the limit HubSpot reports
	 * ({@code X-HubSpot-RateLimit-Daily}), else HUBSPOT_DAILY_LIMIT (250,000 by default).
	 */
	private Map<String, Object> dailyUsage(BridgeSettings settings) {
		Map<String, Object> usage = new LinkedHashMap<>();
		long requests = run.hubspot() == null ? 0 : run.hubspot().stats().requests();
		long reported = run.hubspot() == null ? -1 : run.hubspot().stats().dailyLimit();
		long limit = reported > 0 ? reported : settings.hubspotDailyLimit();
		usage.put("requests", requests);
		usage.put("dailyLimit", limit);
		usage.put("limitFrom", reported > 0 ? "X-HubSpot-RateLimit-Daily" : "HUBSPOT_DAILY_LIMIT");
		usage.put("percentOfDailyLimit", Math.round(requests * 10000.0 / limit) / 100.0);
		long remaining = run.hubspot() == null ? -1 : run.hubspot().stats().dailyRemaining();
		if (remaining >= 0) {
			usage.put("remainingToday", remaining);
		}
		return usage;
	}

	/**
	 * Starts a {@code sync} run: the migrate job reading, from the API, only what changed since
	 * each object's mark (taken now, applied when the run completes), or a CSV export folder whose
	 * files are recorded as ingested when it completes. Unchanged records cost no HubSpot call.
	 * @param since overrides every mark ({@code --since}); null to use them
	 * @param files CSV file checksum → name, recorded as ingested on completion
	 */
	Outcome startSync(SourceSpec source, List<String> requestedObjects, Path mappingFile, Instant since,
			Map<String, String> files, BridgeSettings settings, PrintStream out) throws Exception {
		Mapping mapping = loadMapping(mappingFile);
		Set<String> objects = objects(source, requestedObjects);
		ClinikoClient cliniko = clinikoClient(settings, source);
		HubSpotClient hubspot = hubspotClient(settings);
		Instant startedAt = Instant.now();
		String runId = newRunId(startedAt);
		Path folder = ReportWriter.runFolder(settings.reportDir(), runId);
		runs.create(runId, "sync", source.text(), false, startedAt);
		lock.naming(runId);
		out.println("Run " + runId + " started; reports in " + folder);
		run.begin(runId, false, startedAt, source, settings, mapping, objects, cliniko, hubspot);
		noteForeignRecords(hubspot, objects, out);
		run.sync(since);
		if (!source.isCsv()) {
			run.keepMarks(sourceKey(settings, source));
		}
		JobParameters parameters = new JobParametersBuilder().addString("runId", runId)
			.addString("source", source.text(), false)
			.addString("dryRun", "false", false)
			.addString("startedAt", startedAt.toString(), false)
			.addString("objects", String.join(",", objects), false)
			.addString("mapping", mappingFile == null ? "" : mappingFile.toString(), false)
			.addString("files", fileList(files), false)
			.toJobParameters();
		return finish(runId, "sync", jobOperator.start(migrateJob, parameters), folder, out);
	}

	/** Export files as a job parameter: one "checksum=name" a line. */
	private static String fileList(Map<String, String> files) {
		return files.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\n"));
	}

	/** The Cliniko account a source reads (hashed), keying its sync marks. */
	static String sourceKey(BridgeSettings settings, SourceSpec source) {
		return source.isCsv() ? SyncMarks.key("csv") : SyncMarks.key(settings.clinikoApiUrl(), settings.clinikoApiKey());
	}

	/** What {@code migrate} was asked to do. {@code objects} empty means every object the source has. */
	public record MigrateRequest(String source, boolean dryRun, List<String> objects, Path mappingFile,
			Integer sample, boolean noApproval, boolean reconcile) {

		public MigrateRequest(String source, boolean dryRun, List<String> objects, Path mappingFile, Integer sample,
				boolean noApproval) {
			this(source, dryRun, objects, mappingFile, sample, noApproval, false);
		}
	}

	/**
	 * Runs {@code reconcile}: the migrate job in compare mode against the source and mapping of a
	 * completed migrate run (the newest, when none is named), writing reconcile.csv and
	 * reconcile.html. Exit 0 when Cliniko and HubSpot agree, 3 when they do not, 1 when stopped.
	 * @param sample compare property values of about this many records per object (null: all)
	 * @throws ConfigurationException when there is no such run, or it wrote nothing to HubSpot
	 */
	public Outcome reconcile(String targetRunId, Integer sample, Map<String, String> overrides, PrintStream out)
			throws Exception {
		BridgeSettings settings = settingsResolver.resolve(overrides);
		if (!settings.hasHubSpotToken()) {
			return reconcile(targetRunId, sample, settings, overrides, out);
		}
		return lock.locked("reconcile", settings, out, () -> reconcile(targetRunId, sample, settings, overrides, out));
	}

	private Outcome reconcile(String targetRunId, Integer sample, BridgeSettings settings, Map<String, String> overrides,
			PrintStream out) throws Exception {
		if (sample != null && sample < 1) {
			throw new ConfigurationException("--sample must be a whole number of records, at least 1");
		}
		Run target = reconcileTarget(targetRunId, settings);
		JobExecution targetExecution = jobRepository.getJobExecution(target.jobExecutionId());
		SourceSpec source = SourceSpec.parse(target.source());
		String mappingFile = targetExecution.getJobParameters().getString("mapping");
		String objects = targetExecution.getJobParameters().getString("objects");
		Instant startedAt = Instant.now();
		String runId = newRunId(startedAt);
		Path folder = ReportWriter.runFolder(settings.reportDir(), runId);
		runs.create(runId, "reconcile", target.source(), false, startedAt, target.runId());
		lock.naming(runId);
		out.println("Reconcile " + runId + " of run " + target.runId() + " started; reports in " + folder);
		beginReconcile(runId, startedAt, source, settings, mappingFile, objects, target.runId(),
				sample == null ? 0 : sample);
		JobExecution execution = jobOperator.start(migrateJob, new JobParametersBuilder().addString("runId", runId)
			.addString("source", source.text(), false)
			.addString("reconcile", target.runId(), false)
			.addString("objects", objects == null ? "" : objects, false)
			.addString("mapping", mappingFile == null ? "" : mappingFile, false)
			.addString("sample", sample == null ? "" : sample.toString(), false)
			.toJobParameters());
		return finishReconcile(runId, execution, folder, out);
	}

	/** Commands whose runs write records to HubSpot: what reconcile and rollback act on. */
	static final Set<String> WRITING = Set.of("migrate", "sync", "repair");

	/** The run named, or the newest completed run that wrote to HubSpot. */
	private Run reconcileTarget(String targetRunId, BridgeSettings settings) {
		Run target = targetRunId != null
				? runs.find(targetRunId)
					.orElseThrow(() -> new ConfigurationException("reconcile: there is no run '" + targetRunId
							+ "' (see status)"))
				: runs.all()
					.stream()
					.filter(r -> WRITING.contains(r.command()) && !r.dryRun() && "COMPLETED".equals(r.status()))
					.findFirst()
					.orElseThrow(() -> new ConfigurationException(
							"reconcile: no completed migrate run to reconcile; name one (see status)"));
		if (!WRITING.contains(target.command()) || target.dryRun()) {
			throw new ConfigurationException("reconcile: run '" + target.runId() + "' is a "
					+ (target.dryRun() ? "dry run" : target.command() + " run") + "; it wrote nothing to HubSpot");
		}
		if (!settings.hasHubSpotToken()) {
			throw new ConfigurationException("HUBSPOT_ACCESS_TOKEN is required for reconcile");
		}
		return target;
	}

	/**
	 * {@code reconcile --repair [<run-id>]}: a run of its own (command {@code repair}) over the same
	 * source, objects and mapping as the run named (default: the newest completed one that wrote to
	 * HubSpot). It writes what changed in Cliniko, as a migration would, and also what drifted in
	 * HubSpot: values someone changed are written again, records someone deleted are created again.
	 * Everything goes through the ledger, so {@code rollback <repair run>} puts the drift back.
	 */
	public Outcome repair(String targetRunId, Map<String, String> overrides, PrintStream out) throws Exception {
		BridgeSettings settings = settingsResolver.resolve(overrides);
		Run target = reconcileTarget(targetRunId, settings);
		return lock.locked("reconcile --repair", settings, out, () -> {
			JobParameters targetParameters = jobRepository.getJobExecution(target.jobExecutionId()).getJobParameters();
			SourceSpec source = SourceSpec.parse(target.source());
			String mappingFile = targetParameters.getString("mapping");
			String objectList = targetParameters.getString("objects");
			Set<String> objects = objectList == null || objectList.isEmpty() ? objects(source, List.of())
					: new LinkedHashSet<>(List.of(objectList.split(",")));
			Mapping mapping = loadMapping(mappingFile == null || mappingFile.isEmpty() ? null : Path.of(mappingFile));
			Instant startedAt = Instant.now();
			String runId = newRunId(startedAt);
			Path folder = ReportWriter.runFolder(settings.reportDir(), runId);
			runs.create(runId, "repair", source.text(), false, startedAt, target.runId());
			lock.naming(runId);
			out.println("Run " + runId + " (repair, from run " + target.runId() + "'s source) started; reports in "
					+ folder);
			run.begin(runId, false, startedAt, source, settings, mapping, objects, clinikoClient(settings, source),
					hubspotClient(settings));
			run.repair();
			JobParameters parameters = new JobParametersBuilder().addString("runId", runId)
				.addString("source", source.text(), false)
				.addString("dryRun", "false", false)
				.addString("startedAt", startedAt.toString(), false)
				.addString("objects", String.join(",", objects), false)
				.addString("mapping", mappingFile == null ? "" : mappingFile, false)
				.addString("repair", "true", false)
				.toJobParameters();
			return finish(runId, "repair", jobOperator.start(migrateJob, parameters), folder, out);
		});
	}

	private void beginReconcile(String runId, Instant startedAt, SourceSpec source, BridgeSettings settings,
			String mappingFile, String objects, String targetRunId, int sample) {
		Mapping mapping = loadMapping(mappingFile == null || mappingFile.isEmpty() ? null : Path.of(mappingFile));
		run.begin(runId, true, startedAt, source, settings, mapping,
				objects == null || objects.isEmpty() ? objects(source, List.of())
						: new LinkedHashSet<>(List.of(objects.split(","))),
				clinikoClient(settings, source), hubspotClient(settings));
		run.reconcile(targetRunId, sample);
		Map<String, Set<Long>> chosen = runs.sample(targetRunId);
		if (!chosen.isEmpty()) {
			run.sample(new Sample(chosen.getOrDefault("patient", Set.of()), chosen.getOrDefault("merged", Set.of()),
					chosen.getOrDefault("referrer", Set.of())));
		}
	}

	private Outcome finishReconcile(String runId, JobExecution execution, Path folder, PrintStream out) {
		Run stored = runs.find(runId).orElseThrow();
		Instant ended = Instant.now();
		String status = RunExecutionListener.runStatus(execution);
		Map<String, Ledger.Tally> tallies = ledger.tallies(runId);
		List<Ledger.Mismatch> mismatches = ledger.mismatches(runId);
		int exitCode = !status.equals("COMPLETED") ? 1 : mismatches.isEmpty() ? 0 : 3;
		RunSummary summary = new RunSummary(runId, "reconcile", status, stored.source(), false, stored.startedAt(), ended,
				ended.toEpochMilli() - stored.startedAt().toEpochMilli(), Map.of(), httpCounts());
		ReconcileReport report = new ReconcileReport(runId, stored.targetRunId(), status, tallies, mismatches,
				run.reconcileSample());
		List<String> notes = new ArrayList<>(report.lines());
		if (!status.equals("COMPLETED")) {
			execution.getAllFailureExceptions().stream().findFirst()
				.ifPresent(ex -> notes.add("Stopped by: " + rootMessage(ex)));
			notes.add("Resume with: restart " + runId);
		}
		String text = ReportWriter.text(summary, notes);
		try {
			writeReconcileReports(folder, summary, report, mismatches, text);
		}
		catch (ReportWriter.ReportWriteException ex) {
			throw ReportNotWrittenException.markFailed(runs, runId, ended, ex);
		}
		runs.ended(runId, status, exitCode, ended);
		out.print(text);
		log.info("Reconcile {} {}: {} mismatch(es) (exit code {})", runId, status, mismatches.size(), exitCode);
		return new Outcome(runId, summary, exitCode);
	}

	/** reconcile.csv, reconcile.html, report.txt, then summary.json of a reconcile run. */
	private static void writeReconcileReports(Path folder, RunSummary summary, ReconcileReport report,
			List<Ledger.Mismatch> mismatches, String text) {
		ReportWriter.csv(folder.resolve("reconcile.csv"), new String[] { "object", "cliniko_id", "hubspot_id", "kind",
				"property", "expected", "hubspot" }, mismatches.stream()
					.map(m -> new String[] { m.objectType(), m.clinikoId(), m.hubspotId(), m.kind(), m.property(),
							m.expected(), m.actual() })
					.toList());
		ReportWriter.write(folder.resolve("reconcile.html"), HtmlReports.reconcile(report));
		ReportWriter.write(folder.resolve("report.txt"), text);
		ReportWriter.summary(folder, summary, Map.of("targetRunId", report.targetRunId(), "reconcile",
				report.byObject(), "mismatches", mismatches.size()));
	}

	private Map<String, HttpCounts> httpCounts() {
		Map<String, HttpCounts> http = new LinkedHashMap<>();
		http.put("cliniko", run.cliniko() == null ? new HttpCounts(0, 0, 0)
				: new HttpCounts(run.cliniko().stats().requests(), run.cliniko().stats().throttled(),
						run.cliniko().stats().retried()));
		http.put("hubspot", run.hubspot() == null ? new HttpCounts(0, 0, 0)
				: new HttpCounts(run.hubspot().stats().requests(), run.hubspot().stats().throttled(),
						run.hubspot().stats().retried()));
		return http;
	}

	private static Mapping loadMapping(Path file) {
		try {
			return file == null ? MappingFile.load(MappingFile.DEFAULT, false) : MappingFile.load(file, true);
		}
		catch (MappingException ex) {
			throw new ConfigurationException(ex.getMessage());
		}
	}

	/** The objects of a run, with their dependencies checked. */
	Set<String> objects(SourceSpec source, List<String> requested) {
		Set<String> available = new LinkedHashSet<>();
		for (ObjectMapping m : ObjectMapping.ORDER) {
			if (!source.isCsv() || CSV_OBJECTS.contains(m.clinikoName())) {
				available.add(m.clinikoName());
			}
		}
		if (requested == null || requested.isEmpty()) {
			return available;
		}
		Set<String> selected = new LinkedHashSet<>();
		for (String name : requested) {
			String object = name.trim();
			if (ObjectMapping.byName(object).isEmpty()) {
				throw new ConfigurationException("--objects: unknown object '" + object + "'; expected "
						+ ObjectMapping.ORDER.stream().map(ObjectMapping::clinikoName).collect(Collectors.joining(", ")));
			}
			if (!available.contains(object)) {
				throw new ConfigurationException("--objects: " + object + " are not in Cliniko's CSV exports;"
						+ " use --source=api to migrate them");
			}
			selected.add(object);
		}
		for (String object : selected) {
			for (String dependency : ObjectMapping.byName(object).orElseThrow().dependsOn()) {
				if (!selected.contains(dependency) && !ledger.hasMapped(dependency)) {
					throw new ConfigurationException("--objects: " + object + " need " + dependency + ", which are not"
							+ " selected and not in the ledger from an earlier run; add " + dependency + " to --objects");
				}
			}
		}
		Set<String> ordered = new LinkedHashSet<>();
		available.stream().filter(selected::contains).forEach(ordered::add);
		return ordered;
	}

	static final Set<String> CSV_OBJECTS = Set.of("patients", "appointments", "invoices");

	/**
	 * Restarts a failed, stopped or killed run after its last committed chunk.
	 * @throws ConfigurationException when the run does not exist or has completed
	 */
	public Outcome restart(String runId, Map<String, String> overrides, PrintStream out) throws Exception {
		if (runs.find(runId).isEmpty()) {
			throw new ConfigurationException("restart: there is no run '" + runId + "' (see status)");
		}
		BridgeSettings settings = settingsResolver.resolve(overrides);
		if (!settings.hasHubSpotToken()) {
			return restartLocked(runId, overrides, out);
		}
		return lock.locked("restart", settings, out, () -> restartLocked(runId, overrides, out));
	}

	private Outcome restartLocked(String runId, Map<String, String> overrides, PrintStream out) throws Exception {
		Run stored = runs.find(runId)
			.orElseThrow(() -> new ConfigurationException("restart: there is no run '" + runId + "' (see status)"));
		if (stored.jobExecutionId() == null) {
			throw new ConfigurationException("restart: run '" + runId + "' never started a job");
		}
		JobExecution last = jobRepository.getJobExecution(stored.jobExecutionId());
		if (last == null) {
			throw new ConfigurationException("restart: run '" + runId + "' is not in the job repository");
		}
		if (last.getStatus() == BatchStatus.COMPLETED) {
			throw new ConfigurationException("restart: run '" + runId + "' has completed; nothing to resume");
		}
		BridgeSettings settings = settingsResolver.resolve(overrides);
		lock.naming(runId);
		SourceSpec source = SourceSpec.parse(stored.source());
		if (stored.command().equals("reconcile")) {
			if (!settings.hasHubSpotToken()) {
				throw new ConfigurationException("HUBSPOT_ACCESS_TOKEN is required for reconcile");
			}
			if (last.getStatus().isRunning()) {
				last = jobOperator.recover(last);
			}
			String sample = last.getJobParameters().getString("sample");
			beginReconcile(runId, stored.startedAt(), source, settings, last.getJobParameters().getString("mapping"),
					last.getJobParameters().getString("objects"), stored.targetRunId(),
					sample == null || sample.isEmpty() ? 0 : Integer.parseInt(sample));
			out.println("Reconcile " + runId + " restarting after its last committed chunk");
			return finishReconcile(runId, jobOperator.restart(last), ReportWriter.runFolder(settings.reportDir(), runId),
					out);
		}
		if (!stored.dryRun() && !settings.hasHubSpotToken()) {
			throw new ConfigurationException("HUBSPOT_ACCESS_TOKEN is required to restart a run that writes to HubSpot");
		}
		if (last.getStatus().isRunning()) {
			// The process that ran it died (killed, crashed): mark it failed so it can restart.
			last = jobOperator.recover(last);
		}
		Path folder = ReportWriter.runFolder(settings.reportDir(), runId);
		out.println("Run " + runId + " restarting after its last committed chunk");
		String mappingFile = last.getJobParameters().getString("mapping");
		Mapping mapping = loadMapping(mappingFile == null || mappingFile.isEmpty() ? null : Path.of(mappingFile));
		String objects = last.getJobParameters().getString("objects");
		run.begin(runId, stored.dryRun(), stored.startedAt(), source, settings, mapping,
				objects == null ? objects(source, List.of()) : new LinkedHashSet<>(List.of(objects.split(","))),
				clinikoClient(settings, source), hubspotClient(settings));
		if (stored.command().equals("sync")) {
			run.sync(null);
		}
		if (stored.command().equals("repair")) {
			run.repair();
		}
		String sampled = last.getJobParameters().getString("sample");
		if (!source.isCsv() && !stored.dryRun() && (sampled == null || sampled.isEmpty())
				&& !stored.command().equals("repair")) {
			run.keepMarks(sourceKey(settings, source));
		}
		String sampleSize = last.getJobParameters().getString("sample");
		if (sampleSize != null && !sampleSize.isEmpty()) {
			Map<String, Set<Long>> sample = runs.sample(runId);
			run.sample(new Sample(sample.getOrDefault("patient", Set.of()), sample.getOrDefault("merged", Set.of()),
					sample.getOrDefault("referrer", Set.of())));
		}
		JobExecution execution = jobOperator.restart(last);
		return finish(runId, "restart", execution, folder, out);
	}

	private Outcome finish(String runId, String command, JobExecution execution, Path folder, PrintStream out) {
		Run stored = runs.find(runId).orElseThrow();
		Instant ended = Instant.now();
		String status = RunExecutionListener.runStatus(execution);
		Map<String, ObjectCounts> objects = new LinkedHashMap<>();
		Map<String, Ledger.Counts> counts = ledger.counts(runId);
		for (ObjectMapping m : ObjectMapping.ORDER) {
			if (!run.migrates(m.clinikoName())) {
				continue;
			}
			Ledger.Counts c = counts.getOrDefault(m.clinikoName(), new Ledger.Counts(0, 0, 0, 0));
			objects.put(m.clinikoName(), new ObjectCounts(c.read(), c.created(), c.updated(), c.unchanged(),
					c.rejected(), 0));
		}
		Map<String, HttpCounts> http = httpCounts();
		RunSummary summary = new RunSummary(runId, stored.command(), status, stored.source(), stored.dryRun(),
				stored.startedAt(), ended, ended.toEpochMilli() - stored.startedAt().toEpochMilli(), objects, http);
		int exitCode = !status.equals("COMPLETED") ? 1 : summary.rejected() > 0 ? 3 : 0;
		boolean marks = status.equals("COMPLETED") && !stored.dryRun();
		// Objects with records that did not land keep their mark: the next sync reads them again.
		Set<String> held = new LinkedHashSet<>();
		objects.forEach((object, c) -> {
			if (c.rejected() > 0 || run.associationFailures() > 0) {
				held.add(object);
			}
		});
		String marksNote = marks && !held.isEmpty() && !syncStore.runMarks(runId).isEmpty()
				? "Marks kept for " + String.join(", ", held) + " (records did not land): the next sync"
						+ " reads their changes again"
				: null;
		// The reports come first: a run is only marked ended once its proof is on disk.
		List<String> notes = new ArrayList<>();
		try {
			writeFinishedReports(runId, stored, execution, folder, summary, marksNote, notes);
		}
		catch (ReportWriter.ReportWriteException ex) {
			throw ReportNotWrittenException.markFailed(runs, runId, ended, ex);
		}
		runs.ended(runId, status, exitCode, ended);
		if (marks) {
			applyMarks(runId, execution, held);
		}
		out.print(ReportWriter.text(summary, notes));
		log.info("Run {} {} (exit code {})", runId, status, exitCode);
		return new Outcome(runId, summary, exitCode);
	}

	/** Moves the source's sync marks to this completed run's, and records the CSV files it ingested. */
	private void applyMarks(String runId, JobExecution execution, Set<String> held) {
		syncStore.applyRunMarks(runId, held);
		String files = execution.getJobParameters().getString("files");
		if (files != null && !files.isEmpty()) {
			Map<String, String> ingested = new LinkedHashMap<>();
			for (String f : files.split("\n")) {
				ingested.put(f.substring(0, f.indexOf('=')), f.substring(f.indexOf('=') + 1));
			}
			syncStore.ingested(runId, ingested);
		}
	}

	/**
	 * Writes a finished run's report files (CSVs, preview, diff, report.html, report.txt, then
	 * summary.json) and fills {@code notes} with the report's notes.
	 * @throws ReportWriter.ReportWriteException naming the file that could not be written
	 */
	private void writeFinishedReports(String runId, Run stored, JobExecution execution, Path folder,
			RunSummary summary, String marksNote, List<String> notes) {
		String status = summary.status();
		ReportWriter.rejected(folder, ledger.rejections(runId));
		ReportWriter.csvStream(folder.resolve("audit.csv"), new String[] { "object", "cliniko_id", "hubspot_id",
				"action", "error", "recorded_at", "undone_by" }, row -> ledger.audit(runId, row));
		List<String[]> owners = new ArrayList<>();
		for (Resolution r : run.owners().resolutions()) {
			owners.add(new String[] { r.practitioner().id() == null ? "" : r.practitioner().id().toString(),
					r.practitioner().displayName(), r.how(), r.ownerId() == null ? "" : r.ownerId() });
		}
		ReportWriter.owners(folder, owners);
		if (stored.dryRun()) {
			ReportWriter.preview(folder, run.preview());
		}
		notes.addAll(run.notes());
		if (marksNote != null) {
			notes.add(marksNote);
		}
		long unresolved = run.owners().resolutions().stream().filter(r -> r.ownerId() == null).count();
		if (run.hubspot() == null && !run.owners().resolutions().isEmpty()) {
			notes.add("Owners not resolved: no HUBSPOT_ACCESS_TOKEN to read HubSpot owners with");
		}
		else if (unresolved > 0) {
			notes.add(unresolved + " practitioner(s) resolved to no HubSpot owner (see owners.csv)");
		}
		List<String> idMapTypes = ObjectMapping.ORDER.stream()
			.map(ObjectMapping::hubspotType)
			.filter(run::withoutUniqueId)
			.toList();
		if (!idMapTypes.isEmpty()) {
			notes.add("HubSpot refused a unique ID property on " + String.join(", ", idMapTypes)
					+ ": those records were written through the ledger's id map instead of upserts");
		}
		if (run.associationFailures() > 0) {
			notes.add(run.associationFailures() + " association(s) refused by HubSpot (see the log)");
		}
		if (!status.equals("COMPLETED")) {
			execution.getAllFailureExceptions()
				.stream()
				.findFirst()
				.ifPresent(ex -> notes.add("Stopped by: " + rootMessage(ex)));
			notes.add("Resume with: restart " + runId);
		}
		notes.addAll(passedOver(runId, run.sample() != null));
		long shared = run.sharedEmails();
		if (shared > 0) {
			notes.add(shared + " patient(s) share an email with a patient of a lower id: their email is in "
					+ run.mapping().property(ObjectMapping.PATIENTS, "shared_email")
					+ " (HubSpot contact emails are unique)");
		}
		if (summary.rejected() > 0) {
			notes.add(summary.rejected() + " record(s) rejected, with reasons in rejected.csv");
		}
		notes.addAll(followUp(runId));
		Map<String, Object> usage = dailyUsage(run.settings());
		if (run.hubspot() != null) {
			notes.add("HubSpot API: " + usage.get("requests") + " request(s), " + usage.get("percentOfDailyLimit")
					+ "% of the daily limit of " + usage.get("dailyLimit")
					+ (usage.get("limitFrom").equals("HUBSPOT_DAILY_LIMIT") ? " (assumed; set HUBSPOT_DAILY_LIMIT to"
							+ " the portal's tier)" : " (reported by HubSpot)")
					+ (usage.containsKey("remainingToday") ? ", " + usage.get("remainingToday") + " left today" : ""));
		}
		boolean wrote = summary.objects().values().stream().anyMatch(c -> c.created() + c.updated() > 0);
		if (!stored.dryRun() && run.hubspot() != null && wrote) {
			notes.add("To undo this run: rollback " + runId + " (--dry-run lists what it would do). "
					+ RollbackLauncher.CANNOT_UNDO.get(0));
		}
		if (run.sample() != null && status.equals("COMPLETED") && !stored.dryRun() && run.hubspot() != null) {
			List<DiffRow> diff = SampleDiff.compute(run.hubspot(), ledger, runId, run.sent());
			long disagreements = diff.stream().filter(r -> !r.agrees()).count();
			ReportWriter.diff(folder, diff);
			ReportWriter.write(folder.resolve("diff.html"), HtmlReports.diff(runId, diff));
			notes.add("Sample diff: " + diff.size() + " property values compared, " + disagreements
					+ " disagree (diff.html, diff.csv)");
		}
		List<RunReportData.ThroughputPoint> throughput = throughput(ledger, runId, stored.startedAt(),
				summary.durationMs());
		List<Ledger.Rejected> rejected = ledger.rejections(runId);
		writeRunReport(new RunReport(folder, summary, Map.of("hubspotApiUsage", usage),
				rejected.subList(0, Math.min(rejected.size(), 1000)), rejected.size(), throughput, notes));
	}

	/**
	 * What needs someone's attention after the run: practitioners without a HubSpot owner (by
	 * name, they are staff), and records HubSpot refused (the rest of the rejections are data
	 * problems in Cliniko, listed in rejected.csv).
	 */
	private List<String> followUp(String runId) {
		List<String> notes = new ArrayList<>();
		if (run.hubspot() != null) {
			run.owners()
				.resolutions()
				.stream()
				.filter(r -> r.ownerId() == null)
				.forEach(r -> notes.add("Follow-up: practitioner " + r.practitioner().displayName() + " ("
						+ r.practitioner().id() + ") has no HubSpot owner; invite them to HubSpot or set"
						+ " HUBSPOT_FALLBACK_OWNER_EMAIL, then run again"));
		}
		long refused = ledger.rejections(runId).stream().filter(r -> r.reason().startsWith("HubSpot refused")).count();
		if (refused > 0) {
			notes.add("Follow-up: " + refused + " record(s) refused by HubSpot (rejected.csv, reason \"HubSpot refused"
					+ " it\"); fix the values or the portal's settings, then run again");
		}
		return notes;
	}

	/**
	 * What the run read but, by design, did not migrate: CSV rows that are not individual
	 * appointments, and records the processors filtered (draft notes when the mapping leaves them
	 * out). Sample runs filter everything outside the sample, which is not worth a note.
	 */
	private List<String> passedOver(String runId, boolean sample) {
		List<String> notes = new ArrayList<>();
		Run stored = runs.find(runId).orElseThrow();
		if (stored.jobExecutionId() == null) {
			return notes;
		}
		JobExecution last = jobRepository.getJobExecution(stored.jobExecutionId());
		Map<String, Long> byStep = new LinkedHashMap<>();
		for (JobExecution execution : jobRepository.getJobExecutions(last.getJobInstance())) {
			for (var step : execution.getStepExecutions()) {
				long over = step.getExecutionContext().getLong("appointments.csv.passedOver", 0L);
				if (over > 0) {
					byStep.merge("csv-appointments", over, Math::max);
				}
				if (!sample && step.getFilterCount() > 0) {
					byStep.merge(step.getStepName(), step.getFilterCount(), Long::sum);
				}
			}
		}
		java.util.Set<String> missing = new java.util.TreeSet<>();
		for (JobExecution execution : jobRepository.getJobExecutions(last.getJobInstance())) {
			for (var step : execution.getStepExecutions()) {
				step.getExecutionContext()
					.entrySet()
					.stream()
					.filter(e -> e.getKey().startsWith("unavailable."))
					.forEach(e -> missing.add(e.getKey().substring("unavailable.".length())));
			}
		}
		missing.addAll(run.patientDetails().unavailable());
		missing.addAll(run.directory().unavailable());
		if (!missing.isEmpty()) {
			notes.add("Cliniko had no " + String.join(", ", missing) + " list for this key (404 or 403): nothing was"
					+ " read from it; check the key's permissions if the clinic uses them");
		}
		byStep.forEach((step, count) -> notes.add(step.equals("csv-appointments")
				? count + " row(s) of the Appointments export are unavailable blocks or group appointments:"
						+ " passed over, as individual appointments are what migrates"
				: count + " " + step + " record(s) left out by the mapping (e.g. draft notes with"
						+ " include_draft_notes: false)"));
		return notes;
	}

	static String rootMessage(Throwable ex) {
		java.util.Optional<String> database = com.clinikobridge.ledger.DatabaseFailure.describe(ex);
		if (database.isPresent()) {
			return database.get(); // the driver's message can quote SQL and bound values
		}
		Throwable t = ex;
		while (t.getCause() != null && t.getCause() != t && !(t instanceof com.clinikobridge.hubspot.PortalSetupException)) {
			t = t.getCause();
		}
		if (t instanceof com.clinikobridge.hubspot.HubSpotException h) {
			return h.withoutValues();
		}
		if (t instanceof com.clinikobridge.hubspot.PortalSetupException) {
			return t.getMessage();
		}
		return t.getClass().getSimpleName() + ": " + t.getMessage();
	}

	static ClinikoClient clinikoClient(BridgeSettings settings, SourceSpec source) {
		if (source.isCsv()) {
			return null;
		}
		if (settings.clinikoApiKey() == null) {
			throw new ConfigurationException("CLINIKO_API_KEY is required for --source=api");
		}
		String baseUrl = settings.clinikoApiUrl();
		if (baseUrl == null) {
			try {
				baseUrl = ClinikoClient.baseUrlForKey(settings.clinikoApiKey());
			}
			catch (IllegalArgumentException ex) {
				throw new ConfigurationException("CLINIKO_API_KEY: " + ex.getMessage());
			}
		}
		if (settings.clinikoUserAgent() == null) {
			throw new ConfigurationException("CLINIKO_USER_AGENT is required for --source=api: set it to 'Your Name"
					+ " (you@example.com)', a contact Cliniko can reach, as Cliniko's API terms ask");
		}
		ClinikoClient client = new ClinikoClient(settings.clinikoApiKey(), baseUrl.replaceAll("/+$", ""),
				settings.clinikoUserAgent(),
				new com.clinikobridge.http.RateLimit(settings.clinikoRequestsPerWindow(), settings.clinikoWindow()),
				settings.retryBudget(), settings.httpTimeout());
		Preflight.cliniko(client, settings, baseUrl);
		return client;
	}

	static HubSpotClient hubspotClient(BridgeSettings settings) {
		if (!settings.hasHubSpotToken()) {
			return null;
		}
		HubSpotClient client = new HubSpotClient(settings.hubspotAccessToken(), settings.hubspotApiUrl(),
				HubSpotPaths.of(settings.hubspotApiVersion()), settings.hubspotRequestsPerWindow(),
				settings.hubspotWindow(), settings.retryBudget(), settings.httpTimeout());
		Preflight.hubspot(client, settings);
		return client;
	}

	/**
	 * The {@code schema} command: prints what the mapping needs in the portal that it lacks,
	 * and with {@code apply} creates it.
	 * @return 0, or 2 when HubSpot is not configured
	 */
	public int schema(boolean apply, String sourceText, Path mappingFile, Map<String, String> overrides,
			PrintStream out) {
		BridgeSettings settings = settingsResolver.resolve(overrides);
		if (!settings.hasHubSpotToken()) {
			throw new ConfigurationException("HUBSPOT_ACCESS_TOKEN is required for schema");
		}
		Mapping mapping = loadMapping(mappingFile);
		Map<String, com.clinikobridge.cliniko.CustomFieldDefinition> customFields = Map.of();
		if (sourceText != null) {
			SourceSpec source = SourceSpec.parse(sourceText);
			if (!source.isCsv()) {
				customFields = com.clinikobridge.cliniko.PatientDetails.load(clinikoClient(settings, source))
					.customFields();
			}
		}
		SchemaSetup setup = new SchemaSetup(hubspotClient(settings));
		var customProperties = com.clinikobridge.mapping.CustomFields.properties(customFields, ledger.customFieldNames());
		var needed = mapping.schema(customProperties);
		List<String> changes = setup.difference(needed, mapping.pipelineLabel(), mapping.pipelineId(),
				mapping.stages());
		if (changes.isEmpty()) {
			out.println("The HubSpot portal has everything the mapping needs.");
			return 0;
		}
		out.println((apply ? "Applying " : "The portal lacks ") + changes.size() + " change(s):");
		changes.forEach(c -> out.println("  " + c));
		if (apply) {
			Map<String, String> names = new java.util.HashMap<>();
			customProperties.forEach((token, spec) -> names.put(token, spec.name()));
			ledger.saveCustomFieldNames(names);
			setup.ensureProperties(needed);
			setup.ensureDealPipeline(mapping.pipelineLabel(), mapping.pipelineId(), mapping.stages());
			out.println("Done.");
		}
		else {
			out.println("Run 'schema --apply' to create what is missing (migrate does it too).");
		}
		return 0;
	}

	/** The {@code plan} command: inventory and proposal, no writes; optionally approved. */
	public void plan(String sourceText, List<String> requestedObjects, Path mappingFile, boolean approve,
			Map<String, String> overrides, PrintStream out) {
		BridgeSettings settings = settingsResolver.resolve(overrides);
		SourceSpec source = SourceSpec.parse(sourceText);
		Mapping mapping = loadMapping(mappingFile);
		Set<String> objects = objects(source, requestedObjects);
		planService.plan(source, objects, mapping, mappingFile, settings, clinikoClient(settings, source),
				hubspotClient(settings), newRunId(Instant.now()), approve, out);
	}

	static String newRunId(Instant at) {
		return RUN_ID_TIME.format(at) + "-" + String.format("%04x", RANDOM.nextInt(0x10000));
	}

	/** Whether a run's job has completed in the job repository (its run row may say otherwise after a crash). */
	boolean jobCompleted(Run stored) {
		if (stored.jobExecutionId() == null) {
			return false;
		}
		JobExecution last = jobRepository.getJobExecution(stored.jobExecutionId());
		return last != null && last.getStatus() == BatchStatus.COMPLETED;
	}

	/** A run by id. */
	public java.util.Optional<Run> find(String runId) {
		return runs.find(runId);
	}

	/** Runs, newest first. */
	public List<Run> runs() {
		return runs.all();
	}
}
