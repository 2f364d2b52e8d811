package com.clinikobridge.cli;

import java.io.PrintStream;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import com.clinikobridge.job.ConfigurationException;
import com.clinikobridge.job.RollbackLauncher;
import com.clinikobridge.job.RunLauncher;
import com.clinikobridge.job.SourceSpec;
import com.clinikobridge.job.SyncLauncher;
import com.clinikobridge.ledger.RunStore.Run;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

import org.springframework.stereotype.Component;

/**
 * Parses a command line (CLI.md) and carries it out. Exit codes: 0 completed, 1 failed or
 * stopped (restartable), 2 usage or configuration error (the message names the option or
 * setting), 3 completed with rejected records.
 */
@Component
public class BridgeCommands {

	public static final int OK = 0;

	public static final int FAILED = 1;

	public static final int USAGE = 2;

	public static final int REJECTED = 3;

	private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BridgeCommands.class);

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'")
		.withZone(ZoneOffset.UTC);

	private final RunLauncher launcher;

	private final RollbackLauncher rollbacks;

	private final SyncLauncher syncs;

	private final com.clinikobridge.job.Purger purger;

	private final com.clinikobridge.job.ReportRegenerator reports;

	public BridgeCommands(RunLauncher launcher, RollbackLauncher rollbacks, SyncLauncher syncs,
			com.clinikobridge.job.Purger purger, com.clinikobridge.job.ReportRegenerator reports) {
		this.reports = reports;
		this.launcher = launcher;
		this.rollbacks = rollbacks;
		this.syncs = syncs;
		this.purger = purger;
	}

	/** The {@code --source} text with the CSV options folded in (SourceSpec keeps them for restarts). */
	private static String source(String source, BridgeCommandLine.CsvOptions csv) {
		return SourceSpec.withCsvOptions(source, csv.files, csv.encoding, csv.dateOrder);
	}

	/** A parsed command line, or the exit code when parsing already settled it (help, usage error). */
	public record Parsed(ParseResult result, Integer exitCode) {
	}

	/** Parses without starting anything, so a bad option fails fast. */
	public static Parsed parse(String[] args, PrintStream out, PrintStream err) {
		CommandLine cli = new CommandLine(new BridgeCommandLine());
		try {
			ParseResult result = cli.parseArgs(args);
			if (CommandLine.printHelpIfRequested(result)) {
				return new Parsed(result, OK);
			}
			if (!result.hasSubcommand()) {
				err.println("A command is required.");
				cli.usage(err);
				return new Parsed(result, USAGE);
			}
			return new Parsed(result, null);
		}
		catch (ParameterException ex) {
			err.println(ex.getMessage());
			err.println("See: cliniko-bridge " + (ex.getCommandLine() == cli ? "" : ex.getCommandLine().getCommandName() + " ")
					+ "--help");
			return new Parsed(null, USAGE);
		}
	}

	/** Parses and runs a command line; {@code overrides} take precedence over the environment. */
	public int execute(String[] args, Map<String, String> overrides, PrintStream out, PrintStream err) {
		Parsed parsed = parse(args, out, err);
		if (parsed.exitCode() != null) {
			return parsed.exitCode();
		}
		// Source values reach the console in notes and messages: without control characters.
		return execute(parsed.result(), overrides, new TerminalSafePrintStream(out), new TerminalSafePrintStream(err));
	}

	int execute(ParseResult result, Map<String, String> overrides, PrintStream out, PrintStream err) {
		ParseResult sub = result.subcommand();
		Object command = sub.commandSpec().userObject();
		try {
			if (command instanceof BridgeCommandLine.Migrate m) {
				if (m.sample != null && m.sample < 1) {
					throw new ConfigurationException("--sample must be a whole number of patients, at least 1");
				}
				return launcher
					.migrate(new RunLauncher.MigrateRequest(source(m.source, m.csv), m.dryRun, m.objects, m.mapping,
							m.sample, m.noApproval, m.reconcile), overrides, out)
					.exitCode();
			}
			if (command instanceof BridgeCommandLine.Plan p) {
				launcher.plan(source(p.source, p.csv), p.objects, p.mapping, p.approve, overrides, out);
				return OK;
			}
			if (command instanceof BridgeCommandLine.Schema sc) {
				return launcher.schema(sc.apply, sc.source == null ? null : source(sc.source, sc.csv), sc.mapping,
						overrides, out);
			}
			if (command instanceof BridgeCommandLine.Restart r) {
				java.util.Optional<Run> stored = launcher.find(r.runId);
				if (stored.isPresent() && stored.get().command().equals("rollback")) {
					return rollbacks.restart(stored.get(), overrides, out).exitCode();
				}
				if (stored.isPresent() && stored.get().command().equals("sync")) {
					return syncs.restart(stored.get(), overrides, out);
				}
				return launcher.restart(r.runId, overrides, out).exitCode();
			}
			if (command instanceof BridgeCommandLine.Sync sy) {
				return syncs.sync(new SyncLauncher.SyncRequest(source(sy.source, sy.csv), sy.since, sy.every, sy.force,
						sy.objects, sy.mapping), overrides, out);
			}
			if (command instanceof BridgeCommandLine.Rollback rb) {
				return rollbacks.rollback(new RollbackLauncher.RollbackRequest(rb.runId, rb.dryRun, rb.includeSchema,
						rb.force), overrides, out).exitCode();
			}
			if (command instanceof BridgeCommandLine.Reconcile rc) {
				if (rc.repair) {
					if (rc.sample != null) {
						throw new ConfigurationException("--sample and --repair do not go together: a repair checks"
								+ " every record");
					}
					return launcher.repair(rc.runId, overrides, out).exitCode();
				}
				return launcher.reconcile(rc.runId, rc.sample, overrides, out).exitCode();
			}
			if (command instanceof BridgeCommandLine.Report rp) {
				reports.regenerate(rp.runId, overrides, out);
				return OK;
			}
			if (command instanceof BridgeCommandLine.Purge pg) {
				purger.purge(pg.runId, pg.before, overrides, out);
				return OK;
			}
			if (command instanceof BridgeCommandLine.Status) {
				for (Run run : launcher.runs()) {
					out.printf("%s  %-9s %-9s %-8s %s%s  %s%n", run.runId(), run.command(), run.status(),
							run.exitCode() == null ? "-" : "exit " + run.exitCode(), TIME.format(run.startedAt()),
							run.dryRun() ? "  dry-run" : "", run.source());
				}
				return OK;
			}
			err.println("'" + sub.commandSpec().name() + "' is not available in this version of cliniko-bridge.");
			return USAGE;
		}
		catch (ConfigurationException ex) {
			err.println("Configuration error: " + ex.getMessage());
			return USAGE;
		}
		catch (com.clinikobridge.hubspot.HubSpotException ex) {
			err.println(ex.withoutValues());
			return FAILED;
		}
		catch (com.clinikobridge.http.ApiUnavailableException ex) {
			err.println(ex.getMessage());
			return FAILED;
		}
		catch (com.clinikobridge.job.ReportNotWrittenException ex) {
			err.println(ex.getMessage());
			return FAILED;
		}
		catch (Exception ex) {
			java.util.Optional<String> database = com.clinikobridge.ledger.DatabaseFailure.describe(ex);
			if (database.isPresent()) {
				// The driver's message can quote SQL and bound values: the log file only.
				log.debug("Database failure", ex);
				err.println("The run stopped: " + database.get() + ". When the database is back, `status` lists the"
						+ " run and `restart <run-id>` resumes it where it stopped.");
				return FAILED;
			}
			err.println("The run failed: " + ex.getMessage());
			return FAILED;
		}
	}
}
