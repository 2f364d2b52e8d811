package com.clinikobridge.job;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import com.clinikobridge.hubspot.HubSpotClient;
import com.clinikobridge.ledger.Ledger;
import com.clinikobridge.ledger.Ledger.UndoCounts;
import com.clinikobridge.ledger.RunStore;
import com.clinikobridge.ledger.RunStore.Run;
import com.clinikobridge.ledger.WriteProofs;
import com.clinikobridge.ledger.WriteProofs.Kept;
import com.clinikobridge.report.RollbackReport;
import com.clinikobridge.mapping.MappingFile;
import com.clinikobridge.report.ReportWriter;
import com.clinikobridge.report.RunSummary;
import com.clinikobridge.report.RunSummary.HttpCounts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;

/**
 * The {@code rollback <run-id>} command: checks that the run can be undone (it wrote to HubSpot,
 * no later run has written the same records unless {@code --force}), lists what would be done
 * ({@code --dry-run}), or starts the rollback job, or resumes an unfinished rollback of the same
 * run. A run already rolled back is a no-op. Exit codes as for migrate: 0 done, 1 stopped
 * (run it again to resume), 2 refused or misused, 3 done but HubSpot refused some restores.
 */
@Component
public class RollbackLauncher {

	private static final Logger log = LoggerFactory.getLogger(RollbackLauncher.class);

	/** What rollback cannot undo in a real portal; printed with every rollback and migrate report. */
	public static final List<String> CANNOT_UNDO = List.of(
			"Rollback cannot undo side effects in HubSpot: workflows, sequences, emails or notifications that the"
					+ " run's creates and updates triggered, integrations that copied the records elsewhere, and"
					+ " property history (HubSpot keeps the run's values in each property's history).",
			"Archived records stay in HubSpot's recycle bin for 90 days and can be restored there. Changes people"
					+ " made in HubSpot to the run's records after the run are kept (and listed), unless --force"
					+ " archives records edited after the run.");

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final Job rollbackJob;

	private final ActiveRun run;

	private final Ledger ledger;

	private final RunStore runs;

	private final SettingsResolver settingsResolver;

	private final com.clinikobridge.ledger.SyncStore syncStore;

	private final WriteProofs proofs;

	private final PortalLock lock;

	private final com.clinikobridge.ledger.PersonalData personalData;

	RollbackLauncher(JobOperator jobOperator, JobRepository jobRepository, Job rollbackJob, ActiveRun run,
			Ledger ledger, RunStore runs, SettingsResolver settingsResolver, com.clinikobridge.ledger.SyncStore syncStore,
			WriteProofs proofs, PortalLock lock, com.clinikobridge.ledger.PersonalData personalData) {
		this.personalData = personalData;
		this.lock = lock;
		this.proofs = proofs;
		this.syncStore = syncStore;
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.rollbackJob = rollbackJob;
		this.run = run;
		this.ledger = ledger;
		this.runs = runs;
		this.settingsResolver = settingsResolver;
	}

	/** What {@code rollback} was asked to do. */
	public record RollbackRequest(String targetRunId, boolean dryRun, boolean includeSchema, boolean force) {
	}

	/**
	 * Rolls back a run, lists what would be done, or resumes an unfinished rollback of it.
	 * @throws ConfigurationException when the run is unknown, cannot be rolled back, or later
	 * runs wrote its records and {@code force} is not set (exit code 2)
	 */
	public RunLauncher.Outcome rollback(RollbackRequest request, Map<String, String> overrides, PrintStream out)
			throws Exception {
		BridgeSettings settings = settingsResolver.resolve(overrides);
		if (request.dryRun() || !settings.hasHubSpotToken()) {
			return rollback(request, settings, out);
		}
		return lock.locked("rollback", settings, out, () -> rollback(request, settings, out));
	}

