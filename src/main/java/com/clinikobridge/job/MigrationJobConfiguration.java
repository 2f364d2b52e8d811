package com.clinikobridge.job;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

import com.clinikobridge.cliniko.ClinikoAppointment;
import com.clinikobridge.cliniko.ClinikoCatalogItem;
import com.clinikobridge.cliniko.ClinikoContact;
import com.clinikobridge.cliniko.ClinikoCsvExports;
import com.clinikobridge.cliniko.ClinikoDirectory;
import com.clinikobridge.cliniko.ClinikoInvoice;
import com.clinikobridge.cliniko.ClinikoInvoiceItem;
import com.clinikobridge.cliniko.ClinikoPageReader;
import com.clinikobridge.cliniko.ClinikoPatient;
import com.clinikobridge.cliniko.ClinikoPractitioner;
import com.clinikobridge.cliniko.ClinikoTreatmentNote;
import com.clinikobridge.cliniko.PatientDetails;
import com.clinikobridge.cliniko.SequentialReader;
import com.clinikobridge.cliniko.SourceItem;
import com.clinikobridge.hubspot.HubSpotRecord;
import com.clinikobridge.hubspot.PortalSchema;
import com.clinikobridge.hubspot.SchemaSetup;
import com.clinikobridge.ledger.Ledger;
import com.clinikobridge.ledger.RunStore;
import com.clinikobridge.ledger.SyncStore;
import com.clinikobridge.mapping.AppointmentProcessor;
import com.clinikobridge.mapping.CompanyProcessor;
import com.clinikobridge.mapping.CustomFields;
import com.clinikobridge.mapping.InvoiceItemProcessor;
import com.clinikobridge.mapping.InvoiceProcessor;
import com.clinikobridge.mapping.ObjectMapping;
import com.clinikobridge.mapping.OwnerDirectory;
import com.clinikobridge.mapping.PatientProcessor;
import com.clinikobridge.mapping.ProductProcessor;
import com.clinikobridge.mapping.TreatmentNoteProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.listener.StepListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The {@code migrate} job. Set-up steps first: {@code prepare} (Cliniko reference lists, patient
 * details, custom field definitions), {@code schema} (HubSpot properties and the deal pipeline),
 * {@code owners} (practitioners → owners), {@code patientEmails} (shared-email pre-scan of CSV
 * exports). Then one chunk-oriented step per object in dependency order (MAPPING.md):
 * {@code contacts} → {@code products} → {@code patients} → {@code appointments} →
 * {@code treatment_notes} → {@code invoices} → {@code invoice_items}, 500 records a chunk, each
 * chunk one transaction holding the ledger rows and the reader's restart state (HubSpot still
 * gets batches of 100; 500 a chunk makes a fifth of the commits and ledger round trips). A step whose
 * object the run does not migrate ({@code --objects}, or absent from CSV exports) reads nothing.
 */
@Configuration
class MigrationJobConfiguration {

	static final String JOB_NAME = "migrate";

	static final int CHUNK_SIZE = 500;

	private static final Logger log = LoggerFactory.getLogger(MigrationJobConfiguration.class);

	// Every step asks it at its chunk boundaries whether to stop (SIGTERM).
	private final GracefulStop stop;

	MigrationJobConfiguration(GracefulStop stop) {
		this.stop = stop;
	}

	@Bean
	Job migrateJob(JobRepository jobRepository, RunStore runs, Step prepareStep, Step schemaStep, Step ownersStep,
			Step patientEmailsStep, Step contactsStep, Step productsStep, Step patientsStep, Step appointmentsStep,
			Step treatmentNotesStep, Step invoicesStep, Step invoiceItemsStep, Step reconcileTotalsStep) {
		JobExecutionListener recordExecution = new RunExecutionListener(runs);
		return new JobBuilder(JOB_NAME, jobRepository).listener(recordExecution)
			.start(prepareStep)
			.next(schemaStep)
			.next(ownersStep)
			.next(patientEmailsStep)
			.next(contactsStep)
			.next(productsStep)
			.next(patientsStep)
			.next(appointmentsStep)
			.next(treatmentNotesStep)
			.next(invoicesStep)
			.next(invoiceItemsStep)
			.next(reconcileTotalsStep)
			.build();
	}

