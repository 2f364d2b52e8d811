package com.clinikobridge.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The command-line grammar of CLI.md, parsed by picocli. These classes only hold options;
 * {@link BridgeCommands} carries the commands out.
 */
@Command(name = "cliniko-bridge", mixinStandardHelpOptions = true, version = "cliniko-bridge 0.1",
		description = "Moves a clinic's data from Cliniko into HubSpot CRM, restartable and idempotent.",
		subcommands = { BridgeCommandLine.Migrate.class, BridgeCommandLine.Restart.class,
				BridgeCommandLine.Status.class, BridgeCommandLine.Plan.class, BridgeCommandLine.Schema.class,
				BridgeCommandLine.Sync.class, BridgeCommandLine.Rollback.class, BridgeCommandLine.Reconcile.class,
				BridgeCommandLine.Purge.class, BridgeCommandLine.Report.class })
final class BridgeCommandLine {

	@Command(name = "migrate", mixinStandardHelpOptions = true,
			description = "Run the main job: Cliniko (API or CSV exports) → HubSpot.")
	static final class Migrate {

		@Option(names = "--source", required = true, paramLabel = "<api | csv:DIR>",
				description = "api (Cliniko REST API) or csv:DIR (a folder of Cliniko CSV exports)")
		String source;

		@Mixin
		CsvOptions csv = new CsvOptions();

		@Option(names = "--dry-run", description = "Write nothing to HubSpot; report what would be written.")
		boolean dryRun;

		@Option(names = "--sample", paramLabel = "N",
				description = "Migrate a representative sample of N patients with their related records, then read"
						+ " them back and write a field-level diff (diff.html, diff.csv).")
		Integer sample;

		@Option(names = "--objects", split = ",", paramLabel = "a,b,...",
				description = "Only these objects: contacts, products, patients, appointments, treatment_notes,"
						+ " invoices, invoice_items (dependencies must be selected or already migrated).")
		java.util.List<String> objects;

		@Option(names = "--mapping", paramLabel = "FILE",
				description = "Mapping file (default: jobs/cliniko-to-hubspot.yml).")
		java.nio.file.Path mapping;

		@Option(names = "--no-approval",
				description = "Start a full migration without an approved plan (for scheduled jobs).")
		boolean noApproval;

		@Option(names = "--reconcile",
				description = "When the run completes, reconcile it (as the reconcile command) and add the result to"
						+ " its report; exit 3 if they do not agree.")
		boolean reconcile;
	}

	@Command(name = "restart", mixinStandardHelpOptions = true,
			description = "Resume a failed or stopped run after its last committed chunk.")
	static final class Restart {

		@Parameters(index = "0", paramLabel = "<run-id>", description = "the run to resume (see status)")
		String runId;
	}

	@Command(name = "status", mixinStandardHelpOptions = true, description = "List runs, newest first.")
	static final class Status {

	}

	@Command(name = "plan", mixinStandardHelpOptions = true,
			description = "Inventory and migration plan (plan.json, plan.html); --approve records its approval.")
	static final class Plan {

		@Option(names = "--source", required = true, paramLabel = "<api | csv:DIR>",
				description = "api (Cliniko REST API) or csv:DIR (a folder of Cliniko CSV exports)")
		String source;

		@Mixin
		CsvOptions csv = new CsvOptions();

		@Option(names = "--approve", description = "Approve this plan, so that a full migrate may start.")
		boolean approve;

		@Option(names = "--objects", split = ",", paramLabel = "a,b,...", description = "Only these objects.")
		java.util.List<String> objects;

		@Option(names = "--mapping", paramLabel = "FILE",
				description = "Mapping file (default: jobs/cliniko-to-hubspot.yml).")
		java.nio.file.Path mapping;
	}

	@Command(name = "schema", mixinStandardHelpOptions = true,
			description = "Show what the mapping needs in the HubSpot portal and what is missing; --apply creates it.")
	static final class Schema {

		@Option(names = "--apply", description = "Create what is missing (idempotent).")
		boolean apply;

		@Option(names = "--source", paramLabel = "<api | csv:DIR>",
				description = "api: include the patient custom fields of the Cliniko account.")
		String source;

		@Mixin
		CsvOptions csv = new CsvOptions();

		@Option(names = "--mapping", paramLabel = "FILE",
				description = "Mapping file (default: jobs/cliniko-to-hubspot.yml).")
		java.nio.file.Path mapping;
	}

	@Command(name = "sync", mixinStandardHelpOptions = true,
			description = "Pick up what changed in Cliniko since the last successful run and write only what changed"
					+ " in HubSpot. One sync at a time per Cliniko account and HubSpot portal; an unfinished sync is"
					+ " restarted first.")
	static final class Sync {