	private RunLauncher.Outcome rollback(RollbackRequest request, BridgeSettings settings, PrintStream out)
			throws Exception {
		String targetId = request.targetRunId();
		Run target = runs.find(targetId)
			.orElseThrow(() -> new ConfigurationException("rollback: there is no run '" + targetId + "' (see status)"));
		if (!RunLauncher.WRITING.contains(target.command())) {
			throw new ConfigurationException("rollback: run '" + targetId + "' is a " + target.command()
					+ " run; only migrate, sync and repair runs write to HubSpot");
		}
		if (personalData.purged(targetId)) {
			throw new ConfigurationException("rollback: run '" + targetId + "' was purged: its before-images and write"
					+ " proofs are gone, so it cannot be undone; nothing was changed");
		}
		if (target.dryRun()) {
			out.println("Run " + targetId + " was a dry run and wrote nothing to HubSpot: nothing to roll back.");
			return new RunLauncher.Outcome(targetId, null, 0);
		}
		if ("STARTED".equals(target.status()) && !request.force()) {
			throw new ConfigurationException("rollback: run '" + targetId + "' has not ended (STARTED). If its process"
					+ " was killed, restart it or pass --force to roll back what it wrote so far.");
		}
		Optional<Run> previous = runs.actingOn(targetId, "rollback").stream().filter(r -> !r.dryRun()).findFirst();
		UndoCounts left = ledger.undoLeft(targetId);
		if (previous.isPresent() && "COMPLETED".equals(previous.get().status())
				&& left.total() - (request.includeSchema() ? 0 : left.schema()) == 0) {
			out.println("Run " + targetId + " was already rolled back by " + previous.get().runId()
					+ ": nothing to do.");
			return new RunLauncher.Outcome(previous.get().runId(), null, 0);
		}
		if (ledger.wroteWithoutImages(targetId)) {
			throw new ConfigurationException("rollback: run '" + targetId + "' wrote records but kept no before-images"
					+ " (it ran before this version kept them), so it cannot be undone exactly; nothing was changed");
		}
		Map<String, Map<String, Long>> later = ledger.laterWrites(targetId);
		if (!later.isEmpty() && !request.force()) {
			throw new ConfigurationException(refusal(targetId, later));
		}
		if (!settings.hasHubSpotToken()) {
			throw new ConfigurationException("HUBSPOT_ACCESS_TOKEN is required for rollback");
		}
		if (request.dryRun()) {
			return listPlan(target, request, settings, later, out);
		}
		HubSpotClient hubspot = RunLauncher.hubspotClient(settings);
		if (previous.isPresent() && !"COMPLETED".equals(previous.get().status())
				&& previous.get().jobExecutionId() != null) {
			return resume(previous.get(), settings, hubspot, out);
		}
		Instant startedAt = Instant.now();
		String runId = RunLauncher.newRunId(startedAt);
		Path folder = ReportWriter.runFolder(settings.reportDir(), runId);
		runs.create(runId, "rollback", "run:" + targetId, false, startedAt, targetId);
		lock.naming(runId);
		beginRun(runId, startedAt, settings, hubspot, targetId);
		UndoCounts todo = ledger.undoLeft(targetId);
		out.println("Rollback " + runId + " of run " + targetId + " started: " + todo.associations()
				+ " association(s) to remove, " + todo.restores() + " record(s) to restore, " + todo.archives()
				+ " record(s) to archive" + (request.includeSchema() ? ", " + todo.schema() + " schema object(s)" : "")
				+ "; reports in " + folder);
		if (!later.isEmpty()) {
			out.println("--force: overwriting what later runs wrote to " + later.keySet().size() + " run(s)' records");
		}
		JobExecution execution = jobOperator.start(rollbackJob, new JobParametersBuilder().addString("runId", runId)
			.addString("target", targetId, false)
			.addString("includeSchema", Boolean.toString(request.includeSchema()), false)
			.addString("force", Boolean.toString(request.force()), false)
			.toJobParameters());
		return finish(runId, execution, folder, out);
	}