	// Set-up steps run again on restart (allowStartIfComplete): what they find lives in memory.

	@Bean
	Step prepareStep(JobRepository jobRepository, PlatformTransactionManager tm, ActiveRun run, Ledger ledger,
			SyncStore syncStore) {
		Tasklet tasklet = (contribution, chunkContext) -> {
			if (run.marksKey() != null) {
				// Taken once, when the run first starts; a restart reads the same delta.
				Map<String, SyncStore.Mark> marks = syncStore.runMarks(run.runId());
				if (marks.isEmpty()) {
					marks = SyncMarks.compute(run.cliniko(), run.objects(),
							run.syncing() ? syncStore.marks(run.marksKey()) : Map.of(), run.sinceOverride());
					syncStore.saveRunMarks(run.runId(), run.marksKey(), marks);
				}
				run.marks(marks);
				if (run.syncing()) {
					log.info("Changed since the last run: {}", marks.entrySet()
						.stream()
						.map(e -> e.getKey() + " " + (e.getValue().since() == null ? "all" : e.getValue().delta()))
						.toList());
				}
			}
			if (run.syncing() && !run.source().isCsv()) {
				java.util.Map<String, Long> totals = new java.util.HashMap<>();
				run.objects().forEach(o -> {
					if (run.mark(o) != null && run.mark(o).since() != null) {
						totals.put(o, run.mark(o).delta());
					}
				});
				run.totals(totals);
			}
			else if (run.sample() == null) {
				// Only for progress: a source that cannot count just shows no ETA. A full API run's
				// marks have counted each list already (every record, as there was no mark yet):
				// counting again would cost two Cliniko requests a list, seconds at 200 a minute.
				java.util.Map<String, Long> totals = new java.util.HashMap<>();
				if (!run.source().isCsv() && run.marksKey() != null) {
					run.objects().forEach(o -> {
						if (run.mark(o) != null && run.mark(o).since() == null) {
							totals.put(o, run.mark(o).delta());
						}
					});
				}
				try {
					if (totals.isEmpty()) {
						Inventory.count(run.source(), run.cliniko(), run.objects())
							.forEach(r -> totals.put(r.object(), r.total()));
					}
					run.totals(totals);
				}
				catch (RuntimeException ex) {
					log.warn("Could not count the source for progress: {}", ex.getClass().getSimpleName());
				}
			}
			if (!run.source().isCsv()) {
				run.directory(ClinikoDirectory.load(run.cliniko()));
				if (run.migrates("patients") && (syncMark(run, "patients") == null || syncMark(run, "patients").delta() > 0)) {
					// A sync with no changed patient needs none of their alerts, referrals or custom fields.
					run.patientDetails(PatientDetails.load(run.cliniko()));
					var properties = CustomFields.properties(run.patientDetails().customFields(), ledger.customFieldNames());
					if (!run.dryRun()) {
						java.util.Map<String, String> names = new java.util.HashMap<>();
						properties.forEach((token, spec) -> names.put(token, spec.name()));
						ledger.saveCustomFieldNames(names);
					}
					run.customFieldProperties(properties);
				}
			}
			return RepeatStatus.FINISHED;
		};
		return stop.stoppable(new StepBuilder("prepare", jobRepository).tasklet(tasklet, tm).allowStartIfComplete(true).build());
	}

	@Bean
	Step schemaStep(JobRepository jobRepository, PlatformTransactionManager tm, ActiveRun run, Ledger ledger) {
		Tasklet tasklet = (contribution, chunkContext) -> {
			if (run.reconciling()) {
				// Compare against the portal as it is: find, never create.
				SchemaSetup setup = new SchemaSetup(run.hubspot());
				run.withoutUniqueId(setup.typesWithoutUniqueId(
						run.mapping().schema(run.customFieldProperties(), run.objects())));
				if (run.migrates("invoices")) {
					run.portal(setup.findDealPipeline(run.mapping().pipelineLabel(), run.mapping().pipelineId(),
							run.mapping().stages()).orElse(PortalSchema.placeholder()));
				}
			}
			else if (run.dryRun()) {
				run.portal(PortalSchema.placeholder());
			}
			else {
				SchemaSetup setup = new SchemaSetup(run.hubspot(),
						(kind, type, name) -> ledger.noteSchemaChange(run.runId(), kind, type, name));
				run.withoutUniqueId(setup.ensureProperties(
						run.mapping().schema(run.customFieldProperties(), run.objects())));
				if (run.migrates("invoices")) {
					run.portal(setup.ensureDealPipeline(run.mapping().pipelineLabel(), run.mapping().pipelineId(),
							run.mapping().stages()));
				}
			}
			return RepeatStatus.FINISHED;
		};
		return stop.stoppable(new StepBuilder("schema", jobRepository).tasklet(tasklet, tm).allowStartIfComplete(true).build());
	}

