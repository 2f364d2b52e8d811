package com.clinikobridge.job;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;

/**
 * Tells the operator how a step is going: a line every {@link #EVERY} chunks and one when the
 * step ends, with counts and records per second only (never record contents).
 */
class ProgressListener implements StepExecutionListener, ChunkListener<Object, Object> {

	static final int EVERY = 10;

	private static final Logger log = LoggerFactory.getLogger(ProgressListener.class);

	private StepExecution step;

	private Instant started;

	private long chunks;

	private long records;

	@Override
	public void beforeStep(StepExecution stepExecution) {
		step = stepExecution;
		started = Instant.now();
		chunks = 0;
		records = 0;
	}

	@Override
	public void afterChunk(Chunk<Object> chunk) {
		chunks++;
		records += chunk.size();
		if (chunks % EVERY == 0) {
			log.info("{}: {} records written in this execution ({}/s)", step.getStepName(), records, rate());
		}
	}

	@Override
	public ExitStatus afterStep(StepExecution stepExecution) {
		log.info("{}: {} after {} records in {} ms ({}/s)", stepExecution.getStepName(),
				stepExecution.getStatus(), records, Duration.between(started, Instant.now()).toMillis(), rate());
		return null;
	}

	private long rate() {
		long ms = Math.max(1, Duration.between(started, Instant.now()).toMillis());
		return records * 1000 / ms;
	}
}