	/** {@code restart <run-id>} of a rollback run, or a second {@code rollback} of a run whose rollback stopped. */
	RunLauncher.Outcome resume(Run rollbackRun, BridgeSettings settings, HubSpotClient hubspot, PrintStream out)
			throws Exception {
		JobExecution last = jobRepository.getJobExecution(rollbackRun.jobExecutionId());
		if (last.getStatus() == BatchStatus.COMPLETED) {
			throw new ConfigurationException("restart: run '" + rollbackRun.runId() + "' has completed; nothing to resume");
		}
		if (last.getStatus().isRunning()) {
			last = jobOperator.recover(last);
		}
		lock.naming(rollbackRun.runId());
		beginRun(rollbackRun.runId(), rollbackRun.startedAt(), settings, hubspot, rollbackRun.targetRunId());
		out.println("Rollback " + rollbackRun.runId() + " of run " + rollbackRun.targetRunId()
				+ " resuming where it stopped");
		JobExecution execution = jobOperator.restart(last);
		return finish(rollbackRun.runId(), execution, ReportWriter.runFolder(settings.reportDir(), rollbackRun.runId()),
				out);
	}

	/** {@code restart <run-id>} for a rollback run. */
	public RunLauncher.Outcome restart(Run rollbackRun, Map<String, String> overrides, PrintStream out)
			throws Exception {
		BridgeSettings settings = settingsResolver.resolve(overrides);
		if (!settings.hasHubSpotToken()) {
			throw new ConfigurationException("HUBSPOT_ACCESS_TOKEN is required for rollback");
		}
		return lock.locked("restart", settings, out,
				() -> resume(rollbackRun, settings, RunLauncher.hubspotClient(settings), out));
	}

	private void beginRun(String runId, Instant startedAt, BridgeSettings settings, HubSpotClient hubspot,
			String targetId) {
		run.begin(runId, false, startedAt, null, settings, MappingFile.defaults(), Set.of(), null, hubspot);
		run.targetRunId(targetId);
	}

	private String refusal(String targetId, Map<String, Map<String, Long>> later) {
		StringBuilder b = new StringBuilder("rollback: later runs wrote or rely on records that run " + targetId
				+ " wrote (a full migration relies on its sample's records); rolling it back now would overwrite"
				+ " their values with those from before " + targetId + " and archive records they use:");
		later.forEach((runId, objects) -> {
			String command = runs.find(runId).map(Run::command).orElse("run");
			b.append("\n  ").append(runId).append(" (").append(command).append("): ")
				.append(objects.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
					.collect(Collectors.joining(", ")));
		});
		b.append("\nRoll those back first (rollback <run-id>, newest first), or pass --force to roll back ")
			.append(targetId).append(" anyway.");
		return b.toString();
	}