	@Bean
	Step ownersStep(JobRepository jobRepository, PlatformTransactionManager tm, ActiveRun run) {
		Tasklet tasklet = (contribution, chunkContext) -> {
			List<ClinikoPractitioner> practitioners = run.source().isCsv() ? run.csv().practitioners()
					: run.directory().practitioners();
			String fallback = run.settings().fallbackOwnerEmail() != null ? run.settings().fallbackOwnerEmail()
					: run.mapping().fallbackOwnerEmail();
			OwnerDirectory owners;
			if (run.hubspot() != null) {
				try {
					owners = OwnerDirectory.resolve(practitioners, run.hubspot().owners(), fallback);
				}
				catch (IllegalArgumentException ex) {
					throw new ConfigurationException(ex.getMessage());
				}
			}
			else {
				owners = OwnerDirectory.none(practitioners);
			}
			run.owners(owners);
			long resolved = owners.resolutions().stream().filter(r -> r.ownerId() != null).count();
			log.info("Practitioners: {}, resolved to owners: {}", practitioners.size(), resolved);
			return RepeatStatus.FINISHED;
		};
		return stop.stoppable(new StepBuilder("owners", jobRepository).tasklet(tasklet, tm).allowStartIfComplete(true).build());
	}

	@Bean
	Step patientEmailsStep(JobRepository jobRepository, PlatformTransactionManager tm, ActiveRun run, Ledger ledger) {
		Tasklet tasklet = (contribution, chunkContext) -> {
			// API patients are read in id order, so the first claimant is the lowest id; a CSV
			// export is in no particular order, so claim every email for its lowest id first.
			if (run.source().isCsv() && run.migrates("patients")) {
				var claims = run.emailClaims(ledger);
				Map<String, Long> lowest = new HashMap<>();
				run.csv().scan("Patients", row -> {
					ClinikoPatient p = ClinikoCsvExports.PATIENTS.map(row); // rows the step rejects claim nothing
					if (p.email() != null && !p.email().isBlank()) {
						lowest.merge(p.email().trim().toLowerCase(Locale.ROOT), p.id(), Math::min);
						if (lowest.size() == 1000) {
							claims.preclaimAll(lowest);
							lowest.clear();
						}
					}
				});
				claims.preclaimAll(lowest);
			}
			return RepeatStatus.FINISHED;
		};
		// Runs again on restart: a dry run keeps its claims in memory only.
		return stop.stoppable(new StepBuilder("patientEmails", jobRepository).tasklet(tasklet, tm).allowStartIfComplete(true).build());
	}

	/**
	 * Reconcile runs only: HubSpot's count of records carrying each object's Cliniko id property
	 * (one search each) against the records found, so records the source does not have (deleted
	 * in Cliniko, or copies made in HubSpot) show up as {@code extra}. Skipped for samples.
	 */
	@Bean
	Step reconcileTotalsStep(JobRepository jobRepository, PlatformTransactionManager tm, ActiveRun run, Ledger ledger) {
		Tasklet tasklet = (contribution, chunkContext) -> {
			if (!run.reconciling() || run.sample() != null) {
				return RepeatStatus.FINISHED;
			}
			var tallies = ledger.tallies(run.runId());
			var mismatches = ledger.mismatches(run.runId());
			for (ObjectMapping m : ObjectMapping.ORDER) {
				if (!run.migrates(m.clinikoName()) || !tallies.containsKey(m.clinikoName())) {
					continue;
				}
				long copies = mismatches.stream()
					.filter(x -> x.objectType().equals(m.clinikoName()) && x.kind().equals("duplicate"))
					.mapToLong(x -> x.hubspotId().split(" ").length - 1L)
					.sum();
				long accounted = tallies.get(m.clinikoName()).present() + copies;
				long held = run.hubspot().count(m.hubspotType(), m.idProperty(), null);
				if (held > accounted) {
					ledger.mismatches(run.runId(), List.of(new Ledger.Mismatch(m.clinikoName(), null, null, "extra",
							m.idProperty(), accounted + " records", held + " records")));
				}
			}
			return RepeatStatus.FINISHED;
		};
		return stop.stoppable(new StepBuilder("reconcileTotals", jobRepository).tasklet(tasklet, tm).build());
	}

