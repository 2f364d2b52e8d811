package com.clinikobridge.job;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import com.clinikobridge.cliniko.ClinikoAppointment;
import com.clinikobridge.cliniko.ClinikoCsvExports;
import com.clinikobridge.cliniko.ClinikoCsvReader;
import com.clinikobridge.cliniko.ClinikoDirectory;
import com.clinikobridge.cliniko.ClinikoInvoice;
import com.clinikobridge.cliniko.ClinikoPageReader;
import com.clinikobridge.cliniko.ClinikoPatient;
import com.clinikobridge.cliniko.ClinikoPractitioner;
import com.clinikobridge.cliniko.SourceItem;
import com.clinikobridge.hubspot.HubSpotRecord;
import com.clinikobridge.hubspot.PortalSchema;
import com.clinikobridge.hubspot.SchemaSetup;
import com.clinikobridge.ledger.Ledger;
import com.clinikobridge.ledger.RunStore;
import com.clinikobridge.mapping.AppointmentProcessor;
import com.clinikobridge.mapping.InvoiceProcessor;
import com.clinikobridge.mapping.ObjectMapping;
import com.clinikobridge.mapping.OwnerDirectory;
import com.clinikobridge.mapping.PatientProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The {@code migrate} job: {@code schema} (HubSpot properties and the deal pipeline),
 * {@code owners} (practitioners → owners), {@code patientEmails} (shared-email pre-scan for CSV
 * exports), then one chunk-oriented step per object in dependency order: {@code patients} →
 * {@code appointments} → {@code invoices}, 100 records a chunk, each chunk one transaction
 * holding the ledger rows and the reader's restart state.
 */
@Configuration
class MigrationJobConfiguration {

	static final String JOB_NAME = "migrate";

	static final int CHUNK_SIZE = 100;

	private static final Logger log = LoggerFactory.getLogger(MigrationJobConfiguration.class);

	@Bean
	Job migrateJob(JobRepository jobRepository, RunStore runs, Step schemaStep, Step ownersStep,
			Step patientEmailsStep, Step patientsStep, Step appointmentsStep, Step invoicesStep) {
		JobExecutionListener recordExecution = new JobExecutionListener() {
			@Override
			public void beforeJob(JobExecution execution) {
				// Stored before any step runs, so a killed run can still be found and restarted.
				runs.started(execution.getJobParameters().getString("runId"), execution.getId());
			}
		};
		return new JobBuilder(JOB_NAME, jobRepository).listener(recordExecution)
			.start(schemaStep)
			.next(ownersStep)
			.next(patientEmailsStep)
			.next(patientsStep)
			.next(appointmentsStep)
			.next(invoicesStep)
			.build();
	}

	@Bean
	Step schemaStep(JobRepository jobRepository, PlatformTransactionManager tm, ActiveRun run) {
		Tasklet tasklet = (contribution, chunkContext) -> {
			if (run.dryRun()) {
				run.portal(PortalSchema.placeholder());
			}
			else {
				SchemaSetup setup = new SchemaSetup(run.hubspot());
				setup.ensureProperties(ObjectMapping.schema());
				run.portal(setup.ensureDealPipeline());
			}
			return RepeatStatus.FINISHED;
		};
		// Runs again on restart: the portal ids live only in memory.
		return new StepBuilder("schema", jobRepository).tasklet(tasklet, tm).allowStartIfComplete(true).build();
	}