	/**
	 * {@code --dry-run}: reads what HubSpot holds now for every record the rollback would touch
	 * (RollbackChecks, the same decisions the rollback makes), writes rollback-plan.csv (one row
	 * per action, kept records and values included) and report.html, and prints the totals.
	 */
	private RunLauncher.Outcome listPlan(Run target, RollbackRequest request, BridgeSettings settings,
			Map<String, Map<String, Long>> later, PrintStream out) {
		Instant startedAt = Instant.now();
		String runId = RunLauncher.newRunId(startedAt);
		Path folder = ReportWriter.runFolder(settings.reportDir(), runId);
		runs.create(runId, "rollback", "run:" + target.runId(), true, startedAt, target.runId());
		lock.naming(runId);
		RollbackChecks checks = new RollbackChecks(RunLauncher.hubspotClient(settings), proofs, target.runId());
		List<String[]> rows = new ArrayList<>();
		Map<String, Long> totals = new LinkedHashMap<>();
		Map<String, Map<String, Long>> done = new LinkedHashMap<>();
		List<Kept> kept = new ArrayList<>();
		pages((before, limit) -> ledger.associationsToRemove(target.runId(), before, limit),
				Ledger.AddedAssociation::associationId, 1000, added -> added.forEach(a -> {
					rows.add(new String[] { a.labelOnly() ? "remove association type" : "remove association",
							a.fromType() + " → " + a.toType(), "", a.fromId(), "to " + a.toId() + " (type " + a.typeId() + ")" });
					totals.merge("associations to remove", 1L, Long::sum);
					count(done, "associationsRemoved", a.fromType());
				}));
		pages((before, limit) -> ledger.imagesToRestore(target.runId(), before, limit), Ledger.BeforeImage::imageId,
				100, images -> {
					RollbackChecks.Restores restores = checks.restores(images);
					kept.addAll(restores.kept());
					for (Ledger.BeforeImage i : images) {
						Map<String, String> values = restores.values().getOrDefault(hubspotType(i.objectType()), Map.of())
							.get(i.hubspotId());
						if (values != null) {
							rows.add(new String[] { "restore", i.objectType(), i.clinikoId(), i.hubspotId(),
									String.join(" ", values.keySet()) });
							totals.merge(i.objectType() + " to restore", 1L, Long::sum);
							count(done, "recordsRestored", i.objectType());
						}
					}
				});
		pages((before, limit) -> proofs.createdToArchive(target.runId(), before, limit),
				WriteProofs.ProvenWrite::writeId, 100, records -> {
					RollbackChecks.Archives archives = checks.archives(records, request.force());
					kept.addAll(archives.kept());
					archives.ids().forEach((type, ids) -> ids.forEach(id -> {
						WriteProofs.ProvenWrite r = archives.archived().stream().filter(w -> w.hubspotId().equals(id))
							.findFirst().orElseThrow();
						rows.add(new String[] { "archive", r.objectType(), r.clinikoId(), id, "" });
						totals.merge(r.objectType() + " to archive", 1L, Long::sum);
						count(done, "recordsArchived", r.objectType());
					}));
				});
		kept.addAll(proofs.unproven(target.runId()));
		for (Kept k : kept) {
			rows.add(new String[] { k.property() == null ? "keep" : "keep value", k.objectType(), nz(k.clinikoId()),
					nz(k.hubspotId()), (k.property() == null ? "" : k.property() + ": ") + k.reason() });
			totals.merge(k.objectType() + (k.property() == null ? " to keep" : " value(s) to keep"), 1L, Long::sum);
		}
		if (request.includeSchema()) {
			ledger.schemaToRemove(target.runId()).forEach(c -> {
				rows.add(new String[] { "remove " + c.kind() + " if empty", c.objectType(), "", "", c.name() });
				totals.merge("schema objects to remove if empty", 1L, Long::sum);
			});
		}
		Instant ended = Instant.now();
		RunSummary summary = new RunSummary(runId, "rollback", "COMPLETED", "run:" + target.runId(), true, startedAt,
				ended, ended.toEpochMilli() - startedAt.toEpochMilli(), Map.of(), Map.of());
		List<String> notes = new ArrayList<>(reliedOnNotes(target.runId()));
		if (!later.isEmpty()) {
			notes.add("--force: it would also overwrite what later runs wrote to the same records");
		}
		notes.addAll(CANNOT_UNDO);
		try {
			ReportWriter.csv(folder.resolve("rollback-plan.csv"),
					new String[] { "action", "object", "cliniko_id", "hubspot_id", "detail" }, rows);
			writeHtml(folder, summary, target.runId(), done, kept, notes);
			ReportWriter.summary(folder, summary, Map.of("targetRunId", target.runId(), "rollback", totals));
		}
		catch (ReportWriter.ReportWriteException ex) {
			throw ReportNotWrittenException.markFailed(runs, runId, ended, ex);
		}
		runs.ended(runId, "COMPLETED", 0, ended);
		out.println("Dry run: rolling back run " + target.runId() + " would:");
		if (totals.isEmpty()) {
			out.println("  do nothing (everything it wrote has been undone)");
		}
		totals.forEach((what, n) -> out.println("  " + n + " " + what));
		notes.subList(0, notes.size() - CANNOT_UNDO.size()).forEach(n -> out.println("  " + n));
		out.println("Each action is listed in " + folder.resolve("rollback-plan.csv") + " and " + folder.resolve("report.html"));
		return new RunLauncher.Outcome(runId, summary, 0);
	}