	private <I> Step objectStep(String name, JobRepository jobRepository, PlatformTransactionManager tm,
			ItemStreamReader<SourceItem<I>> reader, ItemProcessor<SourceItem<I>, HubSpotRecord> processor,
			HubSpotLoadWriter writer, ActiveRun run, StepListener... listeners) {
		var step = new StepBuilder(name, jobRepository).<SourceItem<I>, HubSpotRecord>chunk(CHUNK_SIZE)
			.transactionManager(tm)
			.interruptionPolicy(stop)
			.reader(reader)
			.processor(processor)
			.writer(writer)
			.listener(new ProgressListener(run, name));
		for (StepListener listener : listeners) {
			step.listener(listener);
		}
		return step.build();
	}

	@Bean
	Step contactsStep(JobRepository jobRepository, PlatformTransactionManager tm, ActiveRun run,
			ItemStreamReader<SourceItem<ClinikoContact>> contactReader,
			ItemProcessor<SourceItem<ClinikoContact>, HubSpotRecord> companyProcessor, HubSpotLoadWriter writer) {
		return objectStep("contacts", jobRepository, tm, contactReader, companyProcessor, writer, run);
	}

	@Bean
	Step productsStep(JobRepository jobRepository, PlatformTransactionManager tm, ActiveRun run,
			ItemStreamReader<SourceItem<ClinikoCatalogItem>> productReader,
			ItemProcessor<SourceItem<ClinikoCatalogItem>, HubSpotRecord> productProcessor, HubSpotLoadWriter writer) {
		return objectStep("products", jobRepository, tm, productReader, productProcessor, writer, run);
	}

	@Bean
	Step patientsStep(JobRepository jobRepository, PlatformTransactionManager tm, ActiveRun run,
			ItemStreamReader<SourceItem<ClinikoPatient>> patientReader,
			ItemProcessor<SourceItem<ClinikoPatient>, HubSpotRecord> patientProcessor, HubSpotLoadWriter writer,
			Ledger ledger) {
		return objectStep("patients", jobRepository, tm, patientReader, patientProcessor, writer, run,
				new EmailClaimPrefetch(run, ledger));
	}

	@Bean
	Step appointmentsStep(JobRepository jobRepository, PlatformTransactionManager tm, ActiveRun run,
			ItemStreamReader<SourceItem<ClinikoAppointment>> appointmentReader,
			ItemProcessor<SourceItem<ClinikoAppointment>, HubSpotRecord> appointmentProcessor,
			HubSpotLoadWriter writer) {
		return objectStep("appointments", jobRepository, tm, appointmentReader, appointmentProcessor, writer, run);
	}

	@Bean
	Step treatmentNotesStep(JobRepository jobRepository, PlatformTransactionManager tm, ActiveRun run,
			ItemStreamReader<SourceItem<ClinikoTreatmentNote>> treatmentNoteReader,
			ItemProcessor<SourceItem<ClinikoTreatmentNote>, HubSpotRecord> treatmentNoteProcessor,
			HubSpotLoadWriter writer) {
		return objectStep("treatment_notes", jobRepository, tm, treatmentNoteReader, treatmentNoteProcessor, writer, run);
	}

	@Bean
	Step invoicesStep(JobRepository jobRepository, PlatformTransactionManager tm, ActiveRun run,
			ItemStreamReader<SourceItem<ClinikoInvoice>> invoiceReader,
			ItemProcessor<SourceItem<ClinikoInvoice>, HubSpotRecord> invoiceProcessor, HubSpotLoadWriter writer) {
		return objectStep("invoices", jobRepository, tm, invoiceReader, invoiceProcessor, writer, run);
	}

