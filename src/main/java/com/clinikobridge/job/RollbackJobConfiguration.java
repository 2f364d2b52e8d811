package com.clinikobridge.job;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.clinikobridge.hubspot.HubSpotClient;
import com.clinikobridge.hubspot.HubSpotClient.Association;
import com.clinikobridge.hubspot.HubSpotException;
import com.clinikobridge.ledger.Ledger;
import com.clinikobridge.ledger.Ledger.AddedAssociation;
import com.clinikobridge.ledger.Ledger.BeforeImage;
import com.clinikobridge.ledger.Ledger.Rejected;
import com.clinikobridge.ledger.Ledger.SchemaChange;
import com.clinikobridge.ledger.RunStore;
import com.clinikobridge.ledger.WriteProofs;
import com.clinikobridge.ledger.WriteProofs.ProvenWrite;
import com.clinikobridge.mapping.ObjectMapping;
import tools.jackson.databind.JsonNode;

import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The {@code rollback} job: a compensating run that undoes one migrate run in HubSpot, in
 * reverse dependency order. Steps: {@code rollbackAssociations} (remove the associations the
 * run added, v4 batch archive), {@code rollbackRestores} (batch-update records the run updated
 * back to their before-images), {@code rollbackPutBack} (associations the run removed because a
 * record's target moved), {@code rollbackArchives} (batch-archive the records the run
 * proved it created and that nobody changed since, 100 per call), {@code rollbackSchema} (with {@code --include-schema}: delete the
 * properties, groups and pipeline the run created, when empty). Each chunk marks what it undid
 * in the ledger in its own transaction, so a rollback that is stopped or killed resumes where it
 * stopped, and a finished one has nothing left to do.
 */
@Configuration
class RollbackJobConfiguration {

	static final String JOB_NAME = "rollback";

	// Every step asks it at its chunk boundaries whether to stop (SIGTERM).
	private final GracefulStop stop;

	RollbackJobConfiguration(GracefulStop stop) {
		this.stop = stop;
	}

	@Bean
	Job rollbackJob(JobRepository jobRepository, RunStore runs, Step rollbackAssociationsStep,
			Step rollbackRestoresStep, Step rollbackPutBackStep, Step rollbackArchivesStep, Step rollbackSchemaStep) {
		JobExecutionListener recordExecution = new RunExecutionListener(runs);
		return new JobBuilder(JOB_NAME, jobRepository).listener(recordExecution)
			.start(rollbackAssociationsStep)
			.next(rollbackRestoresStep)
			.next(rollbackPutBackStep)
			.next(rollbackArchivesStep)
			.next(rollbackSchemaStep)
			.build();
	}

	private <T> Step undoStep(String name, JobRepository jobRepository, PlatformTransactionManager tm,
			ItemStreamReader<T> reader, ItemWriter<T> writer) {
		return new StepBuilder(name, jobRepository).<T, T>chunk(MigrationJobConfiguration.CHUNK_SIZE)
			.transactionManager(tm)
			.interruptionPolicy(stop)
			.reader(reader)
			.writer(writer)
			.build();
	}

	@Bean
	Step rollbackAssociationsStep(JobRepository jobRepository, PlatformTransactionManager tm,
			ItemStreamReader<AddedAssociation> addedAssociationReader, ActiveRun run, Ledger ledger) {
		ItemWriter<AddedAssociation> writer = (Chunk<? extends AddedAssociation> chunk) -> {
			byPair(chunk).forEach((key, list) -> run.hubspot().unassociate(key[0], key[1], list,
					Boolean.parseBoolean(key[2])));
			ledger.associationsRemoved(run.runId(), chunk.getItems().stream().map(AddedAssociation::associationId).toList());
		};
		return undoStep("rollbackAssociations", jobRepository, tm, addedAssociationReader, writer);
	}