	private static void count(Map<String, Map<String, Long>> done, String action, String object) {
		done.computeIfAbsent(action, k -> new java.util.TreeMap<>()).merge(object, 1L, Long::sum);
	}

	private static String nz(String s) {
		return s == null ? "" : s;
	}

	/** "contacts (Cliniko patients)" for a Cliniko object; HubSpot types and schema kinds as they are. */
	private static String hubspotName(String object) {
		return com.clinikobridge.mapping.ObjectMapping.byName(object)
			.map(m -> m.hubspotType() + " (Cliniko " + object.replace('_', ' ') + ")")
			.orElse(object);
	}

	private static String hubspotType(String clinikoObject) {
		return com.clinikobridge.mapping.ObjectMapping.byName(clinikoObject).orElseThrow().hubspotType();
	}

	/** Earlier runs whose records the target run relied on and that are still in HubSpot. */
	private List<String> reliedOnNotes(String targetId) {
		List<String> notes = new ArrayList<>();
		proofs.reliedOn(targetId).forEach((runId, n) -> notes.add("Run " + runId + " (" + runs.find(runId)
			.map(Run::command).orElse("run") + ") created " + n + " record(s) that run " + targetId + " relied on;"
				+ " rolling back " + targetId + " leaves them. To remove them too: rollback " + runId));
		return notes;
	}

	private void writeHtml(Path folder, RunSummary summary, String targetId, Map<String, Map<String, Long>> done,
			List<Kept> kept, List<String> notes) {
		List<RollbackReport.KeptRow> rows = kept.stream()
			.map(k -> new RollbackReport.KeptRow(hubspotName(k.objectType()), k.clinikoId(), k.hubspotId(), k.property(),
					k.reason()))
			.toList();
		Map<String, Map<String, Long>> inHubSpotTerms = new LinkedHashMap<>();
		done.forEach((action, counts) -> {
			Map<String, Long> byType = new java.util.TreeMap<>();
			// records are counted by Cliniko object, associations by HubSpot type, schema by kind
			counts.forEach((object, n) -> byType.merge(action.startsWith("records") ? hubspotName(object) : object, n,
					Long::sum));
			inHubSpotTerms.put(action, byType);
		});
		ReportWriter.write(folder.resolve("report.html"),
				new RollbackReport(summary, targetId, inHubSpotTerms, rows, notes).html());
	}

	/** Every row of a ledger query, a page of {@code size} rows at a time, newest first. */
	private static <T> void pages(LedgerPageReader.Page<T> page, java.util.function.ToLongFunction<T> id, int size,
			java.util.function.Consumer<List<T>> each) {
		long before = Long.MAX_VALUE;
		while (true) {
			List<T> rows = page.fetch(before, size);
			if (!rows.isEmpty()) {
				each.accept(rows);
			}
			if (rows.size() < size) {
				return;
			}
			before = id.applyAsLong(rows.get(rows.size() - 1));
		}
	}

