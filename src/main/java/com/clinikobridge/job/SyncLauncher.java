package com.clinikobridge.job;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.clinikobridge.cliniko.ClinikoCsvExports;
import com.clinikobridge.ledger.RunStore;
import com.clinikobridge.ledger.RunStore.Run;
import com.clinikobridge.ledger.SyncStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.support.CronExpression;
import org.springframework.stereotype.Component;

/**
 * The {@code sync} command: one delta run, or with {@code --every=CRON} a long-lived process
 * that runs one on each trigger until SIGTERM. Each run takes the database lock for its Cliniko
 * account and HubSpot portal first (another process holding it: this one says who and exits
 * 1), restarts the last sync of the same source if it did not complete, then starts a new one.
 * A CSV folder's files are skipped when they were ingested before, unless {@code --force}.
 */
@Component
public class SyncLauncher {

	private static final Logger log = LoggerFactory.getLogger(SyncLauncher.class);

	/** Exit code 1 (CLI.md): the sync did not run or did not complete; the next trigger tries again. */
	private static final int FAILED = 1;

	/** The CSV export files a CSV sync ingests, by the object each carries. */
	static final Map<String, String> CSV_FILES = Map.of("patients", "Patients", "appointments", "Appointments",
			"invoices", "Invoices");

	private final RunLauncher launcher;

	private final RunStore runs;

	private final SyncStore store;

	private final SettingsResolver settingsResolver;

	private final GracefulStop stop;

	private final ActiveRun run;

	private final PortalLock lock;

	SyncLauncher(RunLauncher launcher, RunStore runs, SyncStore store, SettingsResolver settingsResolver,
			GracefulStop stop, ActiveRun run, PortalLock lock) {
		this.lock = lock;
		this.launcher = launcher;
		this.runs = runs;
		this.store = store;
		this.settingsResolver = settingsResolver;
		this.stop = stop;
		this.run = run;
	}

	/** What {@code sync} was asked to do ({@code source} null: the API). */
	public record SyncRequest(String source, String since, String every, boolean force, List<String> objects,
			Path mappingFile) {
	}

	/**
	 * Runs {@code sync} once, or on a schedule until stopped.
	 * @return the exit code: as migrate's, and 1 when another sync holds the lock
	 * @throws ConfigurationException for a bad option (exit code 2), before anything starts
	 */
	public int sync(SyncRequest request, Map<String, String> overrides, PrintStream out) throws Exception {
		BridgeSettings settings = settingsResolver.resolve(overrides);
		SourceSpec source = SourceSpec.parse(request.source() == null ? "api" : request.source());
		Instant since = parseSince(request.since());
		if (!settings.hasHubSpotToken()) {
			throw new ConfigurationException("HUBSPOT_ACCESS_TOKEN is required for sync (use migrate --dry-run to"
					+ " preview without writing)");
		}
		if (!runs.migratedOrApproved(source.isCsv())) {
			throw new ConfigurationException("sync: no migration of this " + (source.isCsv() ? "clinic's CSV exports"
					: "Cliniko account") + " has completed, and no plan for it is approved. Migrate first (plan --source="
					+ source.text() + " --approve, then migrate --source=" + source.text() + "), or approve the plan"
					+ " with plan --source=" + source.text() + " --approve if a sync should build the portal.");
		}
		if (request.every() == null) {
			return once(request, source, since, settings, overrides, out).exitCode();
		}
		CronExpression cron;
		try {
			cron = CronExpression.parse(request.every());
		}
		catch (IllegalArgumentException ex) {
			throw new ConfigurationException("--every: '" + request.every() + "' is not a cron expression (six fields:"
					+ " second minute hour day month weekday, e.g. \"0 0 2 * * *\"): " + ex.getMessage());
		}
		int last = 0;
		while (!stop.stopping()) {
			LocalDateTime next = cron.next(LocalDateTime.now());
			if (next == null) {
				break;
			}
			out.println("Next sync at " + next + " (" + ZoneId.systemDefault() + ")");
			long wait = java.time.Duration.between(LocalDateTime.now(), next).toMillis();
			if (!stop.await(Math.max(0, wait))) {
				break;
			}
			last = once(request, source, since, settings, overrides, out).exitCode();
		}
		out.println("Scheduled sync stopped.");
		return last;
	}