	@Bean
	Step rollbackRestoresStep(JobRepository jobRepository, PlatformTransactionManager tm,
			ItemStreamReader<BeforeImage> beforeImageReader, ActiveRun run, Ledger ledger, WriteProofs proofs) {
		// Images whose write never committed are restored too: setting the old values again is harmless.
		// A value a person changed after the run is kept (RollbackChecks).
		ItemWriter<BeforeImage> writer = (Chunk<? extends BeforeImage> chunk) -> {
			RollbackChecks.Restores restores = new RollbackChecks(run.hubspot(), proofs, run.targetRunId())
				.restores(chunk.getItems());
			Map<String, BeforeImage> byId = new LinkedHashMap<>();
			chunk.forEach(image -> byId.put(image.hubspotId(), image));
			List<Rejected> refused = new ArrayList<>();
			restores.values().forEach((type, inputs) -> run.hubspot().update(type, inputs).forEach((id, message) -> {
				BeforeImage image = byId.get(id);
				refused.add(new Rejected(image.objectType(), "HubSpot " + type + " " + id, image.clinikoId(), null,
						"HubSpot refused the restore: " + message));
			}));
			ledger.reject(run.runId(), refused);
			ledger.imagesRestored(run.runId(), new ArrayList<>(chunk.getItems()));
			proofs.kept(run.runId(), run.targetRunId(), restores.kept(), List.of());
		};
		return undoStep("rollbackRestores", jobRepository, tm, beforeImageReader, writer);
	}

	/** Puts back the associations the run removed because a record's target moved (sync of a merge). */
	@Bean
	Step rollbackPutBackStep(JobRepository jobRepository, PlatformTransactionManager tm,
			ItemStreamReader<AddedAssociation> removedAssociationReader, ActiveRun run, Ledger ledger) {
		ItemWriter<AddedAssociation> writer = (Chunk<? extends AddedAssociation> chunk) -> {
			byPair(chunk).forEach((key, list) -> run.hubspot().associate(key[0], key[1], list));
			ledger.associationsPutBack(run.runId(), chunk.getItems().stream().map(AddedAssociation::associationId).toList());
		};
		return undoStep("rollbackPutBack", jobRepository, tm, removedAssociationReader, writer);
	}

	@Bean
	@StepScope
	ItemStreamReader<AddedAssociation> removedAssociationReader(Ledger ledger,
			@Value("#{jobParameters['target']}") String target) {
		return new LedgerPageReader<>("rollback.putBack",
				(before, limit) -> ledger.associationsToPutBack(target, before, limit), AddedAssociation::associationId);
	}

	@Bean
	Step rollbackArchivesStep(JobRepository jobRepository, PlatformTransactionManager tm,
			ItemStreamReader<ProvenWrite> createdRecordReader, ItemWriter<ProvenWrite> rollbackArchiveWriter) {
		return undoStep("rollbackArchives", jobRepository, tm, createdRecordReader, rollbackArchiveWriter);
	}

	/**
	 * Archives only what HubSpot's answers proved the target run created, still as the run left it
	 * (RollbackChecks); {@code force}: also records edited after the run.
	 */
	@Bean
	@StepScope
	ItemWriter<ProvenWrite> rollbackArchiveWriter(ActiveRun run, WriteProofs proofs,
			@Value("#{jobParameters['runId']}") String runId, @Value("#{jobParameters['target']}") String target,
			@Value("#{jobParameters['force']}") String force) {
		return (Chunk<? extends ProvenWrite> chunk) -> {
			RollbackChecks.Archives archives = new RollbackChecks(run.hubspot(), proofs, target)
				.archives(chunk.getItems(), "true".equals(force));
			archives.ids().forEach((type, ids) -> run.hubspot().archive(type, ids));
			proofs.archived(runId, target, archives.archived());
			proofs.kept(runId, target, archives.kept(), archives.keptRecords());
		};
	}

	@Bean
	Step rollbackSchemaStep(JobRepository jobRepository, PlatformTransactionManager tm, ActiveRun run, Ledger ledger) {
		Tasklet tasklet = (contribution, chunkContext) -> {
			String includeSchema = chunkContext.getStepContext().getStepExecution().getJobParameters()
				.getString("includeSchema");
			List<SchemaChange> changes = ledger.schemaToRemove(run.targetRunId());
			if (!"true".equals(includeSchema) || changes.isEmpty()) {
				return RepeatStatus.FINISHED;
			}
			// Archived records leave the search index a few seconds late; counts must not see them.
			Thread.sleep(run.settings().searchLag().toMillis());
			HubSpotClient hubspot = run.hubspot();
			for (SchemaChange change : changes) {
				String kept = removeIfEmpty(hubspot, change);
				if (kept == null) {
					ledger.schemaRemoved(run.runId(), change.changeId());
				}
				else {
					run.note("Kept " + change.kind() + " " + change.objectType() + "." + change.name() + ": " + kept);
				}
			}
			return RepeatStatus.FINISHED;
		};
		return stop.stoppable(new StepBuilder("rollbackSchema", jobRepository).tasklet(tasklet, tm).build());
	}

