package com.clinikobridge.job;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.clinikobridge.ledger.PersonalData;
import com.clinikobridge.ledger.RunStore;
import com.clinikobridge.ledger.RunStore.Run;

import org.springframework.stereotype.Component;

/**
 * {@code purge <run-id>} and {@code purge --before=DATE}: removes runs' report folders and the
 * job repository's personal values ({@link PersonalData}), keeping the counts. A purged run can
 * no longer be rolled back. Runs that have not ended are left alone.
 */
@Component
public class Purger {

	private final RunStore runs;

	private final PersonalData personal;

	private final SettingsResolver settingsResolver;

	public Purger(RunStore runs, PersonalData personal, SettingsResolver settingsResolver) {
		this.runs = runs;
		this.personal = personal;
		this.settingsResolver = settingsResolver;
	}

	/**
	 * Purges one run, or every ended run that started before a date.
	 * @param runId a run id, or null with {@code before}
	 * @param before {@code yyyy-MM-dd} (UTC midnight) or an ISO-8601 instant, or null with {@code runId}
	 * @return how many runs were purged
	 * @throws ConfigurationException when neither or both are given, the date is not one, the run is
	 * unknown or has not ended (exit code 2)
	 */
	public int purge(String runId, String before, Map<String, String> overrides, PrintStream out) {
		if ((runId == null) == (before == null)) {
			throw new ConfigurationException("purge takes a run id or --before=DATE (one of them)");
		}
		Path reportDir = settingsResolver.resolve(overrides).reportDir();
		List<Run> chosen;
		if (runId != null) {
			Run run = runs.find(runId)
				.orElseThrow(() -> new ConfigurationException("purge: there is no run '" + runId + "' (see status)"));
			if ("STARTED".equals(run.status())) {
				throw new ConfigurationException("purge: run '" + runId + "' has not ended (STARTED); restart or"
						+ " let it end first");
			}
			chosen = List.of(run);
		}
		else {
			Instant limit = instant(before);
			chosen = runs.all().stream()
				.filter(r -> r.startedAt().isBefore(limit) && !"STARTED".equals(r.status()))
				.toList();
		}
		for (Run run : chosen) {
			PersonalData.Cleared cleared = personal.purge(run.runId(), Instant.now());
			boolean removed = removeFolder(reportDir.resolve(run.runId()));
			out.println("Purged run " + run.runId() + ": " + (removed ? "report folder removed, " : "")
					+ cleared.beforeImages() + " before-image(s), " + cleared.writeProofs() + " write proof(s), "
					+ cleared.rejections() + " rejection(s) and " + cleared.mismatches()
					+ " mismatch(es) cleared; counts kept. It can no longer be rolled back.");
		}
		if (chosen.isEmpty()) {
			out.println("No ended run started before " + before + ": nothing purged.");
		}
		return chosen.size();
	}

	/** {@code yyyy-MM-dd} as UTC midnight, or an ISO-8601 instant. */
	static Instant instant(String date) {
		try {
			return date.length() == 10 ? LocalDate.parse(date).atStartOfDay(ZoneOffset.UTC).toInstant()
					: Instant.parse(date);
		}
		catch (DateTimeParseException ex) {
			throw new ConfigurationException("--before must be a date (2026-11-30) or an instant"
					+ " (2026-11-30T18:00:00Z), not '" + date + "'");
		}
	}

	private static boolean removeFolder(Path folder) {
		if (!Files.isDirectory(folder)) {
			return false;
		}
		try (Stream<Path> paths = Files.walk(folder)) {
			for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
				Files.delete(p);
			}
			return true;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot remove the report folder " + folder, ex);
		}
	}
}