	/** {@code restart <run-id>} of a sync run: under the same lock as a sync. */
	public int restart(Run syncRun, Map<String, String> overrides, PrintStream out) throws Exception {
		BridgeSettings settings = settingsResolver.resolve(overrides);
		SourceSpec source = SourceSpec.parse(syncRun.source());
		return locked(source, settings, out, () -> launcher.restart(syncRun.runId(), overrides, out)).exitCode();
	}

	private RunLauncher.Outcome locked(SourceSpec source, BridgeSettings settings, PrintStream out,
			PortalLock.Locked work) throws Exception {
		return lock.locked("sync", settings, out, work);
	}

	private RunLauncher.Outcome once(SyncRequest request, SourceSpec source, Instant since, BridgeSettings settings,
			Map<String, String> overrides, PrintStream out) throws Exception {
		return locked(source, settings, out, () -> {
			String sourceKey = RunLauncher.sourceKey(settings, source);
			Optional<Run> unfinished = runs.all()
				.stream()
				.filter(r -> r.command().equals("sync") && r.source().equals(source.text()))
				.filter(r -> {
					String key = store.sourceKeyOf(r.runId());
					return key == null || key.equals(sourceKey);
				})
				.findFirst()
				.filter(r -> !"COMPLETED".equals(r.status()) && !launcher.jobCompleted(r))
				.filter(r -> runs.actingOn(r.runId(), "rollback").stream().noneMatch(
						rb -> !rb.dryRun() && "COMPLETED".equals(rb.status())));
			if (unfinished.isPresent()) {
				out.println("Sync run " + unfinished.get().runId() + " did not complete (" + unfinished.get().status()
						+ "); restarting it first");
				RunLauncher.Outcome resumed = launcher.restart(unfinished.get().runId(), overrides, out);
				if (resumed.exitCode() == FAILED || stop.stopping()) {
					return resumed;
				}
			}
			List<String> objects = request.objects();
			Map<String, String> files = Map.of();
			if (source.isCsv()) {
				files = exportFiles(source);
				Map<String, String> fresh = new LinkedHashMap<>();
				List<String> freshObjects = new ArrayList<>();
				for (Map.Entry<String, String> f : files.entrySet()) {
					Optional<String> by = store.ingestedBy(f.getKey());
					if (by.isEmpty() || request.force()) {
						fresh.put(f.getKey(), f.getValue());
						CSV_FILES.forEach((object, prefix) -> {
							if (f.getValue().startsWith(prefix)) {
								freshObjects.add(object);
							}
						});
					}
					else {
						out.println(f.getValue() + " was ingested by run " + by.get() + "; skipped (--force ingests it"
								+ " again)");
					}
				}
				if (fresh.isEmpty()) {
					out.println("Nothing new in " + source.csvFolder() + ": every export file was ingested before.");
					return new RunLauncher.Outcome(null, null, 0);
				}
				files = fresh;
				if (objects == null || objects.isEmpty()) {
					objects = freshObjects;
				}
			}
			return launcher.startSync(source, objects, request.mappingFile(), since, files, settings, out);
		});
	}

	/** The export files of a CSV folder: SHA-256 checksum → file name. */
	static Map<String, String> exportFiles(SourceSpec source) {
		ClinikoCsvExports exports = source.csv();
		Map<String, String> files = new LinkedHashMap<>();
		for (String prefix : List.of("Patients", "Appointments", "Invoices")) {
			exports.file(prefix).ifPresent(file -> files.put(checksum(file), file.getFileName().toString()));
		}
		if (files.isEmpty()) {
			throw new ConfigurationException("--source: " + source.csvFolder() + " holds no Cliniko export files"
					+ " (Patients, Appointments or Invoices CSV)");
		}
		return files;
	}

	private static String checksum(Path file) {
		try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
			in.transferTo(java.io.OutputStream.nullOutputStream());
			return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot read " + file.getFileName(), ex);
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** {@code --since}: an ISO-8601 instant, local date-time (UTC) or date (midnight UTC). */
	static Instant parseSince(String since) {
		if (since == null) {
			return null;
		}
		try {
			return Instant.parse(since);
		}
		catch (DateTimeParseException ex) {
			// try the shorter forms
		}
		try {
			return LocalDateTime.parse(since).toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeParseException ex) {
			// try a date
		}
		try {
			return LocalDate.parse(since).atStartOfDay().toInstant(ZoneOffset.UTC);
		}
		catch (DateTimeParseException ex) {
			throw new ConfigurationException("--since: '" + since + "' is not an ISO-8601 date or time (e.g."
					+ " 2026-11-20 or 2026-11-20T18:00:00Z)");
		}
	}


}