	/** Removes a schema object when nothing uses it. @return why it was kept, or null when removed */
	private static String removeIfEmpty(HubSpotClient hubspot, SchemaChange change) {
		switch (change.kind()) {
			case "property" -> {
				long holders = hubspot.count(change.objectType(), change.name(), null);
				if (holders > 0) {
					return holders + " record(s) hold a value for it";
				}
				hubspot.deleteProperty(change.objectType(), change.name());
			}
			case "group" -> {
				long left = hubspot.properties(change.objectType())
					.values()
					.stream()
					.filter(p -> change.name().equals(p.path("groupName").asString(null)))
					.count();
				if (left > 0) {
					return left + " property(ies) remain in the group";
				}
				hubspot.deletePropertyGroup(change.objectType(), change.name());
			}
			case "pipeline" -> {
				JsonNode pipeline = hubspot.pipelines(change.objectType())
					.stream()
					.filter(p -> change.name().equals(p.path("label").asString(null)))
					.findFirst()
					.orElse(null);
				if (pipeline == null) {
					return null;
				}
				String id = pipeline.path("id").asString();
				long deals = hubspot.count(change.objectType(), "pipeline", id);
				if (deals > 0) {
					return deals + " deal(s) are in the pipeline";
				}
				try {
					hubspot.deletePipeline(change.objectType(), id);
				}
				catch (HubSpotException ex) {
					if (ex.status() != 400) {
						throw ex;
					}
					return "HubSpot finds it in use (" + ex.withoutValues() + ")";
				}
			}
			default -> {
				return "unknown kind of schema change";
			}
		}
		return null;
	}

	/** A chunk's associations grouped by [from type, to type, label only], for one batch call each. */
	private static Map<String[], List<Association>> byPair(Chunk<? extends AddedAssociation> chunk) {
		Map<String, String[]> keys = new LinkedHashMap<>();
		Map<String[], List<Association>> byPair = new LinkedHashMap<>();
		for (AddedAssociation a : chunk) {
			String[] key = keys.computeIfAbsent(a.fromType() + "/" + a.toType() + "/" + a.labelOnly(),
					k -> new String[] { a.fromType(), a.toType(), Boolean.toString(a.labelOnly()) });
			byPair.computeIfAbsent(key, k -> new ArrayList<>()).add(new Association(a.fromId(), a.toId(), a.typeId()));
		}
		return byPair;
	}

	private static String hubspotType(String clinikoObject) {
		return ObjectMapping.byName(clinikoObject).orElseThrow().hubspotType();
	}

	@Bean
	@StepScope
	ItemStreamReader<AddedAssociation> addedAssociationReader(Ledger ledger,
			@Value("#{jobParameters['target']}") String target) {
		return new LedgerPageReader<>("rollback.associations",
				(before, limit) -> ledger.associationsToRemove(target, before, limit), AddedAssociation::associationId);
	}

	@Bean
	@StepScope
	ItemStreamReader<BeforeImage> beforeImageReader(Ledger ledger, @Value("#{jobParameters['target']}") String target) {
		return new LedgerPageReader<>("rollback.restores", (before, limit) -> ledger.imagesToRestore(target, before, limit),
				BeforeImage::imageId);
	}

	@Bean
	@StepScope
	ItemStreamReader<ProvenWrite> createdRecordReader(WriteProofs proofs,
			@Value("#{jobParameters['target']}") String target) {
		return new LedgerPageReader<>("rollback.archives",
				(before, limit) -> proofs.createdToArchive(target, before, limit), ProvenWrite::writeId);
	}
}