	@Bean
	Step ownersStep(JobRepository jobRepository, PlatformTransactionManager tm, ActiveRun run) {
		Tasklet tasklet = (contribution, chunkContext) -> {
			List<ClinikoPractitioner> practitioners;
			if (run.source().isCsv()) {
				practitioners = run.csv().practitioners();
			}
			else {
				ClinikoDirectory directory = ClinikoDirectory.load(run.cliniko());
				run.directory(directory);
				practitioners = directory.practitioners();
			}
			OwnerDirectory owners;
			if (run.hubspot() != null) {
				try {
					owners = OwnerDirectory.resolve(practitioners, run.hubspot().owners(),
							run.settings().fallbackOwnerEmail());
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
		return new StepBuilder("owners", jobRepository).tasklet(tasklet, tm).allowStartIfComplete(true).build();
	}

	@Bean
	Step patientEmailsStep(JobRepository jobRepository, PlatformTransactionManager tm, ActiveRun run, Ledger ledger) {
		Tasklet tasklet = (contribution, chunkContext) -> {
			// API patients are read in id order, so the first claimant is the lowest id; a CSV
			// export is in no particular order, so claim every email for its lowest id first.
			if (run.source().isCsv()) {
				Path file = run.csv().file("Patients").orElseThrow();
				ClinikoCsvExports.scan(file, row -> {
					String email = row.text("Email");
					Long id = row.id("Patient ID");
					if (email != null && id != null) {
						ledger.preclaimEmail(email.toLowerCase(Locale.ROOT), id);
					}
				});
			}
			return RepeatStatus.FINISHED;
		};
		return new StepBuilder("patientEmails", jobRepository).tasklet(tasklet, tm).build();
	}

	@Bean
	Step patientsStep(JobRepository jobRepository, PlatformTransactionManager tm,
			ItemStreamReader<SourceItem<ClinikoPatient>> patientReader,
			ItemProcessor<SourceItem<ClinikoPatient>, HubSpotRecord> patientProcessor, HubSpotLoadWriter writer) {
		return new StepBuilder("patients", jobRepository).<SourceItem<ClinikoPatient>, HubSpotRecord>chunk(CHUNK_SIZE)
			.transactionManager(tm)
			.reader(patientReader)
			.processor(patientProcessor)
			.writer(writer)
			.listener(new ProgressListener())
			.build();
	}

	@Bean
	Step appointmentsStep(JobRepository jobRepository, PlatformTransactionManager tm,
			ItemStreamReader<SourceItem<ClinikoAppointment>> appointmentReader,
			ItemProcessor<SourceItem<ClinikoAppointment>, HubSpotRecord> appointmentProcessor,
			HubSpotLoadWriter writer) {
		return new StepBuilder("appointments", jobRepository)
			.<SourceItem<ClinikoAppointment>, HubSpotRecord>chunk(CHUNK_SIZE)
			.transactionManager(tm)
			.reader(appointmentReader)
			.processor(appointmentProcessor)
			.writer(writer)
			.listener(new ProgressListener())
			.build();
	}

	@Bean
	Step invoicesStep(JobRepository jobRepository, PlatformTransactionManager tm,
			ItemStreamReader<SourceItem<ClinikoInvoice>> invoiceReader,
			ItemProcessor<SourceItem<ClinikoInvoice>, HubSpotRecord> invoiceProcessor, HubSpotLoadWriter writer) {
		return new StepBuilder("invoices", jobRepository).<SourceItem<ClinikoInvoice>, HubSpotRecord>chunk(CHUNK_SIZE)
			.transactionManager(tm)
			.reader(invoiceReader)
			.processor(invoiceProcessor)
			.writer(writer)
			.listener(new ProgressListener())
			.build();
	}

	@Bean
	HubSpotLoadWriter hubSpotLoadWriter(ActiveRun run, Ledger ledger) {
		return new HubSpotLoadWriter(run, ledger);
	}

	@Bean
	@StepScope
	ItemStreamReader<SourceItem<ClinikoPatient>> patientReader(ActiveRun run) {
		return run.source().isCsv()
				? new ClinikoCsvReader<>("patients.csv", run.csv().file("Patients").orElse(null),
						ClinikoCsvExports.PATIENTS)
				: ClinikoPageReader.patients(run.cliniko());
	}

	@Bean
	@StepScope
	ItemStreamReader<SourceItem<ClinikoAppointment>> appointmentReader(ActiveRun run) {
		return run.source().isCsv()
				? new ClinikoCsvReader<>("appointments.csv", run.csv().file("Appointments").orElse(null),
						ClinikoCsvExports.APPOINTMENTS)
				: ClinikoPageReader.appointments(run.cliniko(), run.directory());
	}

	@Bean
	@StepScope
	ItemStreamReader<SourceItem<ClinikoInvoice>> invoiceReader(ActiveRun run) {
		return run.source().isCsv()
				? new ClinikoCsvReader<>("invoices.csv", run.csv().file("Invoices").orElse(null),
						ClinikoCsvExports.INVOICES)
				: ClinikoPageReader.invoices(run.cliniko());
	}

	@Bean
	@StepScope
	ItemProcessor<SourceItem<ClinikoPatient>, HubSpotRecord> patientProcessor(ActiveRun run, Ledger ledger) {
		return new PatientProcessor(run.mappingContext(), ledger);
	}

	@Bean
	@StepScope
	ItemProcessor<SourceItem<ClinikoAppointment>, HubSpotRecord> appointmentProcessor(ActiveRun run) {
		return new AppointmentProcessor(run.mappingContext());
	}

	@Bean
	@StepScope
	ItemProcessor<SourceItem<ClinikoInvoice>, HubSpotRecord> invoiceProcessor(ActiveRun run) {
		return new InvoiceProcessor(run.mappingContext());
	}
}