	private RunLauncher.Outcome finish(String runId, JobExecution execution, Path folder, PrintStream out) {
		Run stored = runs.find(runId).orElseThrow();
		Instant ended = Instant.now();
		String status = RunExecutionListener.runStatus(execution);
		List<Ledger.Rejected> refused = ledger.rejections(runId);
		int exitCode = !status.equals("COMPLETED") ? 1 : refused.isEmpty() ? 0 : 3;
		Map<String, HttpCounts> http = Map.of("hubspot", new HttpCounts(run.hubspot().stats().requests(),
				run.hubspot().stats().throttled(), run.hubspot().stats().retried()));
		RunSummary summary = new RunSummary(runId, "rollback", status, stored.source(), false, stored.startedAt(),
				ended, ended.toEpochMilli() - stored.startedAt().toEpochMilli(), Map.of(), http);
		Map<String, Map<String, Long>> done = ledger.undoneBy(runId);
		List<String> notes = new ArrayList<>();
		try {
			writeFinishedReports(runId, stored, execution, folder, summary, done, refused, notes);
		}
		catch (ReportWriter.ReportWriteException ex) {
			throw ReportNotWrittenException.markFailed(runs, runId, ended, ex);
		}
		runs.ended(runId, status, exitCode, ended);
		if (status.equals("COMPLETED")) {
			// The next sync reads the rolled-back run's changes again (e.g. after the mapping is fixed).
			syncStore.rewindMarks(stored.targetRunId());
		}
		out.print(ReportWriter.text(summary, notes));
		log.info("Rollback {} of run {} {} (exit code {})", runId, stored.targetRunId(), status, exitCode);
		return new RunLauncher.Outcome(runId, summary, exitCode);
	}

	/**
	 * Writes a finished rollback's report files (rejected.csv, rollback-kept.csv, report.html,
	 * report.txt, then summary.json) and fills {@code notes} with the report's notes.
	 * @throws ReportWriter.ReportWriteException naming the file that could not be written
	 */
	private void writeFinishedReports(String runId, Run stored, JobExecution execution, Path folder,
			RunSummary summary, Map<String, Map<String, Long>> done, List<Ledger.Rejected> refused,
			List<String> notes) {
		String status = summary.status();
		ReportWriter.rejected(folder, refused);
		done.forEach((what, counts) -> notes.add(what + ": "
				+ (counts.isEmpty() ? "none" : counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
					.collect(Collectors.joining(", ")))));
		notes.addAll(run.notes());
		List<Kept> kept = new ArrayList<>(proofs.keptBy(runId));
		if (status.equals("COMPLETED")) {
			kept.addAll(proofs.unproven(stored.targetRunId()));
			notes.addAll(reliedOnNotes(stored.targetRunId()));
		}
		if (!kept.isEmpty()) {
			notes.add(kept.size() + " record(s) or value(s) kept in HubSpot, each with the reason, in report.html and"
					+ " rollback-kept.csv");
			ReportWriter.csv(folder.resolve("rollback-kept.csv"),
					new String[] { "object", "cliniko_id", "hubspot_id", "property", "reason" },
					kept.stream().map(k -> new String[] { k.objectType(), nz(k.clinikoId()), nz(k.hubspotId()),
							nz(k.property()), k.reason() }).toList());
		}
		if (!refused.isEmpty()) {
			notes.add(refused.size() + " restore(s) refused by HubSpot, with reasons in rejected.csv");
		}
		if (!status.equals("COMPLETED")) {
			execution.getAllFailureExceptions().stream().findFirst()
				.ifPresent(ex -> notes.add("Stopped by: " + RunLauncher.rootMessage(ex)));
			notes.add("Resume with: rollback " + stored.targetRunId() + " (or restart " + runId + ")");
		}
		notes.addAll(CANNOT_UNDO);
		// the page shows the counts in its own table: its notes start after them
		writeHtml(folder, summary, stored.targetRunId(), done, kept, notes.subList(done.size(), notes.size()));
		ReportWriter.write(folder.resolve("report.txt"), ReportWriter.text(summary, notes));
		ReportWriter.summary(folder, summary, Map.of("targetRunId", stored.targetRunId(), "rollback", done));
	}
}