		@Option(names = "--source", paramLabel = "<api | csv:DIR>", defaultValue = "api",
				description = "api (default: records changed since each object's mark) or csv:DIR (a later export"
						+ " folder; files ingested before are skipped)")
		String source;

		@Mixin
		CsvOptions csv = new CsvOptions();

		@Option(names = "--since", paramLabel = "ISO-8601",
				description = "Read changes since this time instead of the last successful run (e.g. 2026-11-20T18:00:00Z).")
		String since;

		@Option(names = "--every", paramLabel = "CRON",
				description = "Keep running, one sync per trigger (Spring cron, six fields, e.g. \"0 0 2 * * *\"),"
						+ " until SIGTERM.")
		String every;

		@Option(names = "--force", description = "Ingest CSV export files again even though they were ingested before.")
		boolean force;

		@Option(names = "--objects", split = ",", paramLabel = "a,b,...", description = "Only these objects.")
		java.util.List<String> objects;

		@Option(names = "--mapping", paramLabel = "FILE",
				description = "Mapping file (default: jobs/cliniko-to-hubspot.yml).")
		java.nio.file.Path mapping;
	}

	@Command(name = "rollback", mixinStandardHelpOptions = true,
			description = "Undo in HubSpot what a run did: remove the associations it added, restore the records it"
					+ " updated to their before-images, archive the records it created. Run it again to resume.")
	static final class Rollback {

		@Parameters(index = "0", paramLabel = "<run-id>", description = "the migrate or sync run to undo (see status)")
		String runId;

		@Option(names = "--dry-run", description = "List what would be done (rollback-plan.csv); change nothing.")
		boolean dryRun;

		@Option(names = "--include-schema",
				description = "Also delete the properties, groups and pipeline the run created, when no record uses them.")
		boolean includeSchema;

		@Option(names = "--force",
				description = "Roll back even though later runs wrote the same records (their changes are overwritten).")
		boolean force;
	}

	@Command(name = "purge", mixinStandardHelpOptions = true,
			description = "Remove runs' reports and the job repository's personal values (before-images, write"
					+ " proofs, rejection reasons, mismatch values), keeping the counts. A purged run cannot be"
					+ " rolled back.")
	static final class Purge {

		@Parameters(index = "0", arity = "0..1", paramLabel = "<run-id>", description = "the run to purge (see status)")
		String runId;

		@Option(names = "--before", paramLabel = "DATE",
				description = "Purge every ended run started before this date (2026-11-30, UTC) or instant.")
		String before;
	}

	@Command(name = "report", mixinStandardHelpOptions = true,
			description = "Write a migrate, sync or repair run's reports again from the job repository (records per"
					+ " object, rejections, audit trail), e.g. after a full disk kept the run from writing them.")
	static final class Report {

		@Parameters(index = "0", paramLabel = "<run-id>", description = "the run (see status)")
		String runId;
	}

	@Command(name = "reconcile", mixinStandardHelpOptions = true,
			description = "Compare Cliniko with HubSpot for a run (default: the newest completed migrate run):"
					+ " counts, every record present once, mapped values, associations. Exit 0 clean, 3 mismatched.")
	static final class Reconcile {

		@Parameters(index = "0", arity = "0..1", paramLabel = "<run-id>", description = "the migrate or sync run")
		String runId;

		@Option(names = "--sample", paramLabel = "N",
				description = "Compare the property values of about N records per object (presence and associations"
						+ " are checked for every record).")
		Integer sample;

		@Option(names = "--repair",
				description = "Bring HubSpot back to Cliniko: rewrite values that drifted and re-create records that"
						+ " are missing, as a run of its own (audited; 'rollback <its run id>' undoes it).")
		boolean repair;
	}

	/** The CSV options of the commands that read a {@code csv:DIR} source (docs/cli.md). */
	static final class CsvOptions {

		@Option(names = "--csv-file", paramLabel = "FILE",
				description = "With csv:DIR: the export to read of its kind (e.g. Patients-Cliniko-20261120.csv), when"
						+ " the folder holds more than one; repeatable, one per kind.")
		java.util.List<String> files;

		@Option(names = "--csv-encoding", paramLabel = "<charset>",
				description = "With csv:DIR: the files' encoding (e.g. windows-1252, UTF-16LE); default: detected per"
						+ " file (BOM, else UTF-8 when valid, else windows-1252).")
		String encoding;

		@Option(names = "--csv-date-order", paramLabel = "<dmy | mdy>",
				description = "With csv:DIR: read dates like 03/04/2024 day-first (dmy) or month-first (mdy);"
						+ " default: decided per file from its dates (13/02/2024 proves dmy).")
		String dateOrder;
	}
}