	@Bean
	Step invoiceItemsStep(JobRepository jobRepository, PlatformTransactionManager tm, ActiveRun run,
			ItemStreamReader<SourceItem<ClinikoInvoiceItem>> invoiceItemReader,
			ItemProcessor<SourceItem<ClinikoInvoiceItem>, HubSpotRecord> invoiceItemProcessor,
			HubSpotLoadWriter writer) {
		return objectStep("invoice_items", jobRepository, tm, invoiceItemReader, invoiceItemProcessor, writer, run);
	}

	@Bean
	HubSpotLoadWriter hubSpotLoadWriter(ActiveRun run, Ledger ledger, com.clinikobridge.ledger.WriteProofs proofs) {
		return new HubSpotLoadWriter(run, ledger, proofs);
	}

	/** The object's reader when the run migrates it, else a reader of nothing. */
	private static <T> ItemStreamReader<SourceItem<T>> readerFor(ActiveRun run, String object,
			Supplier<ItemStreamReader<SourceItem<T>>> reader) {
		return run.migrates(object) ? reader.get() : new NothingReader<>();
	}

	/** The object's mark in a sync run from the API (what changed since when), or null. */
	private static SyncStore.Mark syncMark(ActiveRun run, String object) {
		SyncStore.Mark mark = run.syncing() && !run.source().isCsv() ? run.mark(object) : null;
		return mark == null || mark.since() == null ? null : mark;
	}

	/** An API list; in a sync run, only its records changed since the object's mark. */
	private static <T> ItemStreamReader<SourceItem<T>> changed(ActiveRun run, String object, String name,
			ClinikoPageReader<T> list) {
		SyncStore.Mark mark = syncMark(run, object);
		if (mark == null) {
			return list;
		}
		return mark.delta() == 0 ? new NothingReader<>()
				: list.where(name + ".since", "updated_at:>" + mark.since().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS));
	}

	@Bean
	@StepScope
	ItemStreamReader<SourceItem<ClinikoContact>> contactReader(ActiveRun run) {
		return readerFor(run, "contacts", () -> changed(run, "contacts", "contacts", ClinikoPageReader.contacts(run.cliniko())));
	}

	@Bean
	@StepScope
	ItemStreamReader<SourceItem<ClinikoCatalogItem>> productReader(ActiveRun run) {
		return readerFor(run, "products", () -> new SequentialReader<>("products.api",
				List.of(changed(run, "products", "billableItems", ClinikoPageReader.billableItems(run.cliniko())),
						changed(run, "products", "products", ClinikoPageReader.products(run.cliniko())))));
	}

	@Bean
	@StepScope
	ItemStreamReader<SourceItem<ClinikoPatient>> patientReader(ActiveRun run) {
		return readerFor(run, "patients", () -> run.source().isCsv()
				? run.csv().reader("patients.csv", "Patients", ClinikoCsvExports.PATIENTS)
				: changed(run, "patients", "patients", ClinikoPageReader.patients(run.cliniko(), run.patientDetails())));
	}

	/**
	 * Appointments; in a sync run, those changed since the mark, then those starting in the sync
	 * window (days back to days forward) that did not change: an appointment's outcome moves
	 * from scheduled to completed as time passes, without a new {@code updated_at}.
	 */
	@Bean
	@StepScope
	ItemStreamReader<SourceItem<ClinikoAppointment>> appointmentReader(ActiveRun run) {
		return readerFor(run, "appointments", () -> {
			if (run.source().isCsv()) {
				return run.csv().reader("appointments.csv", "Appointments", ClinikoCsvExports.APPOINTMENTS);
			}
			ClinikoPageReader<ClinikoAppointment> all = ClinikoPageReader.appointments(run.cliniko(), run.directory());
			SyncStore.Mark mark = syncMark(run, "appointments");
			if (mark == null) {
				return all;
			}
			Instant since = mark.since().minusSeconds(1).truncatedTo(ChronoUnit.SECONDS);
			Instant from = run.startedAt().minus(run.settings().syncDaysBack(), ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
			Instant to = run.startedAt().plus(run.settings().syncDaysForward(), ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
			return new SequentialReader<>("appointments.sync", List.of(changed(run, "appointments", "appointments", all),
					all.where("appointments.window", "starts_at:>=" + from, "starts_at:<=" + to, "updated_at:<=" + since)));
		});
	}

	@Bean
	@StepScope
	ItemStreamReader<SourceItem<ClinikoTreatmentNote>> treatmentNoteReader(ActiveRun run) {
		return readerFor(run, "treatment_notes",
				() -> changed(run, "treatment_notes", "treatmentNotes", ClinikoPageReader.treatmentNotes(run.cliniko())));
	}

	@Bean
	@StepScope
	ItemStreamReader<SourceItem<ClinikoInvoice>> invoiceReader(ActiveRun run) {
		return readerFor(run, "invoices", () -> run.source().isCsv()
				? run.csv().reader("invoices.csv", "Invoices", ClinikoCsvExports.INVOICES)
				: changed(run, "invoices", "invoices", ClinikoPageReader.invoices(run.cliniko())));
	}

	@Bean
	@StepScope
	ItemStreamReader<SourceItem<ClinikoInvoiceItem>> invoiceItemReader(ActiveRun run) {
		return readerFor(run, "invoice_items",
				() -> changed(run, "invoice_items", "invoiceItems", ClinikoPageReader.invoiceItems(run.cliniko())));
	}

	@Bean
	@StepScope
	ItemProcessor<SourceItem<ClinikoContact>, HubSpotRecord> companyProcessor(ActiveRun run) {
		return sampled(run, c -> run.sample().referrers().contains(c.id()), new CompanyProcessor(run.mappingContext()));
	}

	@Bean
	@StepScope
	ItemProcessor<SourceItem<ClinikoCatalogItem>, HubSpotRecord> productProcessor(ActiveRun run) {
		return new ProductProcessor(run.mappingContext());
	}

	@Bean
	@StepScope
	ItemProcessor<SourceItem<ClinikoPatient>, HubSpotRecord> patientProcessor(ActiveRun run, Ledger ledger) {
		return sampled(run, p -> run.sample().hasPatient(p.id()), new PatientProcessor(run.mappingContext(), run.emailClaims(ledger)));
	}

	@Bean
	@StepScope
	ItemProcessor<SourceItem<ClinikoAppointment>, HubSpotRecord> appointmentProcessor(ActiveRun run) {
		return sampled(run, a -> run.sample().hasPatient(a.patientId()), new AppointmentProcessor(run.mappingContext()));
	}

	@Bean
	@StepScope
	ItemProcessor<SourceItem<ClinikoTreatmentNote>, HubSpotRecord> treatmentNoteProcessor(ActiveRun run) {
		return sampled(run, n -> run.sample().hasPatient(n.patientId()),
				new TreatmentNoteProcessor(run.mappingContext()));
	}

	@Bean
	@StepScope
	ItemProcessor<SourceItem<ClinikoInvoice>, HubSpotRecord> invoiceProcessor(ActiveRun run) {
		return sampled(run, i -> run.sample().hasPatient(i.patientId()), new InvoiceProcessor(run.mappingContext()));
	}

	@Bean
	@StepScope
	ItemProcessor<SourceItem<ClinikoInvoiceItem>, HubSpotRecord> invoiceItemProcessor(ActiveRun run, Ledger ledger) {
		java.util.Set<String> invoices = run.sample() == null ? java.util.Set.of()
				: ledger.touched(run.runId(), "invoices");
		return sampled(run, i -> i.invoiceId() != null && invoices.contains(i.invoiceId().toString()),
				new InvoiceItemProcessor(run.mappingContext()));
	}

	/** The processor, behind a sample filter when the run is a sample. */
	private static <T> ItemProcessor<SourceItem<T>, HubSpotRecord> sampled(ActiveRun run,
			java.util.function.Predicate<T> inSample, ItemProcessor<SourceItem<T>, HubSpotRecord> processor) {
		return run.sample() == null ? processor : new SampleFilter<>(inSample, processor);
	}

	/** A reader of nothing, for objects a run does not migrate. */
	static final class NothingReader<T> implements ItemStreamReader<T> {

		@Override
		public T read() {
			return null;
		}

		@Override
		public void open(ExecutionContext context) {
		}
	}
}
